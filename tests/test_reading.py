"""read_message joins the model's intent with the rules; no model needed here."""

from __future__ import annotations

from datetime import datetime

from bot.understanding import read_message
from bot.understanding.when import TZ

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=TZ)


def test_the_issue_example_reads_every_fact() -> None:
    reading = read_message("3栋2单元501卫生间天花板漏水,明天下午三点家里有人", "report_repair", 0.97, NOW)
    assert reading.to_contract() == {
        "text": "3栋2单元501卫生间天花板漏水,明天下午三点家里有人",
        "intent": "report_repair",
        "confidence": 0.97,
        "urgency": "urgent",
        "building": "3",
        "unit": "2",
        "room": "501",
        "phone": None,
        "when": "2026-11-24T15:00:00+08:00",
    }


def test_urgency_is_only_given_for_repairs() -> None:
    reading = read_message("卫生间漏水是物业修还是自己修?", "ask_procedure", 0.9, NOW)
    assert reading.intent == "ask_procedure"
    assert reading.urgency is None


def test_a_span_keeps_its_end() -> None:
    reading = read_message("5号楼2单元302,明天下午都在,电话13800138000", "report_repair", 0.9, NOW)
    assert reading.when == datetime(2026, 11, 24, 13, 0, tzinfo=TZ)
    assert reading.when_end == datetime(2026, 11, 24, 18, 0, tzinfo=TZ)
    assert reading.phone == "13800138000"
    assert (reading.building, reading.unit, reading.room) == ("5", "2", "302")


def test_an_impossible_date_is_refused_with_a_reason() -> None:
    reading = read_message("2月30日上午来修吧", "report_repair", 0.9, NOW)
    assert reading.when is None
    assert reading.when_problem == "impossible_date"
    assert reading.to_contract()["when"] is None


def test_no_text_no_facts() -> None:
    reading = read_message("", None, 0.0, NOW)
    assert reading.to_contract() == {
        "text": "", "intent": None, "confidence": 0.0, "urgency": None, "building": None,
        "unit": None, "room": None, "phone": None, "when": None,
    }
