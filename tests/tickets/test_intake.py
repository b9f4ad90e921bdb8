"""What the ticket dialogue asks and how answers fill or correct it (no Rasa needed)."""

from __future__ import annotations

from datetime import datetime

import pytest
import yaml

from tests.conftest import ROOT

from bot.tickets.intake import (
    EMPTY_ANSWER,
    TIME_PROBLEM_DEFAULT,
    TIME_PROBLEM_RESPONSES,
    first_message_slots,
    read_answer,
    required_fields,
    summary,
)
from bot.tickets.clocks import CENTRE_TZ
from bot.understanding.when import VISIT_HORIZON_DAYS

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=CENTRE_TZ)


def test_what_each_category_asks() -> None:
    assert required_fields("repair", None) == ["problem", "place", "phone", "visit_time", "confirmed"]
    assert required_fields("complaint", None) == [
        "problem", "place", "phone", "desired_outcome", "confirmed"]
    assert required_fields("suggestion", None) == ["problem", "confirmed"]
    assert required_fields("repair", "BX-20261123-0001") == ["place", "phone"]
    assert required_fields(None, None) == []


def test_facts_in_the_first_message_are_not_asked_again() -> None:
    slots = first_message_slots(
        "5号楼2单元302卫生间漏水,明天下午三点以后都在,电话13800138000", "repair", None, None, NOW)
    assert slots["place"] == "5栋2单元302室"
    assert slots["phone"] == "13800138000"
    assert slots["visit_time"] == "11月24日 15:00"
    assert slots["problem"].startswith("5号楼2单元302卫生间漏水")
    assert slots["ticket_facts"]["urgency"] == "urgent"


def test_a_bare_request_leaves_the_problem_to_ask() -> None:
    slots = first_message_slots("你好,我要报修", "repair", None, None, NOW)
    assert "problem" not in slots and "place" not in slots


def test_what_we_remember_fills_in_but_the_message_wins() -> None:
    remembered = {"building": "7", "unit": "1", "room": "1101", "area": None}
    slots = first_message_slots("厨房下水道堵了", "repair", "13900000000", remembered, NOW)
    assert (slots["place"], slots["phone"]) == ("7栋1单元1101室", "13900000000")
    slots = first_message_slots("3栋501厨房下水道堵了,电话13800138000", "repair", "13900000000",
                                remembered, NOW)
    assert (slots["place"], slots["phone"]) == ("3栋501室", "13800138000")


def test_an_emergency_is_recognised_with_its_cue() -> None:
    facts = first_message_slots("厨房一股很浓的煤气味", "repair", None, None, NOW)["ticket_facts"]
    assert (facts["urgency"], facts["cue"]) == ("emergency", "gas_leak")


def test_a_common_area_is_a_place() -> None:
    answer = read_answer("3栋的电梯", "place", "repair", {}, NOW)
    assert answer.slots["place"] == "3栋电梯"


@pytest.mark.parametrize(
    ("text", "requested", "response"),
    [("1380013", "phone", "utter_invalid_phone"),
     ("5栋2单元9999", "place", "utter_invalid_room"),
     ("我家501", "place", "utter_need_building"),
     ("2月30日上午", "visit_time", "utter_time_impossible"),
     ("昨天下午", "visit_time", "utter_time_in_past"),
     ("9999年1月1日上午", "visit_time", "utter_time_too_far"),
     ("61天后", "visit_time", "utter_time_too_far"),
     ("看情况吧", "visit_time", "utter_time_unclear")],
)
def test_bad_answers_get_a_polite_re_ask(text: str, requested: str, response: str) -> None:
    answer = read_answer(text, requested, "repair", {}, NOW)
    assert response in answer.say
    assert requested not in answer.slots


def test_any_time_is_an_answer() -> None:
    assert read_answer("随时都可以", "visit_time", "repair", {}, NOW).slots["visit_time"] == "随时可以"


def test_a_correction_at_the_confirmation_changes_only_that_field() -> None:
    answer = read_answer("电话改成13912345678", "confirmed", "repair", {"building": "5"}, NOW)
    assert answer.slots == {"phone": "13912345678"}


def test_cancel_at_any_step() -> None:
    for requested in ("problem", "place", "phone", "visit_time", "confirmed"):
        assert read_answer("算了,不修了", requested, "repair", {}, NOW).cancelled


def test_the_summary_shows_what_will_be_written() -> None:
    text = summary("repair", {"problem": "卫生间漏水", "place": "5栋2单元302室",
                              "phone": "13800138000", "visit_time": "11月24日 15:00"})
    assert text.splitlines() == ["类别：报修", "问题：卫生间漏水", "位置：5栋2单元302室",
                                 "联系电话：13800138000", "上门时间：11月24日 15:00"]


