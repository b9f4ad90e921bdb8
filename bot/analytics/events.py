"""Which of Rasa's events the analytics keep, and as what."""

from __future__ import annotations

from datetime import datetime, timezone

from bot.identity import owner_of
from bot.store import ObservedEvent

FALLBACK_INTENT = "nlu_fallback"
# Actions after which a person has been asked for (the owner asked, or a callback went to one).
HANDOFF_ACTIONS = frozenset({"action_request_human", "action_callback_to_person"})


def observe(event: dict) -> ObservedEvent | None:
    """The analytics record for one broker message, or None for events we do not count."""
    sender = event.get("sender_id")
    kind = event.get("event")
    try:
        at = datetime.fromtimestamp(float(event["timestamp"]), timezone.utc)
    except (KeyError, TypeError, ValueError):
        return None
    if not sender:
        return None
    if kind == "user":
        if (event.get("parse_data") or {}).get("intent", {}).get("name") == "start_callback":
            return None  # our own scheduler speaking, not an owner
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        # The channel the conversation id carries, not the message's claim (bot/identity.py).
        return ObservedEvent(str(sender), at, "message", owner_of(str(sender)).channel,
                             intent, intent == FALLBACK_INTENT)
    if kind == "action" and event.get("name") in HANDOFF_ACTIONS:
        return ObservedEvent(str(sender), at, "handoff")
    if kind == "pause":
        return ObservedEvent(str(sender), at, "takeover")
    return None
