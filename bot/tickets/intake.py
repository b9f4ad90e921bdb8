"""What a ticket dialogue must collect, and how each owner message fills or corrects it.

Pure functions over plain values, so the rules are tested without Rasa: the form's
validation action passes the message and the current slots in and applies what comes out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot import texts
from bot.understanding import When, WhenProblem, find_phone, parse_when, room_is_plausible
from bot.understanding.description import describes_matter
from bot.understanding.empty import says_nothing
from bot.understanding.places import find_place
from bot.understanding.urgency import assess_urgency

INTENT_CATEGORIES = {
    "report_repair": "repair",
    "file_complaint": "complaint",
    "make_suggestion": "suggestion",
}
FIELDS_BY_CATEGORY: dict[str, tuple[str, ...]] = {
    "repair": ("problem", "place", "phone", "visit_time"),
    "complaint": ("problem", "place", "phone", "desired_outcome"),
    "suggestion": ("problem",),
}
# An emergency ticket is written at once; only what people need to find the owner is asked.
EMERGENCY_FIELDS = ("place", "phone")
CONFIRMATION = "confirmed"
# What the owner hears when the visit time offered cannot be one, by WhenProblem.reason;
# the form then asks for the time again.
TIME_PROBLEM_RESPONSES: dict[str, str] = {
    "in_past": "utter_time_in_past",
    "too_far": "utter_time_too_far",
}
TIME_PROBLEM_DEFAULT = "utter_time_impossible"
# A message with nothing to read, whatever was asked: said, then the question again.
EMPTY_ANSWER = "utter_empty_answer"

_CANCEL = re.compile(r"取消|算了|不用了|不需要了|不修了|不报了|不投诉了|不提了|先不(?:报|修|用)了?|撤销")
_ANY_TIME = re.compile(r"随时|都可以|都行|什么时候都|啥时候都|任何时间|全天")
_YES = re.compile(r"^(?:对|是|是的|对的|没错|没问题|确认|确定|好|好的|可以|行|嗯|嗯嗯|ok|OK|提交)[!！。.~]*$")
_DIGITS = re.compile(r"\d{5,}")
_DIGITS_3 = re.compile(r"\d{3,}")


@dataclass
class Answer:
    """What one owner message changes: slot values to set and responses to say."""

    slots: dict[str, Any] = field(default_factory=dict)
    say: list[str] = field(default_factory=list)
    cancelled: bool = False


def required_fields(category: str | None, emergency_number: str | None) -> list[str]:
    """The slots the form asks, in order; the confirmation always comes last."""
    if category not in FIELDS_BY_CATEGORY:
        return []
    if emergency_number:
        return list(EMERGENCY_FIELDS)
    return [*FIELDS_BY_CATEGORY[category], CONFIRMATION]


def wants_to_cancel(text: str) -> bool:
    return bool(_CANCEL.search(text))


def is_plain_yes(text: str) -> bool:
    return bool(_YES.match(text.strip()))


def _place_answer(text: str, facts: dict[str, Any], answer: Answer) -> None:
    """A flat needs a building and a room; a common area is enough on its own. Half an
    address ("我家501", then "5栋") is kept and completed by the next answer."""
    place = find_place(text)
    if place is None:
        return
    address = place.address
    said = {
        "building": address.building if address else None,
        "unit": address.unit if address else None,
        "room": address.room if address else None,
    }
    if said["room"] and not room_is_plausible(said["room"]):
        answer.say.append("utter_invalid_room")
        return
    if place.common_area is not None:
        # "电梯" after "3栋": the building said before still applies; a room does not.
        said = {"building": said["building"] or facts.get("building"),
                "unit": said["unit"] or facts.get("unit"), "room": None}
    elif not (said["building"] and said["room"]):
        said = {key: value or facts.get(key) for key, value in said.items()}
    facts.update(said, area=place.common_area)
    answer.slots["ticket_facts"] = facts
    if place.common_area is None and not (facts["building"] and facts["room"]):
        if facts["room"]:
            answer.say.append("utter_need_building")
        else:
            answer.say.append("utter_invalid_room" if _DIGITS_3.search(text) else "utter_need_room")
        return
    answer.slots["place"] = texts.place_text(
        facts["building"], facts["unit"], facts["room"], facts["area"]
    )


def _time_answer(text: str, requested: str | None, now: datetime, facts: dict[str, Any],
                 answer: Answer) -> None:
    when = parse_when(text, now)
    if isinstance(when, When):
        facts.update(visit_start=when.start.isoformat(),
                     visit_end=when.end.isoformat() if when.end else None)
        answer.slots["visit_time"] = visit_text(when.start, when.end)
        answer.slots["ticket_facts"] = facts
    elif isinstance(when, WhenProblem):
        answer.say.append(TIME_PROBLEM_RESPONSES.get(when.reason, TIME_PROBLEM_DEFAULT))
    elif requested == "visit_time" and _ANY_TIME.search(text):
        facts.update(visit_start=None, visit_end=None)
        answer.slots["visit_time"] = texts.ANY_TIME
        answer.slots["ticket_facts"] = facts
    elif requested == "visit_time":
        answer.say.append("utter_time_unclear")


def visit_text(start: datetime, end: datetime | None) -> str:
    """11月24日 15:00-18:00, or 11月24日 15:00以后 for an open span."""
    day = f"{start.month}月{start.day}日 {start:%H:%M}"
    if end is None:
        return day
    if end.date() == start.date():
        return f"{day}-{end:%H:%M}"
    return f"{day} 至 {end.month}月{end.day}日 {end:%H:%M}"


def read_answer(
    text: str,
    requested: str | None,
    category: str,
    facts: dict[str, Any] | None,
    now: datetime,
) -> Answer:
    """Read one message inside the form: the requested field, and any other fact it carries,
    so "电话改成13912345678" corrects the phone whatever was asked."""
    answer = Answer()
    if says_nothing(text):
        answer.say.append(EMPTY_ANSWER)
        return answer
    if wants_to_cancel(text):
        answer.cancelled = True
        return answer
    facts = dict(facts or {})
    phone = find_phone(text)
    if phone:
        answer.slots["phone"] = phone
    elif requested == "phone" and _DIGITS.search(text):
        answer.say.append("utter_invalid_phone")
    if category in ("repair", "complaint"):
        _place_answer(text, facts, answer)
    if category == "repair":
        _time_answer(text, requested, now, facts, answer)
    if requested == "problem" and describes_matter(text):
        answer.slots["problem"] = text.strip()
    if requested == "desired_outcome" and text.strip() and not answer.slots:
        answer.slots["desired_outcome"] = text.strip()
    return answer


def first_message_slots(
    text: str, category: str, profile_phone: str | None, profile_place: dict[str, Any] | None,
    now: datetime,
) -> dict[str, Any]:
    """Everything the first message (and what we remember of the owner) already answers."""
    facts: dict[str, Any] = {}
    if category == "repair":
        assessment = assess_urgency(text)
        facts["urgency"] = assessment.level
        facts["cue"] = assessment.cues[0].code if assessment.cues else None
    answer = read_answer(text, "problem", category, facts, now)
    slots = dict(answer.slots)
    facts = dict(slots.get("ticket_facts") or facts)
    if "phone" not in slots and profile_phone:
        slots["phone"] = profile_phone
    if "place" not in slots and profile_place and category != "suggestion":
        facts.update(profile_place)
        slots["place"] = texts.place_text(
            profile_place.get("building"), profile_place.get("unit"),
            profile_place.get("room"), None,
        )
    slots["ticket_facts"] = facts
    return slots


def summary(category: str, slots: dict[str, Any]) -> str:
    """The lines the owner confirms before the ticket is written."""
    labels = texts.SUMMARY_LABELS
    lines = [f"{labels['category']}:{texts.CATEGORY_LABELS[category]}"]
    for name in FIELDS_BY_CATEGORY[category]:
        value = slots.get(name)
        if value:
            lines.append(f"{labels[name]}:{value}")
    return "\n".join(lines)
