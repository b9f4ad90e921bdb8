"""The rules of a ticket's life and its time promises, without a database."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.tickets import TRANSITIONS, IllegalTransition, clocks_for, find_number, load_routing
from bot.tickets.clocks import CENTRE_TZ
from bot.tickets.lifecycle import check_transition

MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=CENTRE_TZ)
FRIDAY_16 = datetime(2026, 11, 27, 16, 0, tzinfo=CENTRE_TZ)


@pytest.mark.parametrize(
    ("current", "wanted"),
    [("new", "accepted"), ("accepted", "in_progress"), ("in_progress", "resolved"),
     ("resolved", "closed"), ("resolved", "reopened"), ("closed", "reopened"),
     ("reopened", "in_progress"), ("accepted", "resolved")],
)
def test_legal_steps(current: str, wanted: str) -> None:
    assert wanted in TRANSITIONS[current]
    check_transition(current, wanted)  # raises IllegalTransition if the loop forbade it


@pytest.mark.parametrize(
    ("current", "wanted"),
    [("new", "resolved"), ("new", "closed"), ("resolved", "new"), ("closed", "in_progress"),
     ("closed", "closed"), ("in_progress", "accepted"), ("new", "bogus")],
)
def test_illegal_steps_are_refused(current: str, wanted: str) -> None:
    with pytest.raises(IllegalTransition):
        check_transition(current, wanted)


def test_emergency_and_urgent_repairs_have_minutes() -> None:
    assert clocks_for("repair", "emergency", MONDAY_10).resolution_due == MONDAY_10 + timedelta(minutes=10)
    assert clocks_for("repair", "urgent", MONDAY_10).first_response_due == MONDAY_10 + timedelta(minutes=15)


def test_a_normal_repair_is_due_the_same_day_or_at_the_agreed_time() -> None:
    same_day = clocks_for("repair", "normal", MONDAY_10)
    assert same_day.resolution_due == datetime(2026, 11, 23, 23, 59, 59, tzinfo=CENTRE_TZ)
    assert same_day.first_response_due == MONDAY_10 + timedelta(minutes=10)
    agreed = datetime(2026, 11, 25, 15, 0, tzinfo=CENTRE_TZ)
    assert clocks_for("repair", "normal", MONDAY_10, agreed).resolution_due == agreed


def test_complaints_get_contact_within_two_hours() -> None:
    clocks = clocks_for("complaint", None, MONDAY_10)
    assert clocks.first_response_due == MONDAY_10 + timedelta(hours=2)


def test_a_friday_suggestion_is_answered_on_monday() -> None:
    clocks = clocks_for("suggestion", None, FRIDAY_16)
    assert clocks.resolution_due == datetime(2026, 11, 30, 16, 0, tzinfo=CENTRE_TZ)
    assert clocks.first_response_due == FRIDAY_16 + timedelta(minutes=10)


@pytest.mark.parametrize(
    ("text", "number"),
    [("单号BX-20261122-0007进度怎么样", "BX-20261122-0007"),
     ("bx20261122 0007", "BX-20261122-0007"),
     ("查一下 TS-20261123-0012", "TS-20261123-0012"),
     ("我的工单呢", None), ("13800138000", None)],
)
def test_ticket_numbers_owners_type(text: str, number: str | None) -> None:
    assert find_number(text) == number


@pytest.mark.parametrize(
    ("category", "text", "department"),
    [("repair", "卫生间漏水", "engineering"),
     ("repair", "楼道垃圾没人清理,臭死了", "cleaning"),
     ("complaint", "保安态度恶劣不让我进门", "security"),
     ("complaint", "物业费多收了我两百", "finance"),
     ("complaint", "楼上装修太吵", "customer_service"),
     ("suggestion", "建议多装几个充电桩", "customer_service"),
     ("inquiry", "装修押金怎么退", "finance")],
)
def test_routing(category: str, text: str, department: str) -> None:
    assert load_routing().route(category, text).code == department


def test_a_rule_naming_an_unknown_department_fails_loudly(tmp_path) -> None:
    table = tmp_path / "departments.yml"
    table.write_text(
        "departments:\n  - {code: a, name: A, default_responsible: x}\n"
        "defaults: {repair: a, complaint: a, suggestion: a, inquiry: a}\n"
        "rules:\n  - {categories: [repair], keywords: 水, department: nowhere}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="nowhere"):
        load_routing(table)