def test_half_an_address_is_completed_by_the_next_answer() -> None:
    first = read_answer("我家501", "place", "repair", {}, NOW)
    assert "utter_need_building" in first.say and "place" not in first.slots
    second = read_answer("5栋", "place", "repair", first.slots["ticket_facts"], NOW)
    assert second.slots["place"] == "5栋501室"


def test_a_common_area_keeps_the_building_said_before() -> None:
    first = read_answer("3栋", "place", "repair", {}, NOW)
    assert "utter_need_room" in first.say
    second = read_answer("电梯", "place", "repair", first.slots["ticket_facts"], NOW)
    assert second.slots["place"] == "3栋电梯"


def test_a_visit_beyond_the_horizon_is_not_kept_even_with_other_facts() -> None:
    answer = read_answer("电话13912345678,9999年1月1日上午来", "visit_time", "repair", {}, NOW)
    assert answer.say == ["utter_time_too_far"]
    assert answer.slots == {"phone": "13912345678"}
    assert "visit_start" not in (answer.slots.get("ticket_facts") or {})


def test_the_last_day_of_the_horizon_is_a_visit_time() -> None:
    answer = read_answer("2027年1月22日上午", "visit_time", "repair", {}, NOW)
    assert answer.slots["visit_time"] == "1月22日 09:00-12:00"
    assert answer.slots["ticket_facts"]["visit_start"] == "2027-01-22T09:00:00+08:00"


@pytest.mark.parametrize("text", ["", "   ", "\u3000\n\t", "\u200b", "\ufeff"])
@pytest.mark.parametrize("requested", ["problem", "place", "phone", "visit_time",
                                       "desired_outcome", "confirmed"])
def test_a_message_with_nothing_in_it_answers_nothing_and_says_so(text: str,
                                                                  requested: str) -> None:
    answer = read_answer(text, requested, "complaint" if requested == "desired_outcome"
                         else "repair", {"building": "5"}, NOW)
    assert answer.say == ["utter_empty_answer"]
    assert answer.slots == {} and not answer.cancelled


def test_a_lone_full_stop_confirms_nothing() -> None:
    answer = read_answer("。", "confirmed", "repair", {"building": "5"}, NOW)
    assert answer.slots == {} and answer.say == []


def test_the_re_asks_exist_and_the_horizon_is_told_as_it_is() -> None:
    responses = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
    for name in (*TIME_PROBLEM_RESPONSES.values(), TIME_PROBLEM_DEFAULT, EMPTY_ANSWER):
        assert name in responses, name
    too_far = responses["utter_time_too_far"][0]["text"]
    assert f"{VISIT_HORIZON_DAYS}天" in too_far, "the owner is told the centre's real horizon"


# --- every fact in every message, whichever question the form is on ---

def test_the_desired_outcome_given_with_the_place_and_phone_is_taken() -> None:
    """It was dropped and asked again, in a loop, because something else was read too."""
    answer = read_answer("5栋2单元302，电话13800138000，希望你们尽快派人处理", "place",
                         "complaint", {}, NOW)
    assert (answer.slots["place"], answer.slots["phone"], answer.slots["desired_outcome"]) == (
        "5栋2单元302室", "13800138000", "希望你们尽快派人处理")
    again = read_answer("电话13800138000 希望尽快处理", "desired_outcome", "complaint", {}, NOW)
    assert again.slots["desired_outcome"] == "希望尽快处理"


def test_the_first_message_s_wish_is_not_asked_again() -> None:
    slots = first_message_slots("楼上装修天天吵，希望物业管一管", "complaint", None, None, NOW)
    assert slots["desired_outcome"] == "希望物业管一管"
    assert "desired_outcome" not in first_message_slots(
        "楼上装修天天吵到晚上十点", "complaint", None, None, NOW)


def test_a_question_is_not_taken_for_the_desired_outcome() -> None:
    answer = read_answer("装修押金什么时候退?", "desired_outcome", "complaint", {}, NOW,
                         "ask_procedure")
    assert answer.slots == {}
    assert read_answer("让他们晚上别施工", "desired_outcome", "complaint", {}, NOW,
                       "file_complaint").slots == {"desired_outcome": "让他们晚上别施工"}


def test_a_common_area_with_its_building_is_a_whole_place() -> None:
    answer = read_answer("14栋楼下垃圾桶旁边", "place", "complaint", {}, NOW)
    assert answer.slots["place"] == "14栋楼下垃圾桶旁边" and answer.say == []
    assert read_answer("地下车库B区", "place", "repair", {}, NOW).slots["place"] == "地下车库B区"
    assert read_answer("3号楼电梯里", "place", "repair", {}, NOW).slots["place"] == "3栋电梯里"


