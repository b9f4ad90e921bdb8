"""The visit-time contract shared by the grammar, the library adapter and the policy layer.

It lives apart from when.py so the three layers can import it without importing each other
(when.py imports the policy, the policy imports the grammar and the library).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")

# The centre's visit-time policy: a repair visit is booked at most this many calendar days
# ahead (the day it starts, in the centre's time zone). Later is refused as "too_far" and
# the owner is asked again (domain.yml's utter_time_too_far says the same number).
VISIT_HORIZON_DAYS = 60

__all__ = ["TZ", "VISIT_HORIZON_DAYS", "When", "WhenProblem"]


@dataclass(frozen=True)
class When:
    """A visit time the owner offered: a moment, or a window when is_span is True."""

    start: datetime
    end: datetime | None  # None for a moment, and for an open span ("九点以后")
    text: str
    is_span: bool


@dataclass(frozen=True)
class WhenProblem:
    """A time expression that cannot be a visit time, so the assistant must ask again.

    reason: "impossible_date", "impossible_hour", "impossible_minute", "in_past",
    "conflicting_date" (11月25日周五 when the 25th is a Wednesday), "too_far" (more than
    VISIT_HORIZON_DAYS days ahead).
    """

    reason: str
    text: str

