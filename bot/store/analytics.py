"""The conversation analytics the event broker feeds: written once per event, counted by
day and channel for the supervisors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from bot.store.engine import session_scope
from bot.store.models import ConversationEvent


@dataclass(frozen=True)
class ObservedEvent:
    sender_id: str
    at: datetime
    kind: str  # message / handoff / takeover
    channel: str | None = None
    intent: str | None = None
    fallback: bool = False


@dataclass(frozen=True)
class DailyActivity:
    day: str  # YYYY-MM-DD, the centre's local day
    channel: str
    messages: int
    fallbacks: int
    handoffs: int
    takeovers: int


def record_conversation_event(event: ObservedEvent) -> bool:
    """False when the broker delivered this event before (it is counted once)."""
    try:
        with session_scope() as session:
            session.add(ConversationEvent(sender_id=event.sender_id, at=event.at,
                                          kind=event.kind, channel=event.channel,
                                          intent=event.intent, fallback=event.fallback))
        return True
    except IntegrityError:
        return False


def daily_activity(start: datetime, end: datetime, zone: tzinfo) -> list[DailyActivity]:
    """Per local day and channel between `start` and `end`. Hand-offs and take-overs are
    counted on the channel of the owner's messages that day (`-` when there were none)."""
    with session_scope() as session:
        rows = session.execute(
            select(ConversationEvent).where(ConversationEvent.at >= start,
                                            ConversationEvent.at < end)
            .order_by(ConversationEvent.at)).scalars().all()
        events = [(row.sender_id, row.at, row.kind, row.channel, row.fallback) for row in rows]
    channel_of: dict[str, str] = {}
    for sender, _, kind, channel, _ in events:
        if kind == "message" and channel:
            channel_of.setdefault(sender, channel)
    table: dict[tuple[str, str], list[int]] = {}
    for sender, at, kind, channel, fallback in events:
        day = at.astimezone(zone).strftime("%Y-%m-%d")
        key = (day, channel or channel_of.get(sender, "-"))
        counts = table.setdefault(key, [0, 0, 0, 0])
        if kind == "message":
            counts[0] += 1
            counts[1] += int(fallback)
        elif kind == "handoff":
            counts[2] += 1
        elif kind == "takeover":
            counts[3] += 1
    return [DailyActivity(day, channel, *counts) for (day, channel), counts in sorted(table.items())]


def intent_counts(start: datetime, end: datetime) -> dict[str, int]:
    with session_scope() as session:
        rows = session.execute(
            select(ConversationEvent.intent, func.count())
            .where(ConversationEvent.kind == "message", ConversationEvent.at >= start,
                   ConversationEvent.at < end)
            .group_by(ConversationEvent.intent)).all()
        return {intent or "-": count for intent, count in rows}
