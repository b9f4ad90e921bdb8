"""Which complaints a person must take up at once (DOMAIN.md: serious complaints go to a
supervisor immediately; an owner who complains again is not left to the assistant)."""

from __future__ import annotations

from datetime import timedelta

from bot.store import TicketRecord

# Another complaint by the same owner within this time makes this one "repeated".
REPEAT_WINDOW = timedelta(days=30)


def complaint_escalation(ticket: TicketRecord, owners_tickets: list[TicketRecord]) -> str | None:
    """"serious_complaint", "repeated_complaint" or None, for a complaint just written."""
    if ticket.category != "complaint":
        return None
    if ticket.escalated:
        return "serious_complaint"
    earlier = [
        t for t in owners_tickets
        if t.category == "complaint" and t.number != ticket.number
        and ticket.created_at - t.created_at <= REPEAT_WINDOW
    ]
    return "repeated_complaint" if earlier else None
