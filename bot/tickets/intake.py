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
from bot.tickets.numbering import NUMBER_PATTERN
from bot.understanding import When, WhenProblem, find_phone, parse_when, room_is_plausible
from bot.understanding.description import describes_matter
from bot.understanding.empty import says_nothing
from bot.understanding.places import find_place
from bot.understanding.urgency import DOUBTS, assess_urgency, doubtful_danger

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
# The one yes/no safety question asked first when the words hint at danger without settling
# it (bot.understanding.urgency.doubtful_danger): yes makes the repair an emergency.
DANGER_QUESTION = "danger_confirmed"
# The safety advice (domain response utter_safety_<cue>) for each kind of doubtful danger,
# as bot.understanding.urgency names it.
DANGER_KIND_CUES: dict[str, str] = {doubt.name: doubt.code for doubt in DOUBTS}
DEFAULT_DANGER_CUE = "cry_for_help"
_SAFETY_CUES = frozenset({"gas_leak", "trapped", "lift_fall", "flooding", "fire", "falling",
                          "electric_shock", "cry_for_help"})
# Intents that mean the owner turned to something else: their words are not the answer to a
# free-text question ("您希望我们怎么处理?").
INTERRUPTING_INTENTS = frozenset({
    "ask_procedure", "check_ticket_status", "request_human", "greet", "thank", "goodbye",
    "out_of_scope", "nlu_fallback",
})
# Asked what they want done, an owner's answer is theirs unless it plainly turns to something
# else: "今天就清掉 以后每天按时清运" read as out of scope, or unclear, is still the outcome.
OUTCOME_IS_NOT = INTERRUPTING_INTENTS - {"out_of_scope", "nlu_fallback"}
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
_ANY_TIME = re.compile(r"随时|都可以|都行|什么时候都|啥时候都|任何时间|全天|不用约|不用预约|不需要约|"
                       r"直接(?:来|修|过来|去修|上门)|你们(?:安排|看着办|定)|看你们(?:安排|方便)?")
# "As soon as possible": no appointment; the urgency's own promise applies.
_ASAP = re.compile(r"越快越好|越早越好|尽快|尽早|马上|立刻|立即|赶紧|赶快|快点|现在就|等着")
# A yes, then only politeness or urging: "没问题 谢谢", "对的 快点来人", "可以 就这样".
_YES_THEN = re.compile(
    r"^(?:对|是|是的|对的|没错|没问题|确认|确定|好|好的|好滴|可以|行|嗯|嗯嗯|ok|OK|提交|正确)"
    r"(?:[\s,，.。!！~～]*(?:谢谢|谢了|多谢|麻烦了|辛苦了|就这样|就这么办|确认|提交|没问题|可以|对的|是的|"
    r"快点来人?|尽快|快来|赶紧|麻烦快点|好的|嗯|吧|啊|呀|哈|了|您|你们?|师傅))*[\s,，.。!！~～👍🙏]*$")
