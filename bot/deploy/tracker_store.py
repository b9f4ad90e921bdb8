"""Rasa's SQL tracker store, waiting out a short database outage.

When its database does not answer, Rasa hands the conversation to an empty in-memory
fallback (FailSafeTrackerStore): the owner's context is gone and the message never reaches
PostgreSQL. This is the same store (same `events` table) retrying for about
TRACKER_RETRY_SECONDS (default 20) first, so a restart of a few seconds only delays answers.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

from bot.store.outages import outlasting_outage

T = TypeVar("T")


class PatientSQLTrackerStore(SQLTrackerStore):
    async def _patiently(self, work: Callable[[], Awaitable[T]]) -> T:
        seconds = float(os.environ.get("TRACKER_RETRY_SECONDS", "20"))
        return await outlasting_outage(work, seconds, "tracker store")

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        return await self._patiently(lambda: super(PatientSQLTrackerStore, self).retrieve(sender_id))

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        return await self._patiently(
            lambda: super(PatientSQLTrackerStore, self).retrieve_full_tracker(conversation_id))

    async def save(self, tracker: DialogueStateTracker) -> None:
        # A retried save may stream its events twice; the analytics keep each event once.
        await self._patiently(lambda: super(PatientSQLTrackerStore, self).save(tracker))

    async def keys(self) -> Iterable[str]:
        return await self._patiently(lambda: super(PatientSQLTrackerStore, self).keys())
