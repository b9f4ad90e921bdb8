"""Where a rule knows the intent better than the model.

The cases, each an error a centre cannot afford:
- a present danger (gas, people trapped, flooding, fire, falling facade) is a repair report,
  whatever else the message says: a missed emergency is the worst error of all;
- a repair or status message that blames the centre for slowness or bad service is a
  complaint ("报修三天了还没人来"): the model, seeing fault words, tends to call it a repair;
- a ticket number is a status question: the assistant tells owners "发送单号即可", and the
  model, seeing no words it knows in "BX-20261201-0003", took it for goodbye;
- an angry message the model read as small talk (a greeting, thanks, goodbye, out of scope)
  is a complaint: the owner is apologised to and asked what happened, never wished a nice day.
"""

from __future__ import annotations

import re

from bot.tickets.numbering import NUMBER_PATTERN as _NUMBER_SPAN
from bot.tickets.numbering import WIDE_CHARACTERS as _WIDE
from bot.tickets.numbering import find_number
from bot.understanding.emotion import is_angry
from bot.understanding.urgency import assess_by_rules

REPAIR = "report_repair"
COMPLAINT = "file_complaint"
STATUS = "check_ticket_status"
# With a ticket number, these readings of the model stay: the owner reports, complains or
# asks for a person about that ticket. Any other reading becomes a status question, with
# the rule's confidence (the model's own status guess was often too unsure to be kept).
NUMBER_KEEPS = frozenset({REPAIR, COMPLAINT, "request_human"})
# What an angry message is not, whatever the model guessed.
ANGER_OVERRULES = frozenset({"greet", "goodbye", "thank", "out_of_scope"})
# The model's guesses a complaint cue may overrule: the confusions measured in evaluation,
# and the model's own complaint guess, settled (it was often too unsure of "楼下垃圾桶好几天
# 没人清理了" against a status question, and the owner was asked to rephrase).
COMPLAINT_CUE_OVERRULES = frozenset({REPAIR, "check_ticket_status", COMPLAINT})

# Blame for delay: something reported (or promised) long ago and still not done.
_DELAY = (
    r"(?:报修|报了|报的|报过|反映|反应|说了|说过|打了?电话|提了|约好|说好)"
    r"[^。!?！？\n]{0,14}(?:还没|都没|没人|一直没|至今|到现在|仍然没|依然没|也没|还是没)",
    r"(?:[几两三四五六七八九十好多]+|\d+)(?:天|周|个?星期|个?礼拜|个?月|次|回)"
    r"[^。!?！？\n]{0,8}(?:还没|都没|没人|没修|没处理|没解决|没来|不修|不管|不来)",
    r"(?:到现在|至今|一直)[^。!?！？\n]{0,6}(?:没人|没修|没处理|没解决|不管|没来)",
)
# Blame for the service itself.
_SERVICE = (
    r"效率(?:太|很|极|真)?(?:低|差)",
    r"态度(?:太|很|极其|非常|真)?(?:差|恶劣|不好|蛮横)",
    r"不负责|推诿|踢皮球|敷衍|不作为|拖拖拉拉|一拖再拖",
    r"(?:什么|垃圾|破)物业",
    r"(?:怎么|咋)(?:回事|搞的)[^。!?！？\n]{0,4}(?:还没|都没|没人)",
)
_COMPLAINT_CUES = re.compile("|".join(f"(?:{p})" for p in (*_DELAY, *_SERVICE)))


def complaint_cue(text: str) -> str | None:
    """The words that blame the centre, if any."""
    found = _COMPLAINT_CUES.search(text)
    return found.group(0) if found else None


# What may stand around a ticket number in a message that only asks about it.
_ABOUT_A_NUMBER = re.compile(
    r"(?:你好|您好|请问|麻烦|帮我|帮忙|请|查一?下|查询|查|看一?下|看看|我的|工单号?|单号|编号|号码|是|"
    r"进度|状态|怎么样了?|如何|到哪了?|哪一步了?|处理了?|好了?|一下|呢|吗|了|的|啊|呀|谢谢|"
    r"[\s,，.。!！?？:：、~～-])*"
)


def only_a_ticket_number(text: str) -> bool:
    """Whether the message is a ticket number and at most the words of asking about it."""
    return names_a_ticket(text) and bool(
        _ABOUT_A_NUMBER.fullmatch(_NUMBER_SPAN.sub("", text.translate(_WIDE))))


def names_a_ticket(text: str) -> bool:
    """Whether the message carries a ticket number, in any of the spellings owners use
    (BX-20261201-0003, bx20261201 0003, BX202612010003, with full-width dashes)."""
    return find_number(text) is not None


# A message that only names what the owner wants to do ("报修", "我要投诉"): the model, with
# one word to go on, was too unsure and the owner was asked to rephrase.
_ONLY_A_REQUEST = re.compile(
    r"^(?:你好|您好|在吗|喂)?[\s,，]*(?:我|我们)?(?:要|想|想要|需要|得)?(?:帮我)?"
    r"(?P<what>报修|报个修|报一下修|维修|修东西|投诉|投诉一下|提个?建议|建议一下|有个建议)"
    r"(?:一下|一个)?[\s。.!！~～]*$"
)
_REQUEST_INTENTS = {"报": REPAIR, "维": REPAIR, "修": REPAIR, "投": COMPLAINT,
                    "提": "make_suggestion", "建": "make_suggestion", "有": "make_suggestion"}


def only_a_request(text: str) -> str | None:
    """The intent of a message that only names a repair, a complaint or a suggestion."""
    found = _ONLY_A_REQUEST.match(text.strip())
    return _REQUEST_INTENTS[found["what"][0]] if found else None


def overruled_intent(text: str, model_intent: str | None) -> str | None:
    """The intent a rule insists on, or None to keep the model's."""
    if assess_by_rules(text).level == "emergency":
        return REPAIR if model_intent != REPAIR else None
    if model_intent in COMPLAINT_CUE_OVERRULES and complaint_cue(text):
        return COMPLAINT
    request = only_a_request(text)
    if request is not None:
        return request if model_intent != request else None
    if only_a_ticket_number(text):
        return STATUS
    if names_a_ticket(text):
        return STATUS if model_intent not in NUMBER_KEEPS else None
    if model_intent in ANGER_OVERRULES and is_angry(text):
        return COMPLAINT
    return None
