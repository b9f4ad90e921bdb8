"""Where a rule knows the intent better than the model.

Two cases, both errors a centre cannot afford:
- a present danger (gas, people trapped, flooding, fire, falling facade) is a repair report,
  whatever else the message says: a missed emergency is the worst error of all;
- a repair or status message that blames the centre for slowness or bad service is a
  complaint ("报修三天了还没人来"): the model, seeing fault words, tends to call it a repair.
"""

from __future__ import annotations

import re

from bot.understanding.urgency import classify_urgency

REPAIR = "report_repair"
COMPLAINT = "file_complaint"
# The model's guesses a complaint cue may overrule: the confusions measured in evaluation.
COMPLAINT_CUE_OVERRULES = frozenset({REPAIR, "check_ticket_status"})

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


def overruled_intent(text: str, model_intent: str | None) -> str | None:
    """The intent a rule insists on, or None to keep the model's."""
    if classify_urgency(text) == "emergency":
        return REPAIR if model_intent != REPAIR else None
    if model_intent in COMPLAINT_CUE_OVERRULES and complaint_cue(text):
        return COMPLAINT
    return None