def test_another_common_area_does_not_inherit_the_first_one_s_building() -> None:
    facts = read_answer("3号楼电梯里", "place", "repair", {}, NOW).slots["ticket_facts"]
    assert read_answer("地下车库B区", "phone", "repair", facts, NOW).slots["place"] == "地下车库B区"


def test_a_ticket_number_is_not_read_as_any_fact() -> None:
    for requested in ("place", "phone", "visit_time"):
        answer = read_answer("BX-20261201-0003", requested, "repair", {}, NOW)
        assert answer.slots == {} and "utter_invalid_phone" not in answer.say, requested


# --- corrections in any phrasing ---

FLAT_1501 = {"building": "3", "unit": "2", "room": "1501", "area": None}


@pytest.mark.parametrize(
    ("text", "facts", "slot", "value"),
    [
        ("房号错了，是1502不是1501", FLAT_1501, "place", "3栋2单元1502室"),
        ("不是1501，是1502", FLAT_1501, "place", "3栋2单元1502室"),
        ("不是3栋是6栋", FLAT_1501, "place", "6栋2单元1501室"),
        ("不是5栋是6栋", {"building": "5", "unit": None, "room": None, "area": "电梯"},
         "place", "6栋电梯"),
        ("电话写错了 应该是13912345678", {}, "phone", "13912345678"),
        ("13800138000写错了，应该是13912345678", {}, "phone", "13912345678"),
        ("电话不是13800138000，是13912345678", {}, "phone", "13912345678"),
        ("时间改到下周二上午", {}, "visit_time", "12月1日 09:00-12:00"),
        ("明天不行，改到下周二上午", {}, "visit_time", "12月1日 09:00-12:00"),
        ("不是明天，是下周二上午", {}, "visit_time", "12月1日 09:00-12:00"),
    ],
)
def test_a_correction_takes_the_new_value(text: str, facts: dict, slot: str, value: str) -> None:
    answer = read_answer(text, "confirmed", "repair", dict(facts), NOW)
    assert answer.slots[slot] == value, answer.slots


# --- urgency in every message, and the one safety question ---

def test_a_danger_said_later_makes_the_repair_an_emergency_at_once() -> None:
    answer = read_answer("水越来越多了，地上全是水", "phone", "repair", {"urgency": "urgent"}, NOW)
    assert answer.emergency and answer.slots["ticket_facts"]["cue"] == "flooding"


def test_a_doubtful_danger_is_asked_first_and_once(monkeypatch) -> None:
    """The dialogue's side of bot.understanding.urgency.doubtful_danger (its words are the
    urgency module's business: both are stood in for here)."""
    from bot.tickets import intake
    from bot.understanding.urgency import UrgencyResult

    monkeypatch.setattr(intake, "doubtful_danger",
                        lambda text: "lift_trapped" if "卡住" in text else None)
    monkeypatch.setattr(intake, "assess_urgency", lambda text: UrgencyResult(
        "urgent" if "电梯" in text else "normal", ()))
    slots = first_message_slots("3栋电梯卡住了", "repair", None, None, NOW)
    facts = slots["ticket_facts"]
    assert facts["doubt"] == "lift_trapped" and facts["urgency"] == "urgent"
    assert required_fields("repair", None, facts)[0] == "danger_confirmed"
    yes = read_answer("有", "danger_confirmed", "repair", facts, NOW)
    assert yes.emergency and yes.slots["danger_confirmed"] is True
    assert yes.slots["ticket_facts"]["cue"] == "trapped"
    no = read_answer("没有，人都出来了", "danger_confirmed", "repair", facts, NOW)
    assert not no.emergency and no.slots["danger_confirmed"] is False
    after = no.slots["ticket_facts"]
    assert after["urgency"] == "urgent" and not after["doubt"]
    assert "danger_confirmed" not in required_fields("repair", None, after)
    assert not read_answer("电梯还是卡住", "phone", "repair", after, NOW).slots.get(
        "ticket_facts", {}).get("doubt"), "asked once"


@pytest.mark.parametrize(
    ("text", "intent", "said"),
    [("有", None, True), ("是的", "affirm", True), ("有人在里面", None, True),
     ("不知道有没有人", None, True), ("没有", "deny", False), ("没人", None, False),
     ("不是", None, False), ("已经出来了", None, False), ("3栋2单元", None, None)],
)
def test_the_answers_to_the_safety_question(text: str, intent: str | None, said) -> None:
    from bot.tickets.intake import is_danger_yes

    assert is_danger_yes(text, intent) is said
