"""Which broker events the analytics keep, and that a redelivered one counts once."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from bot import store
from bot.analytics.events import observe

AT = 1_795_000_000.5


def user(intent: str, channel: str = "telegram", **extra) -> dict:
    return {"event": "user", "sender_id": f"{channel}:42", "timestamp": AT, "input_channel": channel,
            "text": "…", "parse_data": {"intent": {"name": intent}}, **extra}


def test_owner_messages_hand_offs_and_take_overs_are_kept() -> None:
    message = observe(user("report_repair"))
    assert (message.kind, message.channel, message.intent, message.fallback) == (
        "message", "telegram", "report_repair", False)
    assert observe(user("nlu_fallback")).fallback
    # The channel is the one the conversation id carries, whatever the message claims.
    claimed = observe(user("report_repair") | {"sender_id": "rest:42"})
    assert claimed.channel == "rest"
    assert observe({"event": "action", "name": "action_request_human", "sender_id": "42",
                    "timestamp": AT}).kind == "handoff"
    assert observe({"event": "pause", "sender_id": "42", "timestamp": AT}).kind == "takeover"


def test_what_is_not_an_owner_speaking_is_left_out() -> None:
    assert observe(user("start_callback")) is None, "the scheduler's trigger"
    assert observe({"event": "bot", "sender_id": "42", "timestamp": AT, "text": "您好"}) is None
    assert observe({"event": "action", "name": "action_listen", "sender_id": "42",
                    "timestamp": AT}) is None
    assert observe({"event": "user", "timestamp": AT}) is None
    assert observe({"event": "user", "sender_id": "42", "timestamp": "soon"}) is None


def test_a_redelivered_event_counts_once(database) -> None:
    event = observe(user("ask_procedure", channel="wechat"))
    assert store.record_conversation_event(event)
    assert not store.record_conversation_event(event)
    start = datetime.fromtimestamp(AT - 60, timezone.utc)
    end = datetime.fromtimestamp(AT + 60, timezone.utc)
    [day] = store.daily_activity(start, end, ZoneInfo("Asia/Shanghai"))
    assert (day.channel, day.messages, day.fallbacks) == ("wechat", 1, 0)
    assert store.intent_counts(start, end) == {"ask_procedure": 1}