_YES = re.compile(r"^(?:对|是|是的|对的|没错|没问题|确认|确定|好|好的|可以|行|嗯|嗯嗯|ok|OK|提交)[!！。.~]*$")
_DIGITS = re.compile(r"\d{5,}")
_DIGITS_3 = re.compile(r"\d{3,}")
# Words that say what the owner wants done: the desired outcome of a complaint, wherever in
# the message and whichever question the form was on.
_OUTCOME = re.compile(
    r"希望|要求(?!的)|请(?!问)|麻烦你们|麻烦物业|尽快|尽早|赶紧|赶快|马上|立刻|立即|"
    r"给(?:我们?|个|一个)?(?:个)?说法|赔偿|赔钱|退(?:钱|费|款)|道歉|整改|管一?管|处理一下|"
    r"解决一下|派人|能不能|能否|可不可以|别再|不要再|退给|还给|补给|改对|改过来|清走|清掉|拆掉|挪走|"
    r"让他|叫他|必须|严肃处理|查一查|去查"
)
_CLAUSES = re.compile(r"[^，,。.;；!！?？\n]+")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# A correction names the old value too (不是5栋是6栋, 房号是1502不是1501, 明天不行,
# 13800138000写错了): the old value is dropped before the facts are read, so the new one wins.
_OLD_VALUES = (
    re.compile(r"不是[^，,。.;；!！?？\s]{1,16}?(?=[，,\s]*(?:而是|而|应该|是|改|换)|[，,。.;；!！?？\s]|$)"),
    re.compile(r"不要[^，,。.;；!！?？\s]{1,10}?了"),
    re.compile(r"[^，,。.;；!！?？\s]{1,10}?(?:不行|没空|没时间|不在家|不方便)"),
    re.compile(r"\d[\d\-]*(?:栋|号楼|单元|室|号)?\s*(?=(?:写错了|打错了|填错了|错了|不对))"),
)
# Answers to the safety question. "不知道" counts as yes: a missed emergency is the worst error.
_DANGER_NO = re.compile(
    r"^(?:没|不是|不在|不会|不用|没事|否)|没有人|没人|没被困|已经出来|都出来了|人出来了|不在里面|"
    r"没有蔓延|不多|不大|小问题|一点点|一小滩|一小块|接着|关了|止住|不流了|不滴了|没流"
)
_DANGER_YES = re.compile(
    r"^(?:是|对|有|嗯|在|确实|快)|有人|在里面|困着|被困|出不来|越来越|很多|很大|救命|流到|漫到|到处"
)
_DANGER_UNSURE = re.compile(r"不知道|不清楚|不确定|说不好|不好说|看不出")


@dataclass
class Answer:
    """What one owner message changes: slot values to set and responses to say."""

    slots: dict[str, Any] = field(default_factory=dict)
    say: list[str] = field(default_factory=list)
    cancelled: bool = False
    # The message made the repair an emergency (a danger cue, or yes to the safety
    # question): the ticket is written at once, with the advice for ticket_facts["cue"].
    emergency: bool = False


def required_fields(category: str | None, emergency_number: str | None,
                    facts: dict[str, Any] | None = None) -> list[str]:
    """The slots the form asks, in order; the confirmation always comes last. A doubtful
    danger not yet settled is asked before anything else."""
    if category not in FIELDS_BY_CATEGORY:
        return []
    if emergency_number:
        return list(EMERGENCY_FIELDS)
    fields = [*FIELDS_BY_CATEGORY[category], CONFIRMATION]
    if (facts or {}).get("doubt"):
        fields.insert(0, DANGER_QUESTION)
    return fields


def danger_question(kind: str) -> str | None:
    """The safety question for a kind of doubtful danger, in the words bot/texts.py keeps
    beside doubtful_danger; None for a kind it has no words for (the dialogue then asks the
    domain's general question, utter_ask_danger_confirmed)."""
    return texts.DOUBTFUL_DANGER_QUESTIONS.get(kind)


def danger_cue(kind: str) -> str:
    """The safety advice that fits a kind of danger (utter_safety_<cue>)."""
    return DANGER_KIND_CUES.get(kind, kind if kind in _SAFETY_CUES else DEFAULT_DANGER_CUE)



def without_old_values(text: str) -> str:
    """The message with the values a correction says were wrong taken out, and ticket
    numbers blanked (they are not phones, rooms or dates)."""
    text = NUMBER_PATTERN.sub(lambda found: " " * len(found.group(0)), text)
    for pattern in _OLD_VALUES:
        text = pattern.sub(_dropped, text)
    return text


def _dropped(found: re.Match[str]) -> str:
    """A wrong room leaves the word 房号 behind, so the bare number said beside it
    ("不是1501，是1502") is still read as the room."""
    return "房号" if _OLD_ROOM.fullmatch(found.group(0)) else " "


