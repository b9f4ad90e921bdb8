"""What the monthly report reads: tickets, callback outcomes and satisfaction answers in a span.

Only the rows travel out, as plain records; the arithmetic (on-time rates, coverage, shares)
is the report's own, in bot/reports/, so its definitions are written down in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from bot.store.callbacks import FINAL_STATUSES
from bot.store.engine import session_scope
from bot.store.models import Callback, CallbackAnswer, Department, Flat, Ticket, TicketEvent


@dataclass(frozen=True)
class ReportTicket:
    """A ticket with both of its clocks and when each was met."""

    number: str
    category: str
    department_code: str
    department_name: str
    building: str | None  # None for a common area or an unknown flat
    description: str
    created_at: datetime
    first_response_due: datetime
    accepted_at: datetime | None  # the first acceptance: the owner's first response
    resolution_due: datetime
    resolved_at: datetime | None


@dataclass(frozen=True)
class CallbackTally:
    """How many callbacks of one kind were planned, ended with an outcome, were answered."""

    kind: str
    planned: int
    with_outcome: int
    answered: int


@dataclass(frozen=True)
class ScaleAnswer:
    callback_id: int
    question: str
    scale: int
    at: datetime


def _within(column: ColumnElement, start: datetime, end: datetime) -> ColumnElement:
    return and_(column >= start, column < end)


def report_tickets(start: datetime, end: datetime) -> list[ReportTicket]:
    """Tickets created in [start, end) or with a clock falling due in it, oldest first."""
    accepted = (
        select(TicketEvent.ticket_id, func.min(TicketEvent.at).label("at"))
        .where(TicketEvent.kind == "status", TicketEvent.to_status == "accepted")
        .group_by(TicketEvent.ticket_id)
        .subquery()
    )
    statement = (
        select(Ticket.number, Ticket.category, Ticket.department_code, Department.name,
               Flat.building, Ticket.description, Ticket.created_at, Ticket.first_response_due,
               accepted.c.at, Ticket.resolution_due, Ticket.resolved_at)
        .join(Department, Ticket.department_code == Department.code)
        .outerjoin(Flat, Ticket.flat_id == Flat.id)
        .outerjoin(accepted, accepted.c.ticket_id == Ticket.id)
        .where(or_(_within(Ticket.created_at, start, end),
                   _within(Ticket.first_response_due, start, end),
                   _within(Ticket.resolution_due, start, end)))
        .order_by(Ticket.created_at, Ticket.id)
    )
    with session_scope() as session:
        return [ReportTicket(*row) for row in session.execute(statement)]


def callback_tallies(start: datetime, end: datetime) -> list[CallbackTally]:
    """Per kind, the callbacks planned in [start, end) and how far they got (by now)."""
    ended = func.sum(case((Callback.status.in_(FINAL_STATUSES), 1), else_=0))
    answered = func.sum(case((Callback.status == "answered", 1), else_=0))
    statement = (
        select(Callback.kind, func.count(Callback.id), ended, answered)
        .where(_within(Callback.created_at, start, end))
        .group_by(Callback.kind)
        .order_by(Callback.kind)
    )
    with session_scope() as session:
        return [CallbackTally(kind, int(planned), int(done), int(yes))
                for kind, planned, done, yes in session.execute(statement)]


def scale_answers(kind: str, questions: tuple[str, ...], start: datetime, end: datetime
                  ) -> list[ScaleAnswer]:
    """Scale answers to these questions of this kind of callback given in [start, end),
    in the order they were given."""
    statement = (
        select(CallbackAnswer.callback_id, CallbackAnswer.question, CallbackAnswer.scale,
               CallbackAnswer.at)
        .join(Callback, CallbackAnswer.callback_id == Callback.id)
        .where(Callback.kind == kind, CallbackAnswer.question.in_(questions),
               CallbackAnswer.scale.is_not(None), _within(CallbackAnswer.at, start, end))
        .order_by(CallbackAnswer.at, CallbackAnswer.id)
    )
    with session_scope() as session:
        return [ScaleAnswer(*row) for row in session.execute(statement)]
