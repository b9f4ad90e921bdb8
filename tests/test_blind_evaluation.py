"""The blind-corpus judge (bot/nlu/blind_evaluation.py): what counts as a right visit time,
a caught emergency, and the macro-F1 it reports. Pure, no model."""

from __future__ import annotations

from datetime import datetime

from bot.nlu.blind_evaluation import REFERENCE, judge, macro_f1, visit_verdict
from bot.understanding.reading import read_message
from bot.understanding.when import TZ


def reading(text: str):
    return read_message(text, "report_repair", 0.9, REFERENCE)


def test_a_visit_is_right_only_on_the_day_and_from_the_hour_meant() -> None:
    label = {"day": "2026-12-04", "from": "15:00", "until": None, "part": "下午"}
    assert visit_verdict(label, reading("明天下午三点以后在家"))[0]
    wrong_day, why = visit_verdict(label, reading("后天下午三点以后在家"))
    assert not wrong_day and "day" in why
    assert not visit_verdict(label, reading("明天下午四点"))[0]
    assert not visit_verdict(label, reading("随便"))[0], "no time read is not right"


def test_a_part_of_the_day_must_hold_the_start() -> None:
    label = {"day": "2026-12-04", "from": None, "until": None, "part": "上午"}
    assert visit_verdict(label, reading("明天上午都在"))[0]
    assert not visit_verdict(label, reading("明天晚上都在"))[0]


def test_asap_and_unacceptable_times() -> None:
    assert visit_verdict("asap", reading("现在就来"))[0]
    assert not visit_verdict("asap", reading("下周二上午"))[0]
    assert visit_verdict("invalid", reading("2月30日上午"))[0]
    assert not visit_verdict("invalid", reading("明天上午"))[0]


def test_an_emergency_read_as_another_intent_is_missed() -> None:
    entry = {"id": "x", "text": "燃气泄漏了好大的煤气味", "intent": "report_repair",
             "urgency": "emergency"}
    assert judge(entry, "report_repair", 0.9).emergency_caught
    assert judge(entry, "report_repair", 0.2).emergency_caught is False, "a fallback files nothing"


def test_a_time_read_where_the_label_has_none_is_counted_as_invented() -> None:
    quiet = {"id": "x", "text": "卫生间地漏堵了 5栋302", "intent": "report_repair",
             "urgency": "normal"}
    assert judge(quiet, "report_repair", 0.9).invented_time is False
    timed = quiet | {"text": "卫生间地漏堵了 5栋302 明天上午"}
    outcome = judge(timed, "report_repair", 0.9)
    assert outcome.invented_time is True and "12-04" in outcome.notes[0]


def test_macro_f1_counts_only_intents_present() -> None:
    pairs = [("report_repair", "report_repair"), ("file_complaint", "report_repair"),
             ("report_repair", "make_suggestion")]
    # repair: tp 1, fp 1, fn 1 → 1/2; complaint: tp 0 → 0; suggestion (no message labelled
    # so) and procedure are left out.
    assert abs(macro_f1(pairs) - 0.25) < 1e-9
    assert macro_f1([]) == 0.0
    assert datetime(2026, 12, 3, 10, tzinfo=TZ) == REFERENCE
