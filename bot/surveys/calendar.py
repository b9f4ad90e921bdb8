"""When a callback may happen: never in rest time (DOMAIN.md). CALLBACK_HOURS lists the
allowed windows in the centre's local time; the default leaves out before 9:00, the noon
rest 12:00–14:00 and after 20:00."""

from __future__ import annotations

import os
from datetime import datetime, time, timedelta

from bot.tickets.clocks import CENTRE_TZ

DEFAULT_HOURS = "09:00-12:00,14:00-20:00"


class HoursError(ValueError):
    pass


def _clock(text: str) -> time:
    hours, minutes = text.strip().split(":")
    return time(int(hours), int(minutes))


def allowed_windows() -> list[tuple[time, time]]:
    raw = os.environ.get("CALLBACK_HOURS", "").strip() or DEFAULT_HOURS
    try:
        windows = [(_clock(start), _clock(end))
                   for start, end in (part.split("-") for part in raw.split(","))]
    except ValueError as error:
        raise HoursError(f"CALLBACK_HOURS 格式应为 09:00-12:00,14:00-20:00,当前为「{raw}」") from error
    if not windows or any(start >= end for start, end in windows):
        raise HoursError(f"CALLBACK_HOURS 中每段的开始时间必须早于结束时间,当前为「{raw}」")
    return sorted(windows)


def is_allowed(moment: datetime) -> bool:
    local = moment.astimezone(CENTRE_TZ).time()
    return any(start <= local < end for start, end in allowed_windows())


def next_allowed(moment: datetime) -> datetime:
    """`moment` itself when a callback may happen then, else the start of the next window."""
    if is_allowed(moment):
        return moment
    local = moment.astimezone(CENTRE_TZ)
    for day in range(0, 3):
        date = (local + timedelta(days=day)).date()
        for start, _ in allowed_windows():
            candidate = datetime.combine(date, start, tzinfo=CENTRE_TZ)
            if candidate > local:
                return candidate
    raise HoursError("no allowed callback time in the next three days")
