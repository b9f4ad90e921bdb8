"""When a person is needed: the owner asks for one, or the assistant fails twice in a row."""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.context import channel_of, latest_text, now
from bot import store

log = logging.getLogger(__name__)
FALLBACK_INTENT = "nlu_fallback"
# The second unclear message in a row offers a person.
FALLBACKS_BEFORE_A_PERSON = 2


def consecutive_fallbacks(tracker: Tracker) -> int:
    """How many of the owner's latest messages in a row the assistant did not understand."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        if ((event.get("parse_data") or {}).get("intent") or {}).get("name") != FALLBACK_INTENT:
            break
        count += 1
    return count


def _record(tracker: Tracker, reason: str) -> None:
    try:
        store.record_handoff(channel_of(tracker), tracker.sender_id, reason, latest_text(tracker), now())
    except SQLAlchemyError:
        log.exception("handoff request could not be recorded")


class ActionFallback(Action):
    def name(self) -> str:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if consecutive_fallbacks(tracker) >= FALLBACKS_BEFORE_A_PERSON:
            _record(tracker, "not_understood")
            dispatcher.utter_message(response="utter_offer_human")
        else:
            dispatcher.utter_message(response="utter_default")
        return []


class ActionRequestHuman(Action):
    def name(self) -> str:
        return "action_request_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        _record(tracker, "asked")
        dispatcher.utter_message(response="utter_human_requested")
        return []
