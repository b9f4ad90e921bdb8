"""The data layer: tables, migrations, engine and sessions, and every query the service needs.

Nothing outside this package builds SQL or holds a session; the rest of bot/ calls these
functions and gets plain records back.
"""

from bot.store.contacts import contact_profile, remember_contact
from bot.store.departments import sync_departments
from bot.store.channels import (
    attach_pending_to_ticket,
    attachments_of,
    can_send_free_text,
    claim_inbound,
    inbound_count,
    last_inbound_at,
    outbound_failures,
    record_outbound_failure,
    save_attachment,
)
from bot.store.handoffs import open_handoffs, record_handoff
from bot.store.engine import database_url, get_engine, session_scope
from bot.store.records import ContactRecord, EventRecord, FlatAddress, NewTicket, TicketRecord
from bot.store.schema import upgrade
from bot.store.tickets import (
    TicketNotFound,
    add_note,
    change_status,
    find_ticket,
    insert_ticket,
    ticket_events,
    tickets_of,
    update_ticket_contact_details,
)

__all__ = [
    "attach_pending_to_ticket",
    "attachments_of",
    "can_send_free_text",
    "claim_inbound",
    "inbound_count",
    "last_inbound_at",
    "outbound_failures",
    "record_outbound_failure",
    "save_attachment",
    "ContactRecord",
    "EventRecord",
    "FlatAddress",
    "NewTicket",
    "TicketNotFound",
    "TicketRecord",
    "add_note",
    "change_status",
    "contact_profile",
    "database_url",
    "find_ticket",
    "get_engine",
    "insert_ticket",
    "open_handoffs",
    "record_handoff",
    "remember_contact",
    "session_scope",
    "sync_departments",
    "ticket_events",
    "tickets_of",
    "update_ticket_contact_details",
    "upgrade",
]
