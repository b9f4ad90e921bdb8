"""jionlp (a maintained Chinese time parser) as a source of the days our grammar cannot read.

The grammar knows how owners write clock times and everyday days; jionlp knows a calendar's
worth of vocabulary it would be foolish to rewrite: holidays (元旦, 除夕, 国庆), lunar dates
(腊月二十三, 正月十五, 初八), solar terms (冬至), 上旬 / 下旬, compact dates (20261203).
Measured in docs/time-parsing.md, jionlp alone is also wrong for visits in ways the policy
must catch: holidays resolved to this year's even when passed (元旦 on 11-23 gives 01-01 of
this year, ret_future or not), bare weekdays in the past, 明早 read as today, 2月30日 turned
into 11-30. So it is only asked about the days in a message that carry its vocabulary
(LIBRARY_HINTS), only for the day (the period and clock stay with the grammar), and its
answer is moved to the future here when it lies in the past without a word of the past.

Loading costs 0.2-0.6 s (it unpacks and reads dictionaries, and prints banners), so it is
imported on first use, once, with its banners swallowed; its parser keeps state on itself,
so calls are serialised.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import ModuleType
from typing import Any

from bot.understanding.time_grammar import Block, time_of_day_start
from bot.understanding.time_types import TZ, When

__all__ = ["LIBRARY_HINTS", "LibraryDay", "library_days", "library_alone", "loaded"]

# Words only the library reads. 十一 / 五一 are National Day / Labour Day unless a numeral, a
# clock or a building word is next to them (十一点, 二十一号, 十一楼, 五一单元).
_NOT_A_HOLIDAY_AFTER = "(?![0-9一二三四五六七八九十点时号日月楼层栋幢单元室户座]|:)"
_NUMERAL_BEFORE = "(?<![0-9一二三四五六七八九十])"
LIBRARY_HINTS = re.compile(
    "农历|阴历|正月|腊月|冬月|(?<!月)初[一二三四五六七八九十]"
    "|元旦|春节|过年|除夕|大年|年三十|元宵|清明|劳动节|端午|七夕|中秋|国庆|重阳|腊八|小年"
    "|平安夜|圣诞|情人节|妇女节|儿童节|教师节|建军节|母亲节|父亲节|感恩节|万圣节"
    "|立春|惊蛰|春分|立夏|芒种|夏至|立秋|处暑|白露|秋分|寒露|霜降|立冬|冬至|小寒|大寒"
    "|[上中下]旬"
    "|(?<![0-9])20[0-9]{6}(?![0-9])"
    f"|{_NUMERAL_BEFORE}(?:十一|五一){_NOT_A_HOLIDAY_AFTER}"
)
# A holiday's name is also a street's or an estate's (五一路, 国庆新村, 中秋花园).
_NOT_A_PLACE = "(?!路|街|道|巷|广场|小区|花园|苑|村|新村|大厦|公寓|社区|中学|小学|桥)"
LIBRARY_HINTS = re.compile(f"(?:{LIBRARY_HINTS.pattern}){_NOT_A_PLACE}")
# A day named with one of these is meant in the past: do not move it to next year.
_PAST_WORDS = re.compile("去年|前年|上个?|昨|刚|已经|以前|那年")
# How much text around a hint the library reads: its extractor searches every substring
# of a candidate, so it is never handed a whole long message.
_WINDOW = 16
_MAX_HINTS = 6

_lock = threading.RLock()
_module: ModuleType | None = None


def _jio() -> ModuleType:
    """jionlp, imported once on first use; its import-time banners do not reach stdout."""
    global _module
    if _module is None:
        with _lock:
            if _module is None:
                with contextlib.redirect_stdout(io.StringIO()):
                    import jionlp

                # It logs a traceback on the root logger for every string it cannot read,
                # which for us is the normal case; those records are dropped, no others.
                logging.getLogger().addFilter(_quiet_jionlp)
                _module = jionlp
    return _module


def _quiet_jionlp(record: logging.LogRecord) -> bool:
    """Keep every log record except jionlp's own (see _jio)."""
    return f"{os.sep}jionlp{os.sep}" not in record.pathname


def loaded() -> bool:
    """Whether jionlp has been imported (tests assert plain messages never load it)."""
    return _module is not None


@dataclass(frozen=True)
class LibraryDay:
    """A day (or days) the library read at text[start:end]."""

    start: int
    end: int
    blocks: list[Block]


def _base(now: datetime) -> datetime:
    # jionlp reads a naive datetime as wall-clock time; ours is the centre's.
    return now.astimezone(TZ).replace(tzinfo=None, microsecond=0)


