"""The queue of conversations that need a person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from bot.store.engine import session_scope
from bot.store.models import Escalation


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


def _record(row: Escalation) -> EscalationRecord:
    return EscalationRecord(row.id, row.channel, row.sender_id, row.reason, row.priority,
                            row.due_at, row.status, row.holder, row.ticket_number,
                            row.last_message, row.created_at)


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


def take_over(escalation_id: int, agent_login: str) -> bool:
    """Give a waiting conversation to one agent. A single conditional UPDATE, so when two
    agents press "take over" together exactly one of them gets it."""
    with session_scope() as session:
        taken = session.execute(
            update(Escalation)
            .where(Escalation.id == escalation_id, Escalation.status == "waiting")
            .values(status="held", holder=agent_login)
            .execution_options(synchronize_session=False)
        )
        return taken.rowcount == 1


def hand_back(escalation_id: int, agent_login: str, summary: str) -> bool:
    """Return a held conversation to the assistant; only its holder can."""
    with session_scope() as session:
        returned = session.execute(
            update(Escalation)
            .where(Escalation.id == escalation_id, Escalation.status == "held",
                   Escalation.holder == agent_login)
            .values(status="returned", summary=summary)
            .execution_options(synchronize_session=False)
        )
        return returned.rowcount == 1


def escalation(escalation_id: int) -> EscalationRecord | None:
    with session_scope() as session:
        row = session.get(Escalation, escalation_id)
        return _record(row) if row else None
