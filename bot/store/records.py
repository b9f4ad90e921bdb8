"""Plain, detached views of stored rows: what the store hands to the rest of bot/.

Callers never hold an ORM object or a session, so no query can leak out of bot/store/.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class FlatAddress:
    building: str
    unit: str | None
    room: str


@dataclass(frozen=True)
class ContactRecord:
    id: int
    channel: str
    sender_id: str
    name: str | None
    phone: str | None
    flat: FlatAddress | None


@dataclass(frozen=True)
class NewTicket:
    """What the service asks the store to write; numbering and clocks already decided."""

    category: str
    urgency: str | None
    department_code: str
    responsible: str
    channel: str
    sender_id: str
    description: str
    created_at: datetime
    first_response_due: datetime
    resolution_due: datetime
    flat: FlatAddress | None = None
    location: str | None = None
    phone: str | None = None
    preferred_start: datetime | None = None
    preferred_end: datetime | None = None
    desired_outcome: str | None = None
    escalated: bool = False
    request_key: str | None = None
    actor: str = "assistant"


@dataclass(frozen=True)
class TicketRecord:
    number: str
    category: str
    urgency: str | None
    status: str
    department_code: str
    department_name: str
    responsible: str
    channel: str
    sender_id: str
    flat: FlatAddress | None
    location: str | None
    description: str
    phone: str | None
    preferred_start: datetime | None
    preferred_end: datetime | None
    desired_outcome: str | None
    escalated: bool
    created_at: datetime
    first_response_due: datetime
    resolution_due: datetime
    resolved_at: datetime | None
    closed_at: datetime | None


@dataclass(frozen=True)
class TicketQuery:
    """What an agent searches tickets by; every field left empty matches everything."""

    number: str | None = None
    building: str | None = None
    unit: str | None = None
    room: str | None = None
    phone: str | None = None
    statuses: tuple[str, ...] = ()
    category: str | None = None
    due_before: datetime | None = None  # resolution due before this instant
    sender: tuple[str, str] | None = None  # (channel, sender_id): one owner's tickets
    limit: int = 100


@dataclass(frozen=True)
class EventRecord:
    at: datetime
    actor: str
    kind: str
    from_status: str | None
    to_status: str | None
    note: str | None


@dataclass(frozen=True)
class AgentRecord:
    """An agents' console account as the console sees it: no password hash travels here."""

    id: int
    login: str
    display_name: str
    role: str  # agent / supervisor
    active: bool
    created_at: datetime
