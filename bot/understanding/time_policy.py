"""The centre's visit-time policy: which time in an owner's message is an offer of a visit.

A message holds many times that are not offers: the story of the fault (窗户关不上，晚上漏风;
每天晚上十一点多就响; 昨晚漏水), times the owner refuses (明天晚上不行), and earlier choices
the owner corrects (明天上午吧，不对，下周二上午). Both readers (our grammar and jionlp) see
all of them as times, and both read one expression at a time, so neither can know. This
layer works on the message:

1. jionlp is asked about its own vocabulary (holidays, lunar dates; time_library.py) and the
   days it reads are written over with placeholders the grammar reads as days, so every
   expression, whichever reader found its day, goes through the same visit-hour rules.
2. The message is cut into clauses (，。；！？ and 但是 / 不过 / 可是).
3. Every expression the grammar finds is then judged:
   - refused: a refusal word (不行, 不在家, 没空, 没人, 不方便 ...) follows it in its clause with
     no availability word between (能不能 / 方不方便 are questions, not refusals);
   - the fault's story: a fault word (漏, 响, 坏, 关不上, 看不见, 开始, 发现 ...) follows it
     before any availability word, or a habit word (每天, 每晚, 一到, 天天) comes right before
     it and no availability word after;
   - otherwise an offer.
4. An offer with no day borrows the day (and the period, when the hour suits it) of the
   expression right before it, refused or not, unless that one is the fault's story:
   后天上午在家，九点以后都行 is the day after tomorrow from 09:00; 明天上午不在家，下午在 is
   tomorrow afternoon.
5. The offer chosen is: one after a correction word (不对, 改成, 还是 ...) over the ones before
   it; then with a clock time over without; with a day over without; with a period over
   without; then the first. Refused and story times are never chosen; with no offer left
   the first refusal of an offered time (2月30日, 25点, too far, past) is returned so the
   owner is asked again; with nothing, None.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.understanding.time_grammar import (
    LIBRARY_MARKS,
    Block,
    Candidate,
    carry_of,
    find_candidates,
    normalize,
    read_candidate,
)
from bot.understanding.time_library import LIBRARY_HINTS, library_days
from bot.understanding.time_types import TZ, When, WhenProblem

__all__ = ["read_visit_time"]

logger = logging.getLogger(__name__)

_CLAUSE_BREAK = re.compile(r"[，,。；;！!？?\n]+|但是|不过|可是")
# Questions built as "A 不 A" say nothing is refused: 明天能不能来, 下午方不方便.
_QUESTION = re.compile("能不能|可不可以|行不行|方不方便|在不在|有没有|是不是|来不来|好不好|可以不")
_AVAILABLE = re.compile(
    "在家|有人|在的|都在|我在|人在|在呢|有空|有时间|方便|可以|都行|也行|能来|过来|上门|来修|"
    "来人|来吧|来一下|预约|约|安排|[Oo][Kk]|好的|吧|等你|等师傅|都可"
)
_REFUSAL = re.compile(
    "不行|不在家|不在|没空|没时间|没人|不方便|不可以|不能|来不了|不得空|有事|没在家|要出门|出门了|"
    "不太行|别来"
)
_FAULT = re.compile(
    "漏|渗|滴水|滴答|响|吵|噪音|声音|坏|停电|停水|断电|跳闸|堵|冒|臭|味道|裂|掉|脱落|关不上|"
    "关不紧|打不开|打不着|看不见|看不清|不亮|不出水|没水|没电|没热水|发现|开始|出现|一直|总是|"
    "老是|经常|漏风|进风|进水|积水|发霉|晃|松动|卡住|闪|以来|就断|就停|就灭|爆|破了|裂开"
)
_HABIT_BEFORE = re.compile("(?:每天|每晚|每到|一到|天天|每次|每逢|每周|每个)(?:的)?$")
# What joins two days named together: 下周三或者周四, 下周二、周三.
_JOINED = re.compile(r"\s*(?:或者|或是|或|和|跟|、|/|还是)?\s*")
_CORRECTION = re.compile("不对|改成|改到|改为|换成|换到|更正|算了|还是|说错")
# Longer texts than this are not shown to the library (its extractor is quadratic).
_LIBRARY_TEXT_LIMIT = 400


@dataclass
class _Judged:
    candidate: Candidate
    clause: int
    refused: bool = False
    story: bool = False
    corrections: int = 0


def read_visit_time(text: str, now: datetime) -> When | WhenProblem | None:
    """The visit time an owner offers in text, a reason to ask again, or None (see module)."""
    now = now.astimezone(TZ)
    normalized = normalize(text)
    library: Mapping[int, list[Block]] = {}
    if len(normalized) <= _LIBRARY_TEXT_LIMIT and LIBRARY_HINTS.search(normalized):
        normalized, library = _with_library_days(normalized, now)
    candidates = find_candidates(normalized)
    if not candidates:
        return None
    judged = _judge(normalized, candidates)

    best: tuple[tuple[int, int, int, int], When] | None = None
    problem: WhenProblem | None = None
    for index, item in enumerate(judged):
        if item.refused or item.story:
            continue
        found, borrowed = _read(item, judged[index - 1] if index else None, text, now, library)
        if isinstance(found, When):
            clock, day, period = item.candidate.specificity()
            # A borrowed day counts as a day: 后天上午在家，九点以后 beats 后天上午.
            score = (item.corrections, clock, max(day, int(borrowed)), period)
            if best is None or score > best[0]:
                best = (score, found)
        elif isinstance(found, WhenProblem) and problem is None:
            problem = found
    return best[1] if best else problem


def _with_library_days(normalized: str, now: datetime) -> tuple[str, dict[int, list[Block]]]:
    """The text with the library's days written over by placeholders, and their days.

    A library day is used only where the grammar reads no day of its own, or a shorter one
    inside it (农历十月初八 holds the grammar's 十月初).
    """
    grammar_days = [c for c in find_candidates(normalized) if c.match.group("date") is not None]
    chars = list(normalized)
    days: dict[int, list[Block]] = {}
    try:
        found_days = library_days(normalized, now)
    except Exception:  # noqa: BLE001 - the library is breadth, never a reason to fail a message
        logger.exception("jionlp failed on a message; reading it with the grammar alone")
        found_days = []
    for index, found in enumerate(found_days):
        overlapping = [
            c for c in grammar_days
            if c.match.start("date") < found.end and found.start < c.match.end("date")
        ]
        if any(c.match.start("date") < found.start or c.match.end("date") > found.end
               for c in overlapping):
            continue  # the grammar reads a longer day here: it knows best
        mark = LIBRARY_MARKS[index % 2]
        chars[found.start:found.end] = mark * (found.end - found.start)
        days[found.start] = found.blocks
    return "".join(chars), days


def _clauses(normalized: str) -> list[int]:
    """The start of every clause after the first."""
    return [match.end() for match in _CLAUSE_BREAK.finditer(normalized)]


def _judge(normalized: str, candidates: list[Candidate]) -> list[_Judged]:
    """Mark each expression refused, the fault's story, or an offer (see the module)."""
    breaks = _clauses(normalized)
    clause_ends = [match.start() for match in _CLAUSE_BREAK.finditer(normalized)] + [
        len(normalized)
    ]
    # Questions are blanked (same length) so their 不 is not read as a refusal.
    plain = _QUESTION.sub(lambda m: "＿" * len(m.group()), normalized)
    judged = [_Judged(c, bisect.bisect_right(breaks, c.start)) for c in candidates]
    corrections = 0
    for index, item in enumerate(judged):
        previous_end = judged[index - 1].candidate.end if index else 0
        if index and _CORRECTION.search(plain, previous_end, item.candidate.start):
            corrections += 1
        item.corrections = corrections
        clause_end = clause_ends[item.clause]
        following = judged[index + 1].candidate.start if index + 1 < len(judged) else clause_end
        after = plain[item.candidate.end:min(clause_end, following)]
        item.story = _is_story(plain, item.candidate, after)
    for refusal in _REFUSAL.finditer(plain):
        clause = bisect.bisect_right(breaks, refusal.start())
        for item in reversed(judged):
            c = item.candidate
            if item.clause != clause or c.end > refusal.start():
                continue
            if _AVAILABLE.search(plain, c.end, refusal.start()):
                break  # 明天可以后天不行: the refusal is about 后天 only
            item.refused = True
    return judged


def _is_story(plain: str, candidate: Candidate, after: str) -> bool:
    """A time that tells the fault, not the visit: 晚上漏风, 三点发现, 每天晚上十一点多就响;
    and 现在 / 马上 unless an offer follows (现在就可以来, 马上过来; not 现在怎么办)."""
    fault = _FAULT.search(after)
    available = _AVAILABLE.search(after)
    if candidate.match.group("now_word") and (available is None and not after.startswith("来")):
        return True
    if fault and (available is None or fault.start() < available.start()):
        return True
    before = plain[max(0, candidate.start - 3):candidate.start]
    return bool(_HABIT_BEFORE.search(before)) and available is None


def _read(item: _Judged, previous: _Judged | None, text: str, now: datetime,
          library: Mapping[int, list[Block]]) -> tuple[When | WhenProblem | None, bool]:
    """The expression's reading, with the day of the expression before it when it has none
    (and whether that day was borrowed)."""
    candidate = item.candidate
    if (previous is not None and previous.clause == item.clause
            and candidate.match.group("wk_pre") is None
            and (candidate.match.group("wk_a") or candidate.match.group("wk_b"))
            and previous.candidate.match.group("wk_pre") is not None
            and _JOINED.fullmatch(text, previous.candidate.end, candidate.start)):
        # 下周三或者周四上午: the 下 is said once for both days.
        prefix = previous.candidate.match.group("wk_pre")
        return read_candidate(candidate, text, now, library, week_prefix=prefix), False
    if candidate.match.group("date") is None and previous is not None and not previous.story:
        lender = previous.candidate
        lends = not previous.refused or lender.has_period or lender.has_clock
        carry = carry_of(lender, now, library) if lends else None
        if carry is not None:
            joined = read_candidate(candidate, text, now, library, carry)
            if isinstance(joined, When):
                return joined, True
    return read_candidate(candidate, text, now, library), False

