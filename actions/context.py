"""Reading what Rasa knows about the conversation: who is writing, on which channel, what."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from bot import clock as centre_clock
from bot.identity import Owner, owner_of


def owner(tracker: Tracker) -> Owner:
    """Who is writing: read from the conversation id the channel gave, never from the
    message's `input_channel`, which a REST caller could set to anything."""
    return owner_of(tracker.sender_id)


def channel_of(tracker: Tracker) -> str:
    return owner(tracker).channel


def sender_of(tracker: Tracker) -> str:
    """The owner's id on their channel (the data layer keys people by channel and this)."""
    return owner(tracker).sender_id


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def latest_intent(tracker: Tracker) -> tuple[str | None, float]:
    intent: dict[str, Any] = (tracker.latest_message or {}).get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


def now() -> datetime:
    return centre_clock.now()


def form_reads_new_message(tracker: Tracker) -> bool:
    """True when a form's validation runs right after the owner spoke.

    Rasa hands the validation action a tracker ending in the form's own ActionExecuted, so
    `latest_action_name` is always the form; the action before it tells whether a new user
    message arrived (action_listen) or the form is being activated or resumed after an
    interruption (any other action), when there is nothing new to read.
    """
    actions_seen = 0
    for event in reversed(tracker.events):
        if event.get("event") == "action":
            actions_seen += 1
            if actions_seen == 2:
                return event.get("name") == "action_listen"
    return False


def slot_changes(tracker: Tracker, values: dict[str, Any]) -> list[SlotSet]:
    """SlotSet events only for values that differ from the tracker's, so the conversation
    history records what changed rather than a dozen no-op events per turn."""
    return [SlotSet(name, value) for name, value in values.items() if tracker.get_slot(name) != value]