_OLD_ROOM = re.compile(r"不是\s*\d{3,4}(?:室|房|号)?")


def desired_outcome_in(text: str) -> str | None:
    """What the owner wants done, from the words that say so to the end of their clause
    ("…，希望尽快处理" → "希望尽快处理"); None when no clause asks for anything."""
    asked = []
    for clause in _CLAUSES.findall(text):
        found = _OUTCOME.search(clause)
        if found:
            asked.append(clause[found.start():].strip())
    return "，".join(part for part in asked if part) or None


def _remainder(text: str, answer: "Answer") -> str:
    """What is left of a message once the facts read from it are taken out."""
    rest = text
    for value in (answer.slots.get("phone"),):
        if value:
            rest = rest.replace(value, " ")
    return _without_place(rest)


def _without_place(text: str) -> str:
    rest = text
    place = find_place(rest)
    if place is not None:
        if place.address is not None:
            rest = rest.replace(place.address.text, " ")
        if place.common_area:
            rest = rest.replace(place.common_area, " ")
    rest = re.sub(r"\d{5,}|电话|手机|号码|地址|位置", " ", rest)
    return " ".join(_CLAUSES.findall(rest)).strip()


def beyond_facts(text: str, now: datetime) -> str:
    """The words of a message besides its place, phone and time: what a later message says
    about the matter itself. Urgency is read from these, so an answer "3号楼电梯里" is a
    place, not a report of someone in the lift."""
    when = parse_when(text, now)
    if isinstance(when, When) and when.text:
        text = text.replace(when.text, " ")
    return _without_place(text)


def wants_to_cancel(text: str) -> bool:
    return bool(_CANCEL.search(text))


def is_plain_yes(text: str) -> bool:
    """A yes, alone or with only thanks or urging after it."""
    words = text.strip()
    return bool(_YES.match(words) or _YES_THEN.match(words))


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
        # "电梯" after "3栋": the building said before still applies; a room does not. After
        # another common area ("3栋电梯", then "地下车库B区") it does not: that was its own.
        carried = facts if not facts.get("area") else {}
        said = {"building": said["building"] or carried.get("building"),
                "unit": said["unit"] or carried.get("unit"), "room": None}
    elif not (said["building"] and said["room"]):
        said = {key: value or facts.get(key) for key, value in said.items()}
    area = place.common_area
    if area is None and not said["room"] and facts.get("area"):
        area = facts["area"]  # "不是5栋是6栋" after "5栋电梯": the lift of building 6
    facts.update(said, area=area)
    answer.slots["ticket_facts"] = facts
    if area is None and not (facts["building"] and facts["room"]):
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
    elif requested == "visit_time" and (_ANY_TIME.search(text) or _ASAP.search(text)):
        facts.update(visit_start=None, visit_end=None)
        answer.slots["visit_time"] = (texts.ANY_TIME if _ANY_TIME.search(text)
                                      else texts.AS_SOON_AS_POSSIBLE)
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
    intent: str | None = None,
) -> Answer:
    """Read one message inside the form: every fact it carries, whichever question was
    asked, so "5栋2单元302，电话138…，希望尽快处理" fills the place, the phone and the
    desired outcome at once, and "电话改成139…" corrects the phone at any step.

    `intent` is the model's reading of the message: a question or a greeting is not taken
    as the free-text answer to "您希望我们怎么处理?"."""
    answer = Answer()
    if says_nothing(text):
        answer.say.append(EMPTY_ANSWER)
        return answer
    if wants_to_cancel(text):
        answer.cancelled = True
        return answer
    facts = dict(facts or {})
    factual = without_old_values(text)
    if category == "repair":
        # What the matter is, told for the first time, is read whole; a later answer only
        # beyond its place, phone and time.
        words = text if requested == "problem" else beyond_facts(factual, now)
        _danger_answer(text, words, requested, intent, facts, answer)
    phone = find_phone(factual)
    if phone:
        answer.slots["phone"] = phone
    elif requested == "phone" and _DIGITS.search(factual):
        answer.say.append("utter_invalid_phone")
    if category in ("repair", "complaint"):
        _place_answer(factual, facts, answer)
    if category == "repair":
        _time_answer(factual, requested, now, facts, answer)
    if requested == "problem" and describes_matter(text):
        answer.slots["problem"] = text.strip()
    if category == "complaint":
        _outcome_answer(factual, requested, intent, answer)
    return answer


