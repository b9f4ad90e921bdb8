"""Callbacks (回访) in the database: planned once, claimed by one scheduler, answered,
ended with an outcome. The claim is a conditional UPDATE, so two schedulers on one
database never start the same callback twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.exc import IntegrityError

from bot.store.contacts import find_or_add_contact
from bot.store.engine import session_scope
from bot.store.models import Callback, CallbackAnswer, Contact, Ticket

FINAL_STATUSES = ("answered", "refused", "unreachable", "handed_to_person")


@dataclass(frozen=True)
class CallbackRecord:
    id: int
    kind: str
    channel: str
    sender_id: str
    contact_id: int
    do_not_disturb: bool
    ticket_number: str | None
    status: str
    attempts: int
    next_attempt_at: datetime
    last_attempt_at: datetime | None
    step: int
    dissatisfied: bool
    outcome_note: str | None
    completed_at: datetime | None


@dataclass(frozen=True)
class AnswerRecord:
    question: str
    scale: int | None
    text: str
    at: datetime


@dataclass(frozen=True)
class OwnerDates:
    """An owner from the register, for the delivery, living and opinion callbacks."""

    contact_id: int
    channel: str
    sender_id: str
    delivered_on: date | None
    moved_in_on: date | None


def _record(row: Callback) -> CallbackRecord:
    return CallbackRecord(row.id, row.kind, row.contact.channel, row.contact.sender_id,
                          row.contact_id, row.contact.do_not_disturb, row.ticket_number,
                          row.status, row.attempts, row.next_attempt_at, row.last_attempt_at,
                          row.step, row.dissatisfied, row.outcome_note, row.completed_at)


def plan_callback(dedupe_key: str, kind: str, contact_id: int, first_attempt_at: datetime,
                  at: datetime, ticket_number: str | None = None) -> bool:
    """Owe this callback once: False when the key was planned before (by anyone)."""
    try:
        with session_scope() as session:
            if session.execute(select(Callback.id).where(Callback.dedupe_key == dedupe_key)
                               ).first() is not None:
                return False
            session.add(Callback(dedupe_key=dedupe_key, kind=kind, contact_id=contact_id,
                                 ticket_number=ticket_number, status="scheduled", attempts=0,
                                 next_attempt_at=first_attempt_at, step=0, dissatisfied=False,
                                 created_at=at))
        return True
    except IntegrityError:
        return False  # another scheduler planned it between our check and our insert


def resolved_tickets_without_callback(categories: tuple[str, ...]
                                      ) -> list[tuple[str, int, datetime]]:
    """(number, contact id, resolved at) of resolved tickets nobody has planned a callback for."""
    planned = exists().where(Callback.ticket_number == Ticket.number, Callback.kind == "ticket")
    with session_scope() as session:
        rows = session.execute(
            select(Ticket.number, Ticket.contact_id, Ticket.resolved_at)
            .where(Ticket.category.in_(categories), Ticket.resolved_at.is_not(None),
                   Ticket.status.in_(("resolved", "closed")), ~planned)
            .order_by(Ticket.resolved_at)
        ).all()
        return [(number, contact_id, resolved_at) for number, contact_id, resolved_at in rows]


def _owners(condition) -> list[OwnerDates]:  # type: ignore[no-untyped-def]
    with session_scope() as session:
        rows = session.execute(select(Contact).where(condition).order_by(Contact.id)).scalars()
        return [OwnerDates(c.id, c.channel, c.sender_id, c.delivered_on, c.moved_in_on)
                for c in rows]


def owners_delivered_or_moved_in(first_day: date, last_day: date) -> list[OwnerDates]:
    """Owners whose flat was handed over, or who moved in, within the days given."""
    return _owners(or_(and_(Contact.delivered_on >= first_day, Contact.delivered_on <= last_day),
                       and_(Contact.moved_in_on >= first_day, Contact.moved_in_on <= last_day)))


def owners_moved_in_between(first_day: date, last_day: date) -> list[OwnerDates]:
    return _owners(and_(Contact.moved_in_on >= first_day, Contact.moved_in_on <= last_day))


def owners_in_register() -> list[OwnerDates]:
    """Everyone the centre knows lives here (a delivery or move-in date is recorded)."""
    return _owners(or_(Contact.delivered_on.is_not(None), Contact.moved_in_on.is_not(None)))


def set_owner_dates(channel: str, sender_id: str, delivered_on: date | None,
                    moved_in_on: date | None) -> int:
    """Record the register's dates for an owner; the contact's id."""
    with session_scope() as session:
        contact = find_or_add_contact(session, channel, sender_id)
        contact.delivered_on = delivered_on or contact.delivered_on
        contact.moved_in_on = moved_in_on or contact.moved_in_on
        session.flush()
        return contact.id


def set_do_not_disturb(contact_id: int, value: bool = True) -> None:
    with session_scope() as session:
        session.execute(update(Contact).where(Contact.id == contact_id)
                        .values(do_not_disturb=value).execution_options(synchronize_session=False))


def claim_due(now: datetime, worker: str, limit: int = 50) -> list[CallbackRecord]:
    """Start the callbacks due by `now`: each row moves scheduled → calling in one
    conditional UPDATE, so of two schedulers racing for it exactly one wins."""
    with session_scope() as session:
        candidates = session.execute(
            select(Callback.id).where(Callback.status == "scheduled",
                                      Callback.next_attempt_at <= now)
            .order_by(Callback.next_attempt_at, Callback.id).limit(limit)
        ).scalars().all()
    claimed: list[int] = []
    for callback_id in candidates:
        with session_scope() as session:
            won = session.execute(
                update(Callback)
                .where(Callback.id == callback_id, Callback.status == "scheduled")
                .values(status="calling", attempts=Callback.attempts + 1, last_attempt_at=now,
                        claimed_by=worker)
                .execution_options(synchronize_session=False)
            ).rowcount == 1
        if won:
            claimed.append(callback_id)
    return [found for found in (callback(cid) for cid in claimed) if found is not None]


def stale_calls(before: datetime) -> list[CallbackRecord]:
    """Callbacks started before `before` that the owner has not finished answering."""
    with session_scope() as session:
        rows = session.execute(
            select(Callback).where(Callback.status == "calling",
                                   Callback.last_attempt_at < before)
            .order_by(Callback.id)).scalars()
        return [_record(row) for row in rows]


def reschedule(callback_id: int, next_attempt_at: datetime, count_attempt: bool = True,
               from_status: str = "calling") -> bool:
    """Try again later; `count_attempt=False` when the owner was never actually reached."""
    values: dict = {"status": "scheduled", "next_attempt_at": next_attempt_at}
    if not count_attempt:
        values["attempts"] = Callback.attempts - 1
    with session_scope() as session:
        return session.execute(
            update(Callback).where(Callback.id == callback_id, Callback.status == from_status)
            .values(**values).execution_options(synchronize_session=False)
        ).rowcount == 1


def finish_callback(callback_id: int, status: str, at: datetime, note: str | None = None,
                    from_statuses: tuple[str, ...] = ("scheduled", "calling")) -> bool:
    """Record the outcome once; a callback already ended keeps its outcome."""
    if status not in FINAL_STATUSES:
        raise ValueError(f"unknown callback outcome {status!r}")
    with session_scope() as session:
        return session.execute(
            update(Callback).where(Callback.id == callback_id,
                                   Callback.status.in_(from_statuses))
            .values(status=status, completed_at=at, outcome_note=note)
            .execution_options(synchronize_session=False)
        ).rowcount == 1


def resume_callback(callback_id: int, at: datetime) -> bool:
    """An owner answering after we gave up or set the callback aside: it is live again."""
    with session_scope() as session:
        return session.execute(
            update(Callback).where(Callback.id == callback_id,
                                   Callback.status.in_(("scheduled", "unreachable")))
            .values(status="calling", last_attempt_at=at, completed_at=None, outcome_note=None)
            .execution_options(synchronize_session=False)
        ).rowcount == 1


def record_answer(callback_id: int, question: str, scale: int | None, text: str, at: datetime,
                  next_step: int, dissatisfied: bool) -> None:
    """Keep the answer as said and move the callback to its next question."""
    with session_scope() as session:
        session.add(CallbackAnswer(callback_id=callback_id, question=question, scale=scale,
                                   text=text, at=at))
        row = session.get(Callback, callback_id)
        if row is not None:
            row.step = next_step
            row.dissatisfied = row.dissatisfied or dissatisfied


def callback(callback_id: int) -> CallbackRecord | None:
    with session_scope() as session:
        row = session.get(Callback, callback_id)
        return _record(row) if row else None


def callbacks_for(kind: str | None = None) -> list[CallbackRecord]:
    with session_scope() as session:
        query = select(Callback)
        if kind is not None:
            query = query.where(Callback.kind == kind)
        return [_record(row) for row in session.execute(query.order_by(Callback.id)).scalars()]


def answers_of(callback_id: int) -> list[AnswerRecord]:
    with session_scope() as session:
        rows = session.execute(select(CallbackAnswer).where(CallbackAnswer.callback_id == callback_id)
                               .order_by(CallbackAnswer.at, CallbackAnswer.id)).scalars()
        return [AnswerRecord(row.question, row.scale, row.text, row.at) for row in rows]
