"""What a ticket promises the owner is what its clocks hold: bot.tickets.clocks.commitment
makes both, and every time the sentence states is formatted from the clocks themselves."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import yaml

from bot.tickets.clocks import (
    CENTRE_TZ,
    Commitment,
    clock_text,
    clocks_for,
    commitment,
    day_text,
)
from tests.conftest import ROOT

WEDNESDAY_14 = datetime(2026, 12, 2, 14, 0, tzinfo=CENTRE_TZ)
WEDNESDAY_19 = datetime(2026, 12, 2, 19, 0, tzinfo=CENTRE_TZ)
TOMORROW_AFTERNOON = (datetime(2026, 12, 3, 13, 0, tzinfo=CENTRE_TZ),
                      datetime(2026, 12, 3, 18, 0, tzinfo=CENTRE_TZ))


def test_an_urgent_repair_is_answered_in_15_minutes_and_visited_when_the_owner_is_home() -> None:
    """The owner is home only tomorrow afternoon: contact within 15 minutes, arrival due at
    the end of their window, and the reply says both, not "15分钟内…到场"."""
    made = commitment("repair", "urgent", WEDNESDAY_14, *TOMORROW_AFTERNOON)
    assert made.clocks.first_response_due == WEDNESDAY_14 + timedelta(minutes=15)
    assert made.clocks.resolution_due == TOMORROW_AFTERNOON[1]
    assert made.promise.response == "utter_ticket_created_repair_urgent_agreed"
    assert made.promise.values == {"contact_by": "14:15", "visit": "12月3日 13:00-18:00"}


def test_an_urgent_repair_with_the_owner_home_now_is_visited_in_15_minutes() -> None:
    started = (WEDNESDAY_14 - timedelta(hours=1), WEDNESDAY_14 + timedelta(hours=4))
    for start, end in (started, (WEDNESDAY_14 + timedelta(minutes=10), None), (None, None)):
        made = commitment("repair", "urgent", WEDNESDAY_14, start, end)
        due = WEDNESDAY_14 + timedelta(minutes=15)
        assert (made.clocks.first_response_due, made.clocks.resolution_due) == (due, due)
        assert made.promise.response == "utter_ticket_created_repair_urgent"
        assert made.promise.values == {"contact_by": "14:15"}


def test_an_emergency_is_10_minutes_whatever_time_was_offered() -> None:
    made = commitment("repair", "emergency", WEDNESDAY_14, *TOMORROW_AFTERNOON)
    due = WEDNESDAY_14 + timedelta(minutes=10)
    assert (made.clocks.first_response_due, made.clocks.resolution_due) == (due, due)
    assert made.promise.values == {"arrive_by": "14:10"}


def test_a_window_that_has_begun_keeps_its_end() -> None:
    """今晚八点前, said at 19:00: due at 20:00, not at 23:59."""
    tonight = (datetime(2026, 12, 2, 18, 0, tzinfo=CENTRE_TZ),
               datetime(2026, 12, 2, 20, 0, tzinfo=CENTRE_TZ))
    made = commitment("repair", "normal", WEDNESDAY_19, *tonight)
    assert made.clocks.resolution_due == tonight[1]
    assert made.promise.response == "utter_ticket_created_repair_by"
    assert made.promise.values == {"arrive_by": "12月2日 20:00"}


def test_a_normal_repair_at_an_agreed_time_or_the_same_day() -> None:
    made = commitment("repair", "normal", WEDNESDAY_14, *TOMORROW_AFTERNOON)
    assert made.clocks.resolution_due == TOMORROW_AFTERNOON[1]
    assert made.promise.values == {"visit": "12月3日 13:00-18:00"}
    at_three = datetime(2026, 12, 3, 15, 0, tzinfo=CENTRE_TZ)
    made = commitment("repair", "normal", WEDNESDAY_14, at_three)
    assert made.clocks.resolution_due == at_three
    assert made.promise.values == {"visit": "12月3日 15:00"}
    made = commitment("repair", "normal", WEDNESDAY_14)
    assert made.clocks.resolution_due == datetime(2026, 12, 2, 23, 59, 59, tzinfo=CENTRE_TZ)
    assert made.promise.response == "utter_ticket_created_repair_today"


def test_complaints_suggestions_and_inquiries() -> None:
    made = commitment("complaint", None, WEDNESDAY_14)
    assert made.promise.values == {"contact_by": "16:00", "reply_by": "12月3日 14:00"}
    made = commitment("suggestion", None, datetime(2026, 12, 4, 16, 0, tzinfo=CENTRE_TZ))
    assert made.clocks.resolution_due == datetime(2026, 12, 7, 16, 0, tzinfo=CENTRE_TZ)
    assert made.promise.values == {"answer_by": "12月7日 16:00"}
    inquiry = commitment("inquiry", None, WEDNESDAY_14).promise
    assert inquiry.response == "utter_ticket_created_inquiry"


CASES = [
    ("repair", "emergency", None, None),
    ("repair", "urgent", None, None),
    ("repair", "urgent", *TOMORROW_AFTERNOON),
    ("repair", "normal", *TOMORROW_AFTERNOON),
    ("repair", "normal", TOMORROW_AFTERNOON[0], None),
    ("repair", "normal", WEDNESDAY_14 - timedelta(hours=1), WEDNESDAY_14 + timedelta(hours=5)),
    ("repair", "normal", None, None),
    ("complaint", None, None, None),
    ("suggestion", None, None, None),
    ("inquiry", None, None, None),
]


@pytest.mark.parametrize(("category", "urgency", "start", "end"), CASES)
def test_the_sentence_states_the_clocks_and_nothing_else(category, urgency, start, end) -> None:
    """Every promise's sentence exists, fills every placeholder, and each time it states
    is one of the ticket's two clocks (as HH:MM or as a day and time)."""
    made: Commitment = commitment(category, urgency, WEDNESDAY_14, start, end)
    responses = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
    template = responses[made.promise.response][0]["text"]
    text = template.format(number="BX-20261202-0001", **made.promise.values)
    clocks = made.clocks
    stated = {clock_text(clocks.first_response_due), clock_text(clocks.resolution_due),
              day_text(clocks.first_response_due), day_text(clocks.resolution_due)}
    assert any(time in text for time in stated), text
    resolution = clocks.resolution_due
    if category == "repair":
        assert clock_text(resolution) in text, "the arrival the clock holds is said"
    assert clocks == clocks_for(category, urgency, WEDNESDAY_14, start, end)
