"""Opening and following tickets: the rules of the centre over the store.

Plain Python: no Rasa, no HTTP. Actions and the console call these functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from bot import store
from bot.store import FlatAddress, NewTicket, TicketRecord
from bot.tickets.clocks import Promise, commitment
from bot.tickets.lifecycle import check_transition
from bot.tickets.numbering import PREFIXES, day_of, format_number
from bot.tickets.routing import RoutingTable, default_routing
from bot.understanding import classify_urgency

CATEGORIES = tuple(PREFIXES)
# Complaints a supervisor must hear about at once (DOMAIN.md: serious, urgent, sudden).
SERIOUS_COMPLAINT_WORDS = ("打人", "威胁", "受伤", "报警", "媒体", "曝光", "起诉", "律师", "12345", "住建局")


@dataclass(frozen=True)
class TicketRequest:
    """What an owner asked for, as the dialogue collected it."""

    category: str
    channel: str
    sender_id: str
    description: str
    urgency: str | None = None
    flat: FlatAddress | None = None
    location: str | None = None
    phone: str | None = None
    preferred_start: datetime | None = None
    preferred_end: datetime | None = None
    desired_outcome: str | None = None
    request_key: str | None = None


class NotYourTicket(PermissionError):
    """An owner asked about a ticket that belongs to someone else."""


def needs_escalation(category: str, urgency: str | None, description: str) -> bool:
    """Emergencies and serious complaints go to people immediately."""
    if category == "repair":
        return urgency == "emergency"
    if category == "complaint":
        return any(word in description for word in SERIOUS_COMPLAINT_WORDS)
    return False


@dataclass(frozen=True)
class OpenedTicket:
    """A ticket as written, and the promise its clocks make to the owner."""

    ticket: TicketRecord
    promise: Promise


def open_ticket_promised(
    request: TicketRequest, now: datetime | None = None, routing: RoutingTable | None = None
) -> OpenedTicket:
    """Number, route, clock and write a ticket, and say what its clocks promise; the same
    request_key never writes twice (a retry is told the first ticket's promise)."""
    if request.category not in CATEGORIES:
        raise ValueError(f"unknown ticket category {request.category!r}")
    now = now or datetime.now(timezone.utc)
    urgency = None
    if request.category == "repair":
        urgency = request.urgency or classify_urgency(request.description)
    department = (routing or default_routing()).route(request.category, request.description)
    promised = commitment(request.category, urgency, now, request.preferred_start,
                          request.preferred_end)
    prefix = PREFIXES[request.category]
    ticket = store.insert_ticket(
        NewTicket(
            category=request.category,
            urgency=urgency,
            department_code=department.code,
            responsible=department.default_responsible,
            channel=request.channel,
            sender_id=request.sender_id,
            description=request.description,
            created_at=now,
            first_response_due=promised.clocks.first_response_due,
            resolution_due=promised.clocks.resolution_due,
            flat=request.flat,
            location=request.location,
            phone=request.phone,
            preferred_start=request.preferred_start,
            preferred_end=request.preferred_end,
            desired_outcome=request.desired_outcome,
            escalated=needs_escalation(request.category, urgency, request.description),
            request_key=request.request_key,
        ),
        prefix,
        day_of(now),
        format_number,
    )
    if ticket.created_at != now:
        # A retry of a request written before: its own clocks, its own promise.
        promised = commitment(ticket.category, ticket.urgency, ticket.created_at,
                              ticket.preferred_start, ticket.preferred_end)
    return OpenedTicket(ticket, promised.promise)


def open_ticket(
    request: TicketRequest, now: datetime | None = None, routing: RoutingTable | None = None
) -> TicketRecord:
    """Number, route, clock and write a ticket; the same request_key never writes twice."""
    return open_ticket_promised(request, now, routing).ticket


def ticket_for_owner(channel: str, sender_id: str, number: str | None) -> TicketRecord | None:
    """A ticket by number, or the owner's latest; someone else's ticket is refused."""
    if number is None:
        latest = store.tickets_of(channel, sender_id, limit=1)
        return latest[0] if latest else None
    ticket = store.find_ticket(number)
    if ticket is None:
        return None
    if (ticket.channel, ticket.sender_id) != (channel, sender_id):
        raise NotYourTicket(number)
    return ticket


def move_ticket(
    number: str, to_status: str, actor: str, note: str | None = None, now: datetime | None = None
) -> TicketRecord:
    """Change status along the lifecycle; an illegal step raises IllegalTransition."""
    return store.change_status(
        number, to_status, actor, now or datetime.now(timezone.utc), check_transition, note
    )
