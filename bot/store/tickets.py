"""Tickets, their numbers and their audit trail, in the centre's words."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.store.contacts import _flat_record, find_or_add_contact, find_or_add_flat
from bot.store.engine import session_scope
from bot.store.models import Contact, Department, Flat, Ticket, TicketCounter, TicketEvent
from bot.store.records import (
    EventRecord,
    FlatAddress,
    NewTicket,
    TicketQuery,
    TicketRecord,
)


class TicketNotFound(LookupError):
    pass


def _record(ticket: Ticket) -> TicketRecord:
    return TicketRecord(
        number=ticket.number,
        category=ticket.category,
        urgency=ticket.urgency,
        status=ticket.status,
        department_code=ticket.department_code,
        department_name=ticket.department.name,
        responsible=ticket.responsible,
        channel=ticket.contact.channel,
        sender_id=ticket.contact.sender_id,
        flat=_flat_record(ticket.flat),
        location=ticket.location,
        description=ticket.description,
        phone=ticket.phone,
        preferred_start=ticket.preferred_start,
        preferred_end=ticket.preferred_end,
        desired_outcome=ticket.desired_outcome,
        escalated=ticket.escalated,
        created_at=ticket.created_at,
        first_response_due=ticket.first_response_due,
        resolution_due=ticket.resolution_due,
        resolved_at=ticket.resolved_at,
        closed_at=ticket.closed_at,
    )


def _next_sequence(session: Session, prefix: str, day: str) -> int:
    """Increment the day's counter inside the caller's transaction.

    The UPDATE takes a row lock (PostgreSQL) or the database write lock (SQLite, whose
    transactions begin IMMEDIATE), so two processes can never read the same value.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(TicketCounter).values(prefix=prefix, day=day, last=0).on_conflict_do_nothing()
    )
    session.execute(
        update(TicketCounter)
        .where(TicketCounter.prefix == prefix, TicketCounter.day == day)
        .values(last=TicketCounter.last + 1)
    )
    return session.execute(
        select(TicketCounter.last).where(TicketCounter.prefix == prefix, TicketCounter.day == day)
    ).scalar_one()


def _locked(session: Session, number: str) -> Ticket:
    """The ticket, row-locked until the transaction ends, so concurrent changes queue."""
    ticket = session.execute(
        select(Ticket).where(Ticket.number == number).with_for_update(of=Ticket)
    ).scalar_one_or_none()
    if ticket is None:
        raise TicketNotFound(number)
    return ticket


def _by_request_key(session: Session, key: str) -> Ticket | None:
    return session.execute(select(Ticket).where(Ticket.request_key == key)).scalar_one_or_none()


def insert_ticket(
    new: NewTicket, prefix: str, day: str, format_number: Callable[[str, str, int], str]
) -> TicketRecord:
    """Write a ticket with the next number of its day and its "created" event.

    Idempotent on `new.request_key`: the same request written twice (a retried action, a
    redelivered message) returns the first ticket instead of a second one.
    """
    if new.request_key:
        with session_scope() as session:
            existing = _by_request_key(session, new.request_key)
            if existing is not None:
                return _record(existing)
    try:
        with session_scope() as session:
            contact = find_or_add_contact(session, new.channel, new.sender_id)
            ticket = Ticket(
                number=format_number(prefix, day, _next_sequence(session, prefix, day)),
                category=new.category,
                urgency=new.urgency,
                status="new",
                department_code=new.department_code,
                responsible=new.responsible,
                contact=contact,
                flat=find_or_add_flat(session, new.flat) if new.flat else None,
                location=new.location,
                description=new.description,
                phone=new.phone,
                preferred_start=new.preferred_start,
                preferred_end=new.preferred_end,
                desired_outcome=new.desired_outcome,
                escalated=new.escalated,
                request_key=new.request_key,
                created_at=new.created_at,
                first_response_due=new.first_response_due,
                resolution_due=new.resolution_due,
            )
            session.add(ticket)
            session.flush()
            session.add(
                TicketEvent(
                    ticket_id=ticket.id, at=new.created_at, actor=new.actor, kind="created",
                    to_status="new",
                )
            )
            session.flush()
            return _record(ticket)
    except IntegrityError:
        # Another process wrote the same request between our look-up and our insert.
        if not new.request_key:
            raise
        with session_scope() as session:
            existing = _by_request_key(session, new.request_key)
            if existing is None:
                raise
            return _record(existing)


def find_ticket(number: str) -> TicketRecord | None:
    with session_scope() as session:
        ticket = session.execute(
            select(Ticket).where(Ticket.number == number.strip().upper())
        ).scalar_one_or_none()
        return _record(ticket) if ticket else None


