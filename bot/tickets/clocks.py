"""Service-level clocks: by when the owner must hear from a person, and by when it is done.

From ../shared/DOMAIN.md's time promises:
- repairs: a person on site within 10 minutes (emergency) or 15 minutes (urgent); a normal
  repair the same day, or at the time agreed with the owner. The department gets it within
  10 minutes in every case.
- complaints: first contact within 2 hours; a reply within 24 hours.
- suggestions and inquiries: passed on within 10 minutes; answered within 1 working day.
Working days are Monday to Friday; public holidays are not modelled.
"""

from __future__ import annotations

from dataclasses import dataclass
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


def clocks_for(
    category: str,
    urgency: str | None,
    created_at: datetime,
    agreed_time: datetime | None = None,
) -> Clocks:
    """The two due times a new ticket gets; `agreed_time` is a repair visit the owner chose."""
    if category == "repair":
        arrival = REPAIR_ARRIVAL.get(urgency or "normal")
        if arrival is not None:
            due = created_at + arrival
            return Clocks(first_response_due=due, resolution_due=due)
        visit = agreed_time if agreed_time and agreed_time > created_at else end_of_day(created_at)
        return Clocks(first_response_due=created_at + DISPATCH, resolution_due=visit)
    if category == "complaint":
        return Clocks(
            first_response_due=created_at + COMPLAINT_CONTACT,
            resolution_due=created_at + COMPLAINT_REPLY,
        )
    return Clocks(
        first_response_due=created_at + DISPATCH,
        resolution_due=add_working_days(created_at, 1),
    )


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
