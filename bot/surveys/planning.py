"""Which callbacks are owed, planned once each (the dedupe key makes planning idempotent,
so every scheduler may plan at every tick):
- a resolved repair or complaint: CALLBACK_DELAY_HOURS after it was resolved (default 2 h,
  time to check the work), at the next allowed time — well inside the week, aiming at three days;
- at the start of each month: owners who took delivery or moved in the month before;
- three months after moving in (within a month of that date, so a new installation does not
  call everyone who moved in years ago);
- twice a year, in OPINION_SURVEY_MONTHS (default 6 and 12): every owner in the register.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta

from bot import store
from bot.surveys.calendar import next_allowed
from bot.tickets.clocks import CENTRE_TZ

FOLLOWED_UP_CATEGORIES = ("repair", "complaint")
LIVING_AFTER_MONTHS = 3
LIVING_WINDOW = timedelta(days=31)


def _delay() -> timedelta:
    return timedelta(hours=float(os.environ.get("CALLBACK_DELAY_HOURS", "2")))


def _opinion_months() -> set[int]:
    raw = os.environ.get("OPINION_SURVEY_MONTHS", "6,12")
    return {int(part) for part in raw.split(",") if part.strip()}


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clipped to the month's end (31 Jan + 1 → 28/29 Feb)."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def _month_start(local_day: date) -> datetime:
    return datetime(local_day.year, local_day.month, 1, tzinfo=CENTRE_TZ)


def plan_due(now: datetime) -> int:
    """Plan every callback owed by `now`; how many were new."""
    planned = 0
    for number, contact_id, resolved_at in store.resolved_tickets_without_callback(
            FOLLOWED_UP_CATEGORIES):
        first = next_allowed(max(resolved_at + _delay(), now))
        planned += store.plan_callback(f"ticket:{number}", "ticket", contact_id, first, now,
                                       ticket_number=number)

    today = now.astimezone(CENTRE_TZ).date()
    this_month = _month_start(today)
    last_month_end = today.replace(day=1) - timedelta(days=1)
    last_month = last_month_end.replace(day=1)
    start = next_allowed(max(this_month, now))
    for owner in store.owners_delivered_or_moved_in(last_month, last_month_end):
        planned += store.plan_callback(f"delivery:{last_month:%Y-%m}:{owner.contact_id}",
                                       "delivery", owner.contact_id, start, now)

    due_moved_in = add_months(today, -LIVING_AFTER_MONTHS)
    for owner in store.owners_moved_in_between(due_moved_in - LIVING_WINDOW, due_moved_in):
        planned += store.plan_callback(f"living:{owner.contact_id}", "living",
                                       owner.contact_id, next_allowed(now), now)

    if today.month in _opinion_months():
        half = "H1" if today.month <= 6 else "H2"
        for owner in store.owners_in_register():
            planned += store.plan_callback(f"opinion:{today.year}{half}:{owner.contact_id}",
                                           "opinion", owner.contact_id, start, now)
    return planned
