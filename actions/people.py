"""When a person is needed: the owner asks for one, the assistant fails twice in a row, an
emergency, a serious or repeated complaint, an angry owner. Each becomes an escalation in
the agents' queue (bot.handoff decides priority and due time)."""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.context import channel_of, sender_of, latest_text, now
from bot import texts
from bot.handoff import escalate, waiting_message
from bot.store import EscalationRecord
from bot.understanding.emotion import is_angry

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


def escalate_conversation(tracker: Tracker, reason: str,
                          ticket_number: str | None = None) -> EscalationRecord | None:
    """Queue this conversation for a person; None if the database could not take it."""
    try:
        return escalate(channel_of(tracker), sender_of(tracker), reason, latest_text(tracker),
                        now(), ticket_number)
    except SQLAlchemyError:
        log.exception("escalation (%s) could not be recorded", reason)
        return None


def _apologised_this_turn(tracker: Tracker) -> bool:
    """Whether an earlier action answering the same message already apologised."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "bot" and event.get("text") == texts.ANGRY_ACK:
            return True
    return False


def apologise_if_angry(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """An angry owner hears the apology before anything else (a safety instruction, the
    desk's hours, the next question), once per message, and a person is asked to follow up.
    Every action that answers an owner's message calls this first."""
    if not is_angry(latest_text(tracker)) or _apologised_this_turn(tracker):
        return False
    dispatcher.utter_message(text=texts.ANGRY_ACK)
    escalate_conversation(tracker, "angry")
    return True


def queue_for_a_person(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """The owner asked for a person: queue them and say when someone will be in touch."""
    apologise_if_angry(dispatcher, tracker)
    escalation = escalate_conversation(tracker, "asked")
    if escalation is None:
        dispatcher.utter_message(response="utter_human_requested")
    else:
        dispatcher.utter_message(text=waiting_message(escalation, now()))


class ActionFallback(Action):
    def name(self) -> str:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        apologise_if_angry(dispatcher, tracker)
        if consecutive_fallbacks(tracker) >= FALLBACKS_BEFORE_A_PERSON:
            escalate_conversation(tracker, "not_understood")
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
        queue_for_a_person(dispatcher, tracker)
        return []