def tickets_of(channel: str, sender_id: str, limit: int = 20) -> list[TicketRecord]:
    """This sender's tickets, newest first."""
    with session_scope() as session:
        rows = session.execute(
            select(Ticket)
            .join(Contact, Ticket.contact_id == Contact.id)
            .where(Contact.channel == channel, Contact.sender_id == sender_id)
            .order_by(Ticket.created_at.desc(), Ticket.id.desc())
            .limit(limit)
        ).scalars()
        return [_record(ticket) for ticket in rows]


def search_tickets(query: TicketQuery) -> list[TicketRecord]:
    """Tickets matching every criterion given, newest first; an empty query lists the latest."""
    statement = select(Ticket).outerjoin(Flat, Ticket.flat_id == Flat.id)
    if query.number:
        statement = statement.where(Ticket.number.contains(query.number.strip().upper()))
    if query.building:
        statement = statement.where(Flat.building == query.building)
    if query.unit:
        statement = statement.where(Flat.unit == query.unit)
    if query.room:
        statement = statement.where(Flat.room == query.room)
    if query.phone:
        owner_phone = select(Contact.id).where(Contact.phone == query.phone)
        statement = statement.where(
            (Ticket.phone == query.phone) | Ticket.contact_id.in_(owner_phone))
    if query.statuses:
        statement = statement.where(Ticket.status.in_(query.statuses))
    if query.category:
        statement = statement.where(Ticket.category == query.category)
    if query.due_before is not None:
        statement = statement.where(Ticket.resolution_due < query.due_before)
    if query.sender is not None:
        channel, sender_id = query.sender
        statement = statement.join(Contact, Ticket.contact_id == Contact.id).where(
            Contact.channel == channel, Contact.sender_id == sender_id)
    with session_scope() as session:
        rows = session.execute(
            statement.order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(query.limit)
        ).scalars()
        return [_record(ticket) for ticket in rows]


def change_department(number: str, department_code: str, actor: str, at: datetime,
                      note: str | None = None) -> TicketRecord:
    """Send a ticket to another department (its default responsible takes it over);
    LookupError for a department the centre does not have."""
    with session_scope() as session:
        ticket = _locked(session, number)
        department = session.get(Department, department_code)
        if department is None:
            raise LookupError(department_code)
        previous = ticket.department.name
        ticket.department_code = department.code
        ticket.responsible = department.default_responsible
        session.add(TicketEvent(
            ticket_id=ticket.id, at=at, actor=actor, kind="department",
            note=f"{previous} → {department.name}" + (f":{note}" if note else "")))
        session.flush()
        session.refresh(ticket)
        return _record(ticket)


def change_status(
    number: str,
    to_status: str,
    actor: str,
    at: datetime,
    check: Callable[[str, str], None],
    note: str | None = None,
) -> TicketRecord:
    """Move a ticket on, if `check(current, wanted)` allows it, and record who did it."""
    with session_scope() as session:
        ticket = _locked(session, number)
        check(ticket.status, to_status)
        session.add(
            TicketEvent(
                ticket_id=ticket.id, at=at, actor=actor, kind="status",
                from_status=ticket.status, to_status=to_status, note=note,
            )
        )
        ticket.status = to_status
        if to_status == "resolved":
            ticket.resolved_at = at
        elif to_status == "closed":
            ticket.closed_at = at
        elif to_status == "reopened":
            ticket.resolved_at = ticket.closed_at = None
        session.flush()
        return _record(ticket)


def add_note(number: str, actor: str, at: datetime, note: str, kind: str = "note") -> None:
    """An entry in the ticket's trail that does not change the ticket (a note, a hand-off)."""
    with session_scope() as session:
        ticket = _locked(session, number)
        session.add(TicketEvent(ticket_id=ticket.id, at=at, actor=actor, kind=kind, note=note))


def ticket_events(number: str) -> list[EventRecord]:
    """The audit trail, oldest first."""
    with session_scope() as session:
        rows = session.execute(
            select(TicketEvent)
            .join(Ticket, TicketEvent.ticket_id == Ticket.id)
            .where(Ticket.number == number)
            .order_by(TicketEvent.at, TicketEvent.id)
        ).scalars()
        return [
            EventRecord(e.at, e.actor, e.kind, e.from_status, e.to_status, e.note) for e in rows
        ]


def update_ticket_contact_details(
    number: str, flat: FlatAddress | None, location: str | None, phone: str | None, at: datetime
) -> TicketRecord:
    """Complete a ticket written before the owner said where and how to reach them."""
    with session_scope() as session:
        ticket = _locked(session, number)
        changes = []
        if flat is not None:
            ticket.flat = find_or_add_flat(session, flat)
            changes.append(f"房屋 {flat.building}-{flat.unit or ''}-{flat.room}")
        if location:
            ticket.location = location
            changes.append(f"位置 {location}")
        if phone:
            ticket.phone = phone
            changes.append(f"电话 {phone}")
        session.add(
            TicketEvent(ticket_id=ticket.id, at=at, actor="owner", kind="details",
                        note="; ".join(changes) or None)
        )
        session.flush()
        return _record(ticket)
