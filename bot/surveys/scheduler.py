"""The callback scheduler: due dates in the database, checked every tick by any number of
scheduler processes. Planning is idempotent (dedupe keys) and starting a callback is a
database claim, so each due callback is started once however many schedulers run.

A started callback goes to Rasa as an external event (intent `start_callback` with the
callback's id) on the owner's channel, so the dialogue runs in Rasa's callback form. Where
no channel can reach the owner now (WeChat outside its 48 hours, the web chat), the callback
becomes a phone-call task in the agents' console.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import httpx

from bot import store, texts
from bot.handoff import escalate
from bot.handoff.conversation import RasaConversations
from bot.identity import Owner
from bot.store import CallbackRecord
from bot.surveys.calendar import is_allowed, next_allowed
from bot.surveys.planning import plan_due

log = logging.getLogger(__name__)

START_INTENT = "start_callback"
CALLBACK_FORM = "callback_form"
# Channels that can open a conversation themselves; WeChat only inside its window.
PUSH_CHANNELS = ("telegram", "wechat")
WECHAT_WINDOW = timedelta(hours=48)
# An unanswered callback is tried again once, the next day; then it is unreachable.
MAX_ATTEMPTS = 2
ANSWER_WAIT = timedelta(days=1)
# An owner who wrote this recently, or is in the middle of a form, is not interrupted.
BUSY_FOR = timedelta(minutes=10)
TRY_AGAIN_BUSY = timedelta(minutes=30)
TRY_AGAIN_DOWN = timedelta(minutes=10)


@dataclass
class TickReport:
    planned: int = 0
    started: list[int] = field(default_factory=list)
    phone_tasks: list[int] = field(default_factory=list)
    refused: list[int] = field(default_factory=list)
    deferred: list[int] = field(default_factory=list)
    retried: list[int] = field(default_factory=list)
    unreachable: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        return (f"planned {self.planned}, started {len(self.started)}, phone tasks "
                f"{len(self.phone_tasks)}, do-not-disturb {len(self.refused)}, deferred "
                f"{len(self.deferred)}, retried {len(self.retried)}, unreachable "
                f"{len(self.unreachable)}")


def default_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Scheduler:
    def __init__(self, conversations: RasaConversations | None = None,
                 worker: str | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> None:
        self.conversations = conversations or RasaConversations()
        self.worker = worker or default_worker()
        self.clock = clock

    def tick(self) -> TickReport:
        now = self.clock()
        report = TickReport(planned=plan_due(now))
        self._close_unanswered(now, report)
        if is_allowed(now):
            for callback in store.claim_due(now, self.worker):
                self._start(callback, now, report)
        return report

    def _close_unanswered(self, now: datetime, report: TickReport) -> None:
        for callback in store.stale_calls(now - ANSWER_WAIT):
            if callback.attempts < MAX_ATTEMPTS:
                if store.reschedule(callback.id, next_allowed(now)):
                    report.retried.append(callback.id)
            elif store.finish_callback(callback.id, "unreachable", now,
                                       from_statuses=("calling",)):
                report.unreachable.append(callback.id)

    def _reachable(self, callback: CallbackRecord, now: datetime) -> bool:
        if callback.channel not in PUSH_CHANNELS:
            return False
        if callback.channel == "wechat":
            return store.can_send_free_text(callback.channel, callback.sender_id, now,
                                            WECHAT_WINDOW)
        return True

    def _start(self, callback: CallbackRecord, now: datetime, report: TickReport) -> None:
        if callback.do_not_disturb:
            store.finish_callback(callback.id, "refused", now, "do_not_disturb")
            report.refused.append(callback.id)
            return
        if not self._reachable(callback, now):
            kind = texts.CALLBACK_KIND_LABELS.get(callback.kind, callback.kind)
            escalate(callback.channel, callback.sender_id, "callback_phone",
                     texts.CALLBACK_PHONE_TASK.format(kind=kind,
                                                      ticket=callback.ticket_number or ""),
                     now, callback.ticket_number)
            store.finish_callback(callback.id, "handed_to_person", now, "phone_task")
            report.phone_tasks.append(callback.id)
            return
        try:
            owner = Owner(callback.channel, callback.sender_id)
            form, last_user = self.conversations.busy_with(owner)
            busy = (form not in (None, CALLBACK_FORM)
                    or (last_user is not None
                        and now - datetime.fromtimestamp(last_user, timezone.utc) < BUSY_FOR))
            if busy:
                store.reschedule(callback.id, next_allowed(now + TRY_AGAIN_BUSY),
                                 count_attempt=False)
                report.deferred.append(callback.id)
                return
            self.conversations.trigger_intent(owner, START_INTENT,
                                              {"callback_id": str(callback.id)})
        except httpx.HTTPError as error:
            log.warning("callback %s not started, Rasa unreachable: %s", callback.id, error)
            store.reschedule(callback.id, next_allowed(now + TRY_AGAIN_DOWN),
                             count_attempt=False)
            report.deferred.append(callback.id)
            return
        report.started.append(callback.id)

    def run_forever(self, interval: float, stop: threading.Event | None = None) -> None:
        """Tick every `interval` seconds until `stop` is set; one failed tick is logged and
        the next one tries again."""
        stop = stop or threading.Event()
        while not stop.is_set():
            try:
                report = self.tick()
                if report.planned or report.started or report.phone_tasks or report.unreachable:
                    log.info("callbacks: %s", report)
            except Exception:  # noqa: BLE001 - a scheduler must outlive one bad tick
                log.exception("callback tick failed")
            stop.wait(interval)