def _parse(text: str, base: datetime, **options: Any) -> dict[str, Any] | None:
    """jionlp.parse_time, with its exceptions (it raises on what it cannot read) as None."""
    with _lock:
        try:
            return _jio().parse_time(text, time_base=base, **options)
        except Exception:  # noqa: BLE001 - any failure of the library means "not read"
            return None


def _extract(text: str, base: datetime) -> list[dict[str, Any]]:
    with _lock:
        try:
            return _jio().ner.extract_time(text, time_base=base)
        except Exception:  # noqa: BLE001
            return []


def _whole_days(result: dict[str, Any] | None) -> Block | None:
    """The days of a result that names whole days (00:00:00 to 23:59:59), else None."""
    if not result or result.get("type") not in ("time_point", "time_span"):
        return None
    times = result.get("time")
    if not isinstance(times, list) or len(times) != 2:
        return None
    try:
        first, last = (datetime.fromisoformat(value) for value in times)
    except (TypeError, ValueError):
        return None  # '-inf' / 'inf': an open-ended past or future, never a visit day
    if first.time() != datetime.min.time() or last.strftime("%H:%M:%S") != "23:59:59":
        return None
    if last < first:
        return None
    return first.date(), last.date()


def _future_days(day_text: str, now: datetime) -> Block | None:
    """The days jionlp reads in day_text, moved to next year's when passed (元旦 said in
    November is next January's) unless the words say the past."""
    base = _base(now)
    days = _whole_days(_parse(day_text, base))
    if days is None:
        return None
    if days[1] < base.date() and not _PAST_WORDS.search(day_text):
        try:
            next_year = base.replace(year=base.year + 1)
        except ValueError:  # 29 February
            next_year = base.replace(year=base.year + 1, day=28)
        later = _whole_days(_parse(day_text, next_year))
        if later is not None and later[1] >= base.date():
            return later
    return days


def library_days(normalized: str, now: datetime) -> list[LibraryDay]:
    """The days the library reads around its hint words, each with its place in the text.

    Only the day part of what jionlp extracts is kept (元旦上午十点 -> 元旦): periods and
    clock times are the grammar's, so the visit-hour policy applies to them unchanged.
    """
    found: list[LibraryDay] = []
    taken_until = -1
    for hint in list(LIBRARY_HINTS.finditer(normalized))[:_MAX_HINTS]:
        if hint.start() < taken_until:
            continue
        left = max(0, hint.start() - _WINDOW)
        window = normalized[left:hint.end() + _WINDOW]
        spans = [
            (left + entity["offset"][0], left + entity["offset"][1])
            for entity in _extract(window, _base(now))
            if left + entity["offset"][0] <= hint.start() < left + entity["offset"][1]
        ]
        # The extractor misses some words it parses (除夕 alone): then read the hint itself.
        start, end = spans[0] if spans else (hint.start(), hint.end())
        start = max(start, taken_until)
        cut = time_of_day_start(normalized[start:end])
        if cut is not None:
            end = start + cut
        if end <= hint.start():
            continue
        # Not whole days (元旦前, 国庆节后: open-ended): no day at all, rather than the
        # holiday itself, which is the one day the owner did not mean.
        days = _future_days(normalized[start:end], now)
        if days is not None:
            found.append(LibraryDay(start, end, [days]))
            taken_until = end
    return found


def library_alone(text: str, now: datetime, ret_future: bool = False) -> When | None:
    """jionlp by itself, as a reader of visit times, for measuring (tools/time_suite.py).

    The first point or span it extracts; a whole hour (15:00-15:59:59) is the moment 15:00,
    anything else the window it gives. No policy at all: no visit hours, no horizon, no
    refusals, which is what "the library alone" means in docs/time-parsing.md.
    """
    now = now.astimezone(TZ)
    base = _base(now)
    with _lock:
        try:
            entities = _jio().ner.extract_time(text[:200], time_base=base, ret_future=ret_future)
        except Exception:  # noqa: BLE001
            return None
    for entity in entities:
        detail = entity.get("detail") or {}
        times = detail.get("time")
        if detail.get("type") not in ("time_point", "time_span") or not isinstance(times, list):
            continue
        try:
            first, last = (datetime.fromisoformat(value).replace(tzinfo=TZ) for value in times)
        except (TypeError, ValueError):
            continue
        if first == last:
            return When(first, None, entity["text"], False)
        end = last + timedelta(seconds=1)
        if first.minute == 0 and end - first == timedelta(hours=1):
            return When(first, None, entity["text"], False)
        return When(first, end, entity["text"], True)
    return None
