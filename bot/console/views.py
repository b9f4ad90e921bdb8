"""The console's JSON: records turned into what the page shows, labels in Chinese from
bot/texts.py, times as ISO 8601 in the centre's time zone."""

from __future__ import annotations

from datetime import datetime

from bot import texts
from bot.console.desk import EscalationDetail, Line, QueueEntry, TicketView
from bot.identity import is_verified
from bot.store import AgentRecord, ContactRecord, EscalationEventRecord, EventRecord, FlatAddress
from bot.tickets.clocks import CENTRE_TZ


def when(moment: datetime | None) -> str | None:
    return moment.astimezone(CENTRE_TZ).isoformat(timespec="seconds") if moment else None


def flat_text(flat: FlatAddress | None) -> str | None:
    if flat is None:
        return None
    unit = f"{flat.unit}单元" if flat.unit else ""
    return f"{flat.building}栋{unit}{flat.room}室"


def agent_json(agent: AgentRecord) -> dict:
    return {"login": agent.login, "name": agent.display_name, "role": agent.role,
            "role_label": texts.AGENT_ROLE_LABELS.get(agent.role, agent.role)}


def owner_json(owner: ContactRecord | None) -> dict | None:
    if owner is None:
        return None
    return {"name": owner.name, "phone": owner.phone, "flat": flat_text(owner.flat)}


def entry_json(entry: QueueEntry) -> dict:
    escalation = entry.escalation
    return {
        "id": escalation.id,
        "channel": escalation.channel,
        "sender_id": escalation.sender_id,
        "verified": is_verified(escalation.channel),
        "verified_label": None if is_verified(escalation.channel) else texts.UNVERIFIED_OWNER,
        "reason": escalation.reason,
        "reason_label": texts.ESCALATION_REASON_LABELS.get(escalation.reason, escalation.reason),
        "priority": escalation.priority,
        "due_at": when(escalation.due_at),
        "overdue": entry.overdue,
        "status": escalation.status,
        "status_label": texts.ESCALATION_STATUS_LABELS.get(escalation.status, escalation.status),
        "holder": escalation.holder,
        "holder_name": entry.holder_name,
        "ticket_number": escalation.ticket_number,
        "last_message": escalation.last_message,
        "created_at": when(escalation.created_at),
        "summary": escalation.summary,
        "owner": owner_json(entry.owner),
    }


def ticket_json(view: TicketView) -> dict:
    ticket = view.ticket
    return {
        "number": ticket.number,
        "category": ticket.category,
        "category_label": texts.CATEGORY_LABELS.get(ticket.category, ticket.category),
        "verified": is_verified(ticket.channel),
        "verified_label": None if is_verified(ticket.channel) else texts.UNVERIFIED_OWNER,
        "urgency": ticket.urgency,
        "status": ticket.status,
        "status_label": texts.STATUS_LABELS.get(ticket.status, ticket.status),
        "department": ticket.department_code,
        "department_name": ticket.department_name,
        "responsible": ticket.responsible,
        "flat": flat_text(ticket.flat),
        "location": ticket.location,
        "phone": ticket.phone,
        "description": ticket.description,
        "created_at": when(ticket.created_at),
        "first_response_due": when(ticket.first_response_due),
        "resolution_due": when(ticket.resolution_due),
        "late": view.late,
        "late_label": texts.LATENESS_LABELS.get(view.late or "", None),
    }


def ticket_event_json(event: EventRecord) -> dict:
    return {"at": when(event.at), "actor": event.actor, "kind": event.kind,
            "from_status": event.from_status, "to_status": event.to_status, "note": event.note}


def line_json(line: Line) -> dict:
    return {"at": when(line.at), "speaker": line.speaker, "text": line.text, "agent": line.agent}


def escalation_event_json(event: EscalationEventRecord) -> dict:
    return {"at": when(event.at), "actor": event.actor, "kind": event.kind,
            "kind_label": texts.ESCALATION_EVENT_LABELS.get(event.kind, event.kind),
            "text": event.text}


def detail_json(detail: EscalationDetail) -> dict:
    return {
        "escalation": entry_json(detail.entry),
        "tickets": [ticket_json(view) for view in detail.tickets],
        "conversation": [line_json(line) for line in detail.conversation],
        "events": [escalation_event_json(event) for event in detail.events],
        "conversation_error": detail.conversation_error,
    }


def labels_json() -> dict:
    """Everything the page needs to show codes in Chinese, from the one place they live."""
    return {
        "statuses": texts.STATUS_LABELS,
        "categories": texts.CATEGORY_LABELS,
        "reasons": texts.ESCALATION_REASON_LABELS,
        "lateness": texts.LATENESS_LABELS,
    }
