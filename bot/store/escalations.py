"""The queue of conversations that need a person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from bot.store.engine import session_scope
from bot.store.models import Escalation, EscalationEvent


@dataclass(frozen=True)
class EscalationRecord:
    id: int
    channel: str
    sender_id: str
    reason: str
    priority: int
    due_at: datetime
    status: str
    holder: str | None
    ticket_number: str | None
    last_message: str | None
    created_at: datetime
    summary: str | None = None
    taken_at: datetime | None = None
    returned_at: datetime | None = None


@dataclass(frozen=True)
class EscalationEventRecord:
    at: datetime
    actor: str
    kind: str  # taken / reply / note / reassigned / handed_back
    text: str | None


def _record(row: Escalation) -> EscalationRecord:
    return EscalationRecord(row.id, row.channel, row.sender_id, row.reason, row.priority,
                            row.due_at, row.status, row.holder, row.ticket_number,
                            row.last_message, row.created_at, row.summary, row.taken_at,
                            row.returned_at)


def add_escalation(channel: str, sender_id: str, reason: str, priority: int, due_at: datetime,
                   last_message: str | None, at: datetime,
                   ticket_number: str | None = None) -> EscalationRecord:
    """A new entry in the queue; an owner already waiting keeps one entry, raised to the
    more urgent priority and the earlier due time."""
    with session_scope() as session:
        row = session.execute(
            select(Escalation).where(Escalation.channel == channel,
                                     Escalation.sender_id == sender_id,
                                     Escalation.status == "waiting")
        ).scalars().first()
        if row is None:
            row = Escalation(channel=channel, sender_id=sender_id, reason=reason,
                             priority=priority, due_at=due_at, last_message=last_message,
                             ticket_number=ticket_number, created_at=at, status="waiting")
            session.add(row)
        else:
            if (priority, due_at) < (row.priority, row.due_at):
                row.reason, row.priority, row.due_at = reason, priority, due_at
            row.last_message = last_message or row.last_message
            row.ticket_number = ticket_number or row.ticket_number
        session.flush()
        return _record(row)


def waiting_escalations(channel: str | None = None, sender_id: str | None = None
                        ) -> list[EscalationRecord]:
    """The waiting queue, most urgent first: priority, then due time."""
    with session_scope() as session:
        query = select(Escalation).where(Escalation.status == "waiting")
        if channel is not None:
            query = query.where(Escalation.channel == channel)
        if sender_id is not None:
            query = query.where(Escalation.sender_id == sender_id)
        rows = session.execute(
            query.order_by(Escalation.priority, Escalation.due_at, Escalation.id)).scalars()
        return [_record(row) for row in rows]


def open_escalations(holder: str | None = None) -> list[EscalationRecord]:
    """Waiting and held entries (only those `holder` holds, plus the waiting, when given),
    most urgent first."""
    with session_scope() as session:
        query = select(Escalation).where(Escalation.status.in_(("waiting", "held")))
        if holder is not None:
            query = query.where((Escalation.status == "waiting") | (Escalation.holder == holder))
        rows = session.execute(
            query.order_by(Escalation.priority, Escalation.due_at, Escalation.id)).scalars()
        return [_record(row) for row in rows]


def returned_escalations(limit: int = 50) -> list[EscalationRecord]:
    """The latest conversations handed back to the assistant, newest first."""
    with session_scope() as session:
        rows = session.execute(
            select(Escalation).where(Escalation.status == "returned")
            .order_by(Escalation.returned_at.desc(), Escalation.id.desc()).limit(limit)
        ).scalars()
        return [_record(row) for row in rows]


def _move(escalation_id: int, *conditions, **values) -> bool:  # type: ignore[no-untyped-def]
    """One conditional UPDATE: True when this call made the change. Two agents (or an agent
    and a supervisor) pressing together cannot both succeed."""
    with session_scope() as session:
        return session.execute(
            update(Escalation).where(Escalation.id == escalation_id, *conditions)
            .values(**values).execution_options(synchronize_session=False)
        ).rowcount == 1


def take_over(escalation_id: int, agent_login: str, at: datetime | None = None) -> bool:
    """Give a waiting conversation to one agent; exactly one of several racing gets it."""
    return _move(escalation_id, Escalation.status == "waiting",
                 status="held", holder=agent_login, taken_at=at)


def release(escalation_id: int, agent_login: str) -> bool:
    """Undo a take-over that could not be completed (the assistant could not be paused)."""
    return _move(escalation_id, Escalation.status == "held", Escalation.holder == agent_login,
                 status="waiting", holder=None, taken_at=None)


def reassign(escalation_id: int, to_login: str, at: datetime) -> bool:
    """A supervisor gives an open conversation to another agent (held from now on)."""
    return _move(escalation_id, Escalation.status.in_(("waiting", "held")),
                 status="held", holder=to_login, taken_at=at)


def hand_back(escalation_id: int, agent_login: str, summary: str,
              at: datetime | None = None) -> bool:
    """Return a held conversation to the assistant; only its holder can."""
    return _move(escalation_id, Escalation.status == "held", Escalation.holder == agent_login,
                 status="returned", summary=summary, returned_at=at)


def add_escalation_event(escalation_id: int, actor: str, kind: str, text: str | None,
                         at: datetime) -> None:
    with session_scope() as session:
        session.add(EscalationEvent(escalation_id=escalation_id, actor=actor, kind=kind,
                                    text=text, at=at))


def escalation_events(escalation_id: int) -> list[EscalationEventRecord]:
    """What agents did with this escalation, oldest first."""
    with session_scope() as session:
        rows = session.execute(
            select(EscalationEvent).where(EscalationEvent.escalation_id == escalation_id)
            .order_by(EscalationEvent.at, EscalationEvent.id)
        ).scalars()
        return [EscalationEventRecord(row.at, row.actor, row.kind, row.text) for row in rows]


def escalation(escalation_id: int) -> EscalationRecord | None:
    with session_scope() as session:
        row = session.get(Escalation, escalation_id)
        return _record(row) if row else None