def _outcome_answer(text: str, requested: str | None, intent: str | None,
                    answer: Answer) -> None:
    """The desired outcome: the words asking for something, anywhere; when it is the
    question, whatever else the answer says once its other facts are taken out."""
    outcome = desired_outcome_in(text)
    if outcome is None and requested == "desired_outcome" and intent not in OUTCOME_IS_NOT:
        rest = _remainder(text, answer) if answer.slots else text.strip()
        if len(_CJK.findall(rest)) >= 2 or (rest and not answer.slots):
            outcome = rest
    if outcome:
        answer.slots["desired_outcome"] = outcome


def _danger_answer(text: str, words: str, requested: str | None, intent: str | None,
                   facts: dict[str, Any], answer: Answer) -> None:
    """Urgency read from every message of a repair (`words`: the message beyond its place,
    phone and time): a danger said later ("里面还有人") makes it an emergency at once; a
    doubtful one is asked about once; the owner's yes or no (`text`) settles it. Only a
    danger changes the level after the first message: short answers ("都在") are too thin
    to rank a repair up or down by."""
    if facts.get("urgency") == "emergency":
        return
    assessment = assess_urgency(words)
    doubt = facts.get("doubt")
    if assessment.level == "emergency":
        cue = assessment.cues[0].code if assessment.cues else danger_cue(doubt or "")
        facts.update(urgency="emergency", cue=cue, doubt=None,
                     danger_asked=doubt or facts.get("danger_asked"))
        answer.emergency = True
        answer.slots["ticket_facts"] = facts
        if doubt:
            answer.slots[DANGER_QUESTION] = True
        return
    if doubt and requested == DANGER_QUESTION:
        said = is_danger_yes(text, intent)
        if said is None:
            return  # neither yes nor no: the question is asked again
        facts.update(doubt=None, danger_asked=doubt)
        answer.slots[DANGER_QUESTION] = said
        answer.slots["ticket_facts"] = facts
        if said:
            facts.update(urgency="emergency", cue=danger_cue(doubt))
            answer.emergency = True
        elif facts.get("urgency") in (None, "normal"):
            facts["urgency"] = "urgent"  # a doubt worth asking about is at least urgent
        return
    if not doubt and not facts.get("danger_asked") and words:
        kind = doubtful_danger(words)
        if kind:
            facts["doubt"] = kind
            if facts.get("urgency") in (None, "normal"):
                facts["urgency"] = "urgent"
            answer.slots["ticket_facts"] = facts


def is_danger_yes(text: str, intent: str | None = None) -> bool | None:
    """The owner's answer to the safety question: True, False, or None when it says
    neither."""
    words = text.strip()
    if _DANGER_UNSURE.search(words):
        return True
    if _DANGER_NO.search(words):
        return False
    if _DANGER_YES.search(words):
        return True
    if intent == "affirm":
        return True
    if intent == "deny":
        return False
    return None


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
        if assessment.level != "emergency":
            kind = doubtful_danger(text)
            if kind:
                facts["doubt"] = kind
                facts["urgency"] = "urgent" if assessment.level == "normal" else assessment.level
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
    lines = [f"{labels['category']}：{texts.CATEGORY_LABELS[category]}"]
    for name in FIELDS_BY_CATEGORY[category]:
        value = slots.get(name)
        if value:
            lines.append(f"{labels[name]}：{value}")
    return "\n".join(lines)
