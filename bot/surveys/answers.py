"""Reading an owner's answer to one survey question, from a button or from free text."""

from __future__ import annotations

import re

from bot import texts

# The five steps, best first; the number is what the reports average.
SCALE: dict[int, str] = texts.SCALE_LABELS
# Tried in this order, so "很不满意" is never read as "满意". Arabic 1-5 are read as the
# steps too ("打5分").
_SCALE_PATTERNS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(r"(很|非常|特别|十分|极其?|太)不满意?|太差|很差|非常差|糟糕|差劲")),
    (2, re.compile(r"不太满意|不怎么满意|不满意|不大满意|不好|较差|差(?!不多)")),
    (3, re.compile(r"一般|还行|凑合|马马虎虎|还可以|过得去|中等|普通|差不多")),
    (5, re.compile(r"(很|非常|特别|十分|超级?)满意|太好了|非常好|特别好|很好|完美|五星|满分")),
    (4, re.compile(r"满意|挺好|不错|可以|好的?|比较好|蛮好")),
)
_SCORE = re.compile(r"(?<![\d.])([1-5])\s*(分|星)?(?![\d.])")

_STOP_FOR_GOOD = re.compile(r"(不要|别|不用)再?(打扰|联系|回访|发|问)|拒绝回访|以后别|取消回访")
_NO = re.compile(r"不方便|没空|没时间|在忙|忙着|不行|不可以|不要|不用|不需要|算了|没兴趣|^不$|^否")
_YES = re.compile(r"方便|可以|好的?|行|嗯|是的?|没问题|需要|要的?|ok|OK|Ok|当然|请讲|说吧|你说|来吧|有空")
_NOTHING = re.compile(r"^(没有|没|无|暂时没有|都挺好|没什么|没意见|没有了|没了|不用了?)[。.!！]?$")


def read_scale(text: str) -> int | None:
    """5 (很满意) … 1 (很不满意), or None when the text says none of them."""
    cleaned = text.strip()
    for value, pattern in _SCALE_PATTERNS:
        if pattern.search(cleaned):
            return value
    score = _SCORE.search(cleaned)
    return int(score.group(1)) if score else None


def wants_no_more_calls(text: str) -> bool:
    """The owner asks never to be called back again (do not disturb)."""
    return bool(_STOP_FOR_GOOD.search(text))


def read_yes_no(text: str) -> bool | None:
    """True / False, or None when the text is neither."""
    cleaned = text.strip()
    if _NO.search(cleaned):
        return False
    if _YES.search(cleaned):
        return True
    return None


def says_nothing_more(text: str) -> bool:
    """'没有' to "any suggestions?": a complete answer, not a missing one."""
    return bool(_NOTHING.match(text.strip()))
