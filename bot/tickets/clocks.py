"""Service-level clocks: by when the owner must hear from a person, and by when it is done.

From ../shared/DOMAIN.md's time promises:
- repairs: a person on site within 10 minutes (emergency); an urgent repair is answered
  within 15 minutes and visited then, or at the time agreed with the owner when they are
  only there later; a normal repair the same day, or at the time agreed with the owner.
  The department gets it within 10 minutes in every case.
- complaints: first contact within 2 hours; a reply within 24 hours.
- suggestions and inquiries: passed on within 10 minutes; answered within 1 working day.
Working days are Monday to Friday; public holidays are not modelled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

CENTRE_TZ = ZoneInfo("Asia/Shanghai")

DISPATCH = timedelta(minutes=10)
REPAIR_ARRIVAL = {"emergency": timedelta(minutes=10), "urgent": timedelta(minutes=15)}
COMPLAINT_CONTACT = timedelta(hours=2)
COMPLAINT_REPLY = timedelta(hours=24)


@dataclass(frozen=True)
class Clocks:
    first_response_due: datetime
    resolution_due: datetime


@dataclass(frozen=True)
class Promise:
    """What the owner is told when the ticket is written: a domain response (the sentence)
    and the times it states, each formatted from the ticket's own clocks."""

    response: str
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Commitment:
    """A new ticket's clocks and the promise that states them, made together by
    `commitment` so that what the owner reads is what the clocks hold."""

    clocks: Clocks
    promise: Promise


def end_of_day(moment: datetime) -> datetime:
    local = moment.astimezone(CENTRE_TZ)
    return datetime.combine(local.date(), time(23, 59, 59), tzinfo=CENTRE_TZ)


def add_working_days(moment: datetime, days: int) -> datetime:
    """The same clock time `days` working days later (a Friday request is due Monday)."""
    local = moment.astimezone(CENTRE_TZ)
    while days > 0:
        local += timedelta(days=1)
        if local.weekday() < 5:
            days -= 1
    return local


def clock_text(moment: datetime) -> str:
    """14:15: a time within the hour the owner is reading the reply."""
    return f"{moment.astimezone(CENTRE_TZ):%H:%M}"


def day_text(moment: datetime) -> str:
    """12月3日 18:00: a time on a day the owner chose."""
    local = moment.astimezone(CENTRE_TZ)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def window_text(start: datetime, due: datetime) -> str:
    """12月3日 14:00-18:00, 12月3日 15:00 for a moment, or across days with 至."""
    start, due = start.astimezone(CENTRE_TZ), due.astimezone(CENTRE_TZ)
    if due == start:
        return day_text(start)
    if due.date() == start.date():
        return f"{day_text(start)}-{due:%H:%M}"
    return f"{day_text(start)} 至 {day_text(due)}"


def _agreed_visit(visit_start: datetime | None, visit_end: datetime | None) -> datetime | None:
    """By when the repairer must be there in the owner's time: the window's end, or the
    moment itself when the owner named one (三点, 三点以后)."""
    if visit_start is None:
        return None
    return visit_end or visit_start


def commitment(
    category: str,
    urgency: str | None,
    created_at: datetime,
    visit_start: datetime | None = None,
    visit_end: datetime | None = None,
) -> Commitment:
    """The clocks a new ticket gets and the promise that states them.

    Repairs: an emergency has someone there within 10 minutes whatever time was offered.
    An urgent repair is answered within 15 minutes; the visit is then within those 15
    minutes, or, when the owner is only there later, in the time they agreed (due at the
    end of their window). A normal repair is due at the end of the agreed window (one that
    has already begun, 今晚八点前, keeps its end) or at the end of the day.
    """
    agreed_due = _agreed_visit(visit_start, visit_end)
    if category == "repair":
        level = urgency or "normal"
        if level == "emergency":
            due = created_at + REPAIR_ARRIVAL["emergency"]
            return Commitment(Clocks(due, due), Promise(
                "utter_ticket_created_repair_emergency", {"arrive_by": clock_text(due)}))
        if level == "urgent":
            contact = created_at + REPAIR_ARRIVAL["urgent"]
            if visit_start is not None and agreed_due is not None and visit_start > contact:
                return Commitment(Clocks(contact, agreed_due), Promise(
                    "utter_ticket_created_repair_urgent_agreed",
                    {"contact_by": clock_text(contact),
                     "visit": window_text(visit_start, agreed_due)}))
            return Commitment(Clocks(contact, contact), Promise(
                "utter_ticket_created_repair_urgent", {"contact_by": clock_text(contact)}))
        dispatched = created_at + DISPATCH
        if visit_start is not None and agreed_due is not None and agreed_due > created_at:
            if visit_start > created_at:
                return Commitment(Clocks(dispatched, agreed_due), Promise(
                    "utter_ticket_created_repair_agreed",
                    {"visit": window_text(visit_start, agreed_due)}))
            return Commitment(Clocks(dispatched, agreed_due), Promise(
                "utter_ticket_created_repair_by", {"arrive_by": day_text(agreed_due)}))
        due = end_of_day(created_at)
        return Commitment(Clocks(dispatched, due), Promise(
            "utter_ticket_created_repair_today", {"arrive_by": clock_text(due)}))
    if category == "complaint":
        contact, reply = created_at + COMPLAINT_CONTACT, created_at + COMPLAINT_REPLY
        return Commitment(Clocks(contact, reply), Promise(
            "utter_ticket_created_complaint",
            {"contact_by": clock_text(contact), "reply_by": day_text(reply)}))
    answer_by = add_working_days(created_at, 1)
    return Commitment(Clocks(created_at + DISPATCH, answer_by), Promise(
        ANSWERED_BY_RESPONSES.get(category, "utter_ticket_created_suggestion"),
        {"answer_by": day_text(answer_by)}))


# Requests passed on within 10 minutes and answered within a working day, by category.
ANSWERED_BY_RESPONSES: dict[str, str] = {
    "suggestion": "utter_ticket_created_suggestion",
    "inquiry": "utter_ticket_created_inquiry",
}


def clocks_for(
    category: str,
    urgency: str | None,
    created_at: datetime,
    agreed_time: datetime | None = None,
    agreed_end: datetime | None = None,
) -> Clocks:
    """The two due times a new ticket gets; `agreed_time` / `agreed_end` are the repair
    visit the owner chose (see `commitment`, which also says them to the owner)."""
    return commitment(category, urgency, created_at, agreed_time, agreed_end).clocks


OPEN_STATUSES = ("new", "accepted", "in_progress", "reopened")


def lateness(status: str, first_response_due: datetime, resolution_due: datetime,
             now: datetime) -> str | None:
    """Which promise an open ticket has broken by `now`: "response" (still not accepted
    after its first-response time), "resolution" (not resolved in time), or None."""
    if status not in OPEN_STATUSES:
        return None
    if now > resolution_due:
        return "resolution"
    if status == "new" and now > first_response_due:
        return "response"
    return None
