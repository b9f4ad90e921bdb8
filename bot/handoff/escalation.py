"""Escalations: each reason has a priority and a due time from the centre's promises
(../shared/DOMAIN.md: emergencies and serious complaints now, complaints within 2 hours,
requests passed on within 10 minutes)."""

from __future__ import annotations

import os
from datetime import datetime, time, timedelta

from bot import store, texts
from bot.store import EscalationRecord
from bot.tickets.clocks import CENTRE_TZ

# reason: (priority, due after); priority 1 is served first.
RULES: dict[str, tuple[int, timedelta]] = {
    "emergency": (1, timedelta(0)),
    "serious_complaint": (1, timedelta(0)),
    "angry": (2, timedelta(hours=2)),
    "repeated_complaint": (2, timedelta(hours=2)),
    "asked": (2, timedelta(minutes=10)),
    "not_understood": (3, timedelta(minutes=10)),
    # From the callbacks: an owner not satisfied (the complaint promise: 2 hours), and a
    # callback no channel can deliver, to be made by phone within the working day.
    "callback_dissatisfied": (2, timedelta(hours=2)),
    "callback_phone": (3, timedelta(hours=8)),
}


def _clock(variable: str, default: str) -> time:
    hours, minutes = os.environ.get(variable, default).split(":")
    return time(int(hours), int(minutes))


def working_hours() -> tuple[time, time]:
    """The service centre's desk hours (CENTRE_OPENS / CENTRE_CLOSES, local time)."""
    return _clock("CENTRE_OPENS", "08:30"), _clock("CENTRE_CLOSES", "17:30")


def escalate(channel: str, sender_id: str, reason: str, last_message: str | None,
             now: datetime, ticket_number: str | None = None) -> EscalationRecord:
    priority, delay = RULES[reason]
    return store.add_escalation(channel, sender_id, reason, priority, now + delay, last_message,
                                now, ticket_number)


def waiting_message(escalation: EscalationRecord, now: datetime) -> str:
    """What the owner reads: when a person will contact them, honest about desk hours."""
    opens, closes = working_hours()
    local = now.astimezone(CENTRE_TZ)
    if opens <= local.time() < closes:
        minutes = max(1, int((escalation.due_at - now).total_seconds() // 60))
        return texts.HANDOFF_COMING.format(minutes=minutes)
    next_day = local.date() if local.time() < opens else local.date() + timedelta(days=1)
    when = f"{'今天' if next_day == local.date() else '明天'} {opens:%H:%M}"
    return texts.HANDOFF_AFTER_HOURS.format(opens=f"{opens:%H:%M}", closes=f"{closes:%H:%M}",
                                            when=when)
