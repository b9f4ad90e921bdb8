"""The data layer: tables, migrations, engine and sessions, and every query the service needs.

Nothing outside this package builds SQL or holds a session; the rest of bot/ calls these
functions and gets plain records back.
"""

from bot.store.agents import (
    LoginTaken,
    agent_credentials,
    create_agent,
    create_session,
    end_session,
    find_agent_by_login,
    list_agents,
    purge_expired_sessions,
    session_agent,
    sessions_of,
    set_agent_active,
    set_password,
)
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
from bot.store.escalations import (
    EscalationRecord,
    add_escalation,
    escalation,
    hand_back,
    take_over,
    waiting_escalations,
)
from bot.store.engine import database_url, get_engine, session_scope
from bot.store.records import (
    AgentRecord,
    ContactRecord,
    EventRecord,
    FlatAddress,
    NewTicket,
    TicketRecord,
)
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
    "EscalationRecord",
    "add_escalation",
    "escalation",
    "hand_back",
    "take_over",
    "waiting_escalations",
    "attach_pending_to_ticket",
    "attachments_of",
    "can_send_free_text",
    "claim_inbound",
    "inbound_count",
    "last_inbound_at",
    "outbound_failures",
    "record_outbound_failure",
    "save_attachment",
    "AgentRecord",
    "ContactRecord",
    "EventRecord",
    "FlatAddress",
    "LoginTaken",
    "NewTicket",
    "TicketNotFound",
    "TicketRecord",
    "add_note",
    "agent_credentials",
    "change_status",
    "contact_profile",
    "create_agent",
    "create_session",
    "database_url",
    "end_session",
    "find_agent_by_login",
    "find_ticket",
    "get_engine",
    "insert_ticket",
    "list_agents",
    "purge_expired_sessions",
    "remember_contact",
    "session_agent",
    "session_scope",
    "sessions_of",
    "set_agent_active",
    "set_password",
    "sync_departments",
    "ticket_events",
    "tickets_of",
    "update_ticket_contact_details",
    "upgrade",
]
