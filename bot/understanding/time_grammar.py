"""Our own grammar of Chinese visit times: one regex for candidate expressions, small readers.

This is the part of the visit-time reader that knows how owners write clock times, periods
of the day and days; the policy layer (time_policy.py) decides which of the expressions in a
message is an offer, and time_library.py brings jionlp's breadth (holidays, lunar dates) in
as days the grammar reads through a placeholder. Measured against jionlp in
docs/time-parsing.md: the grammar is right where the policy matters (future weekdays, 明早,
impossible dates refused), the library where vocabulary matters.

Decisions (asserted in tests/understanding/test_when.py):
- A date with no time is a working-day span 09:00-18:00; 周末 is Saturday 09:00 to Sunday
  18:00; 月底 / 月初 are the last / first five days of the month, 09:00 to 18:00; a range of
  days (下周一到周五, 12月1号到3号, 明后天) runs from the first day 09:00 to the last 18:00, and with a period
  (下周一到周五晚上) it is the first of those periods still ahead, like 周末上午.
- A span that has already begun is clipped to start at `now` (a visit cannot be earlier).
- A clock time with no period ("三点") is read, in order, as the first candidate (3:00 or
  15:00, today then tomorrow) inside visit hours 08:00-20:00 that is still ahead; two
  neighbouring hours (七八点, 十一二点) are the window between them, read the same way.
- With no day given, an expression that has passed today means tomorrow; with a day
  given (今天, 11月1日, 这周四) it is refused as "in_past". A bare weekday (周三) rolls to
  next week; a bare day of month (25号) rolls to next month; a month and day without a
  year (1月5日) takes the nearest year; 下月15号 is that month's, or refused if it has no such day.
- 现在 / 马上 are now; 半小时内 / 三天之内 are windows from now (days end at 18:00).
- Vague words (这几天, 最近, 下周 without a day) are not time expressions: None.
- A visit more than VISIT_HORIZON_DAYS calendar days ahead (9999年1月1日, 100天后) is
  refused as "too_far": the centre books visits that far ahead at most.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from bot.understanding.numerals import to_int
from bot.understanding.time_types import TZ, VISIT_HORIZON_DAYS, When, WhenProblem

HOUR = 60  # offsets below are minutes after midnight; they may pass 24:00 (next day)
# A date with no time: the hours a technician normally works.
WORKING_DAY = (9 * HOUR, 18 * HOUR)
# Where a bare "三点" / "八点" is looked for first: 3:00 is no visit time, 15:00 is.
VISIT_HOURS = (8 * HOUR, 20 * HOUR)
# How many days 月底 / 月初 cover.
MONTH_EDGE_DAYS = 5
# Placeholders the policy layer writes over a day only the library could read (元旦, 腊月
# 二十三): one character per original character, so positions stay those of the message.
LIBRARY_MARKS = ("\ue000", "\ue001")

Block = tuple[date, date]  # first and last day of the days an expression names

__all__ = [
    "Block", "Candidate", "Carry", "LIBRARY_MARKS", "find_candidates", "normalize",
    "parse_grammar", "read_candidate", "carry_of", "time_of_day_start",
]


# --- periods of the day ---------------------------------------------------------------


@dataclass(frozen=True)
class _Period:
    # The window meant when no hour is given; None: the word needs an hour (凌晨).
    span: tuple[int, int] | None
    # (lowest said hour, highest said hour, hours to add): "下午3点" -> 3 + 12. A said hour
    # outside every rule contradicts the period ("上午15点") and is refused.
    rules: tuple[tuple[int, int, int], ...]
    # Where "早上7点之前" starts when the usual window starts too late.
    earliest: int
    # 中午 is a moment (12:00), not a window.
    point: int | None = None

    def clock(self, said_hour: int) -> int | None:
        """The 24-hour clock hour (24+ = after midnight) a said hour means in this period."""
        for low, high, add in self.rules:
            if low <= said_hour <= high:
                return said_hour + add
        return None


_EARLY = _Period(span=None, rules=((0, 6, 0), (12, 12, -12)), earliest=0)
_MORNING = _Period(span=(9 * HOUR, 12 * HOUR), rules=((0, 12, 0),), earliest=6 * HOUR)
_NOON = _Period(span=None, rules=((11, 14, 0), (1, 2, 12)), earliest=11 * HOUR, point=12 * HOUR)
_AFTERNOON = _Period(
    span=(13 * HOUR, 18 * HOUR), rules=((1, 11, 12), (12, 19, 0)), earliest=12 * HOUR
)
_DUSK = _Period(span=(17 * HOUR, 19 * HOUR), rules=((4, 7, 12), (16, 19, 0)), earliest=16 * HOUR)
# "晚上12点" is midnight at the end of that day; "晚上1点" the small hours after it.
_EVENING = _Period(
    span=(18 * HOUR, 21 * HOUR),
    rules=((5, 11, 12), (12, 12, 12), (17, 24, 0), (0, 4, 24)),
    earliest=17 * HOUR,
)
_DAYTIME = _Period(span=WORKING_DAY, rules=((8, 11, 0), (1, 7, 12), (12, 18, 0)), earliest=8 * HOUR)

_PERIODS: dict[str, _Period] = {
    "凌晨": _EARLY,
    "清晨": _MORNING,
    "早晨": _MORNING,
    "早上": _MORNING,
    "上午": _MORNING,
    "早": _MORNING,  # only before an hour: "早八点"
    "中午": _NOON,
    "午后": _AFTERNOON,
    "下午": _AFTERNOON,
    "傍晚": _DUSK,
    "晚上": _EVENING,
    "晚间": _EVENING,
    "夜里": _EVENING,
    "夜间": _EVENING,
    "晚": _EVENING,  # only before an hour: "晚八点"
    "白天": _DAYTIME,
    "全天": _DAYTIME,
    "整天": _DAYTIME,
}

# Days relative to today, and the words that carry a day and a period at once.
_RELATIVE_DAYS = {
    "大前天": -3, "前天": -2, "昨天": -1, "昨日": -1,
    "今天": 0, "今日": 0, "今儿": 0, "本日": 0,
    "明天": 1, "明日": 1, "明儿": 1, "后天": 2, "大后天": 3, "大大后天": 4,
}
_DAY_PERIODS: dict[str, tuple[int, _Period]] = {
    "昨晚": (-1, _EVENING), "昨夜": (-1, _EVENING),
    "今早": (0, _MORNING), "今晨": (0, _MORNING), "今晚": (0, _EVENING), "今夜": (0, _EVENING),
    "明早": (1, _MORNING), "明晨": (1, _MORNING), "明晚": (1, _EVENING), "明夜": (1, _EVENING),
}
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6,
             "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}
_AFTER = {"以后", "之后", "后", "起"}  # 三点起: from three on
_BEFORE = {"以前", "之前", "前"}

# --- the grammar ----------------------------------------------------------------------

_CN = "零〇一二两三四五六七八九十"
_NUM = f"(?:[0-9]{{1,2}}|[{_CN}]{{1,3}})"
_MIN = f"(?:[0-9]{{1,2}}|[{_CN}]{{1,3}})"
# Minutes without 分 must look like minutes ("3点15", "三点二十"), so "3点2单元" is 3:00.
_MIN_BARE = "(?:[0-9]{2}|零[一二三四五六七八九]|[一二三四五六七八九]?十[一二三四五六七八九]?)"
# 下 / 下个 / 下下个 / 下下下 (weeks or months ahead), 上 / 上上个, 这个, 本.
_PREFIX = "(?:下{1,3}个?|上{1,2}个?|这个?|本)"
# A prefix may repeat its unit: 下周周六, 下个星期的星期二, 本周的周五.
_WEEK_PREFIX = "个?(?:周|星期|礼拜)?的?"
# Two neighbouring hours said together: 七八点 is "seven or eight", not hour 78.
_PAIRS = {"一两": 1, "一二": 1, "两三": 2, "二三": 2, "三四": 3, "四五": 4, "五六": 5,
          "六七": 6, "七八": 7, "八九": 8, "九十": 9, "十一二": 11}


def _alternation(words: Iterable[str]) -> str:
    """Longest first, so 大后天 wins over 后天."""
    return "|".join(sorted(words, key=len, reverse=True))


# Where a numeral before 点 / 时 is no hour: "a little" (快一点, 早一点来, 一点点, 一点也不),
# "for a while" (一时半会), "points" (这两点, 第三点).
_HOUR_GUARD = (
    "(?!一点[儿点也都])(?!一时)"
    "(?:(?<![快早晚慢多少大小好有高低轻重近远差再些])|(?!一点))"
    "(?<![第这那])"
)
_HOUR_AHEAD = f"(?=\\s?{_HOUR_GUARD}{_NUM}[点时:])"
_PERIOD = _alternation(w for w in _PERIODS if len(w) > 1) + f"|[早晚]{_HOUR_AHEAD}"


def _clock(p: str) -> str:
    """A clock reading with group names prefixed by p: 15:30, 三点, 3点半, 三点一刻, 15点30分."""
    return (
        f"(?:(?P<{p}hh>[0-9]{{1,2}}):(?P<{p}mm>[0-9]{{2}})(?![0-9:])"
        f"|{_HOUR_GUARD}(?P<{p}h>{_NUM})(?P<{p}mark>点钟?|时)"
        # 三点五平米 is a decimal (3.5), not 3 o'clock; 3点5分 and 三点一刻 are times.
        f"(?![0-9一二三四五六七八九](?![0-9十分刻]))"
        f"(?:(?P<{p}half>半)|(?P<{p}quarter>[一1三3])刻|整"
        f"|(?P<{p}mf>{_MIN})分|(?P<{p}m>{_MIN_BARE})(?![0-9{_CN}分]))?)"
    )


_WEEKDAY_CHAR = "[一二三四五六日天1-7]"
_DATE = (
    # a day the library read (元旦, 腊月二十三), written over by the policy layer
    f"(?P<libday>{LIBRARY_MARKS[0]}+|{LIBRARY_MARKS[1]}+)"
    # 12月1号到3号, 5号至7号, 11月30日到12月2日: a range of dates (not 1号到3号楼)
    f"|(?:(?P<dr_month>{_NUM})月)?(?<![栋幢座楼层元室户号#-])(?P<dr_a>{_NUM})[日号]?"
    f"\\s?(?:到|至|~|～|—)\\s?(?:(?P<dr_month2>{_NUM})月)?(?P<dr_b>{_NUM})[日号]"
    f"(?![楼栋幢门线房室铺床位院库柜口车厂馆店座单层户元])"
    # 明后天, 今明两天: two days said as one
    f"|(?P<twoday>明后两?天|今明两?天)"
    # 2026年11月30日, 11月25号, 十二月三日, 明年1月5日
    f"|(?:(?P<year>[0-9]{{4}}|[0-9]{{2}}|[零〇一二三四五六七八九]{{4}})年|(?P<year_word>今年|明年|去年))?"
    f"(?P<month>{_NUM})月(?P<day>{_NUM})[日号]?"
    # 2026-11-25, 2026/11/25, 2026.11.25
    f"|(?P<ymd_y>(?:19|20)[0-9]{{2}})(?P<ymd_sep>[./-])"
    f"(?P<ymd_m>[0-9]{{1,2}})(?P=ymd_sep)(?P<ymd_d>[0-9]{{1,2}})(?![0-9])"
    # 11.25 / 11/25 / 11-25, only right before a period or hour ("11.25下午"): alone it
    # is as likely a price or a measurement.
    f"|(?P<md_month>[0-9]{{1,2}})[./-](?P<md_day>[0-9]{{1,2}})(?![0-9./-])"
    f"(?=[日号]|\\s?(?:{_PERIOD})|\\s?{_NUM}[点时:])[日号]?"
    # 月底, 下个月初, 11月底, 十二月月底
    f"|(?:(?P<mv_pre>{_PREFIX})个?月月?|(?P<mv_month>{_NUM})月月?|月)(?P<mv_part>[底末初])"
    # 三天后, 两天以后, 一周后, 一个星期后, 三天前
    f"|(?P<n>[0-9]{{1,3}}|[{_CN}百]{{1,4}})个?(?P<n_unit>天|日|周|星期|礼拜)(?P<n_dir>以后|之后|后|以前|之前|前)"
    f"|(?P<dayperiod>{_alternation(_DAY_PERIODS)})(?:上(?!门))?"
    f"|(?P<relday>{_alternation(_RELATIVE_DAYS)})"
    f"|(?P<weekend>(?P<we_pre>{_PREFIX})?周末)"
    # 周一到周五, 下周一至周三
    f"|(?:(?P<wr_pre>{_PREFIX}){_WEEK_PREFIX})?(?:周|星期|礼拜)(?P<wr_a>{_WEEKDAY_CHAR})"
    f"\\s?(?:到|至|~|～|-|—)\\s?(?:周|星期|礼拜)?(?P<wr_b>{_WEEKDAY_CHAR})(?![0-9点时:])"
    f"|(?:(?P<wk_pre>{_PREFIX}){_WEEK_PREFIX})?"
    f"(?:周(?P<wk_a>[一二三四五六日1-7])|(?:星期|礼拜)(?P<wk_b>{_WEEKDAY_CHAR}))"
    # 25号, 下月15号, 这个月28号: not a building, door or line number (3号楼, 2单元12号, 1号线).
    f"|(?:(?P<dom_pre>{_PREFIX})个?月|(?P<dom_this>本月|当月))?"
    f"(?<![栋幢座楼层元室户号#-])(?P<dom>{_NUM})[号日](?![楼栋幢门线房室铺床位院库柜口车厂馆店座单层户元])"
)
# A second way of saying the same day, to be checked: 11月25日(周三), 周三(11月25日).
_CONFIRM = (
    "(?:\\s?[（(]?(?:周(?P<wk2_a>[一二三四五六日])|(?:星期|礼拜)(?P<wk2_b>[一二三四五六日天]))[)）]?"
    f"|\\s?[（(](?P<c_month>{_NUM})月(?P<c_day>{_NUM})[日号]?[)）])"
)
_RANGE = (
    f"(?:{_clock('a')}|(?P<abare>{_NUM}))\\s?(?:到|至|~|～|-|—|－)\\s?"
    f"(?:(?P<bperiod>{_PERIOD})\\s?)?{_clock('b')}(?:之间)?"
)
_PAIR = f"(?P<pair_h>{_alternation(_PAIRS)})(?:点钟?|时)"
# 两个小时后, 一个半小时后, 半小时后, 30分钟后, 一刻钟后
_REL_TIME = (
    f"(?:(?P<rt_n>{_NUM})个?(?P<rt_half>半)?|(?P<rt_only_half>半))个?"
    f"(?P<rt_unit>小时|钟头|分钟|刻钟)(?:以后|之后|后)"
)
# 半小时内, 两个小时之内, 三天以内, 一周内, 未来三天
_WINDOW = (
    f"(?:(?P<w_future>未来|接下来)的?)?"
    f"(?:(?P<w_n>{_NUM})个?(?P<w_half>半)?|(?P<w_only_half>半))个?"
    f"(?P<w_unit>小时|钟头|分钟|天|日|周|星期|礼拜)"
    "(?:(?P<w_in>之内|以内|内)|(?(w_future)|(?!)))"
)
_NOW_WORDS = "现在|马上|立刻|立即|立马|这会儿|这会"
_NUMERAL_CHARS = f"0-9{_CN}"
# Words right after a time that make it part of the problem's story (parse_grammar only;
# the policy layer has the fuller rule).
_STORY = re.compile(r"\s?(?:就|已经|一直)?(?:开始|发现|以来|漏|坏|停|出现)")

_EXPRESSION = re.compile(
    # An expression that starts with a numeral must start the number (not 501三点).
    f"(?:(?<![{_NUMERAL_CHARS}.:#/-])|(?![{_NUMERAL_CHARS}]))"
    f"(?:(?P<rel_time>{_REL_TIME})|(?P<window>{_WINDOW})|(?P<now_word>{_NOW_WORDS})|"
    f"(?:(?P<day_part>(?P<date>{_DATE}){_CONFIRM}?)(?:\\s?的)?)?"
    f"(?:\\s?(?P<period>{_PERIOD}))?"
    f"(?:\\s?(?:(?P<range>{_RANGE})|(?P<pair>{_PAIR})|(?P<time>{_clock('t')})))?"
    f"(?P<suffix>以后|之后|以前|之前|左右|后|前|多|起)?)"
)
_PARTS = ("rel_time", "window", "now_word", "day_part", "period", "range", "pair", "time")

# Full-width digits and signs as phones type them; one character each, so match positions
# in the normalised text are positions in the original.
_NORMALIZE = str.maketrans("０１２３４５６７８９：．／～", "0123456789:./~")


def normalize(text: str) -> str:
    """Full-width digits and signs made ASCII, character for character (positions kept)."""
    return text.translate(_NORMALIZE)


_TIME_OF_DAY = re.compile(f"{_PERIOD}|{_NUM}\\s?[点时:]")


def time_of_day_start(text: str) -> int | None:
    """Where the period or clock of an expression begins (元旦上午十点 -> 2), so the library
    is asked only about the day."""
    found = _TIME_OF_DAY.search(text)
    return found.start() if found else None


# --- candidates -----------------------------------------------------------------------


class _Refused(Exception):
    """The expression is a time, but not a possible visit time."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _NotATime(Exception):
    """The match only looked like a time (501号 is a door, not a date)."""


@dataclass(frozen=True)
class Candidate:
    """One time expression found in a message, before anyone decides it is an offer."""

    start: int  # position in the message
    end: int
    has_date: bool
    has_clock: bool
    has_period: bool
    match: re.Match[str]

    def specificity(self) -> tuple[int, int, int]:
        """A clock time beats a day, a day beats a bare period: 明天下午三点 over 明天."""
        return (int(self.has_clock), int(self.has_date), int(self.has_period))


@dataclass(frozen=True)
class Carry:
    """The day (and period) of an earlier expression, lent to a later one that has none:
    后天上午在家，九点以后都行 is the day after tomorrow from nine."""

    blocks: list[Block]
    period: _Period | None
    start: int  # where the lending expression starts, for the joined text


@dataclass(frozen=True)
class _Option:
    """One reading of the clock part on an unknown day, in minutes after midnight."""

    start: int
    end: int | None
    kind: Literal["point", "closed", "open"]
    plausible: bool = True  # inside visit hours; implausible readings are tried last


def find_candidates(normalized: str) -> list[Candidate]:
    """Every time expression the grammar sees, in order, with its bounds in the message."""
    found = []
    for match in _EXPRESSION.finditer(normalized):
        bounds = _bounds(match)
        if bounds is None:
            continue
        g = match.group
        found.append(Candidate(
            start=bounds[0],
            end=bounds[1],
            has_date=g("date") is not None or g("window") is not None,
            has_clock=any(g(name) for name in ("rel_time", "time", "range", "pair", "now_word")),
            has_period=g("period") is not None or g("dayperiod") is not None,
            match=match,
        ))
    return found


def _bounds(match: re.Match[str]) -> tuple[int, int] | None:
    """The matched span without leading blanks, and with the suffix only if it applies."""
    used = [name for name in _PARTS if match.group(name) is not None]
    if not used:
        return None
    start = min(match.start(name) for name in used)
    end = max(match.end(name) for name in used)
    if match.group("suffix") and _suffix_applies(match):
        end = match.end("suffix")
    return start, end


def _suffix_applies(match: re.Match[str]) -> bool:
    # "明天以后" is not "after tomorrow at some hour": before/after only bind to a time.
    return any(match.group(name) for name in ("period", "time", "range", "pair")) or bool(
        match.group("dayperiod")
    )


def read_candidate(candidate: Candidate, text: str, now: datetime,
                   library: Mapping[int, list[Block]] | None = None,
                   carry: Carry | None = None,
                   week_prefix: str | None = None) -> When | WhenProblem | None:
    """The visit time one expression names, a reason it cannot be one, or None (no time).

    text is the original message (for When.text); library maps the start of a placeholder
    run to the days the library read there; carry lends a day to an expression without one;
    week_prefix lends a bare weekday the week of the one before it (下周三或者周四).
    """
    first = carry.start if carry is not None else candidate.start
    span_text = text[first:candidate.end]
    try:
        when = _occurrence_of(candidate.match, span_text, now, library or {}, carry, week_prefix)
        return _within_horizon(when, now)
    except _NotATime:
        return None
    except _Refused as refused:
        return WhenProblem(refused.reason, span_text)
    except OverflowError:
        # Past the end of the calendar (9999年12月31日晚上12点): too far ahead by any policy.
        return WhenProblem("too_far", span_text)


def carry_of(candidate: Candidate, now: datetime,
             library: Mapping[int, list[Block]] | None = None) -> Carry | None:
    """What a dated expression can lend to a later undated one; None if it has no day."""
    match = candidate.match
    if match.group("date") is None:
        return None
    try:
        blocks, day_period = _date_blocks(match, now.astimezone(TZ).date(), library or {})
    except (_NotATime, _Refused, OverflowError):
        return None
    period = _PERIODS[match.group("period")] if match.group("period") else day_period
    return Carry(blocks, period, candidate.start)


def parse_grammar(text: str, now: datetime) -> When | WhenProblem | None:
    """The grammar alone, choosing as the project did before the policy layer: a usable
    time beats a refused one, a more specific one a vaguer one, ties go to the first.
    Kept to measure against (tools/time_suite.py); parse_when is the reader to use."""
    now = now.astimezone(TZ)
    best: tuple[tuple[int, int, int, int], When] | None = None
    problem: WhenProblem | None = None
    normalized = normalize(text)
    for candidate in find_candidates(normalized):
        found = read_candidate(candidate, text, now)
        if isinstance(found, When):
            # The story of the fault ("今天早上开始漏水") only wins when nothing else is offered.
            story = bool(_STORY.match(normalized, candidate.end))
            score = (int(not story), *candidate.specificity())
            if best is None or score > best[0]:
                best = (score, found)
        elif isinstance(found, WhenProblem) and problem is None:
            problem = found
    return best[1] if best else problem


# --- reading one match ----------------------------------------------------------------


def _occurrence_of(match: re.Match[str], text: str, now: datetime,
                   library: Mapping[int, list[Block]], carry: Carry | None,
                   week_prefix: str | None = None) -> When:
    if match.group("rel_time"):
        return When(now + _relative_delta(match), None, text, False)
    if match.group("now_word"):
        return When(now, None, text, False)
    if match.group("window"):
        return When(now, _window_end(match, now), text, True)
    blocks, day_period = _date_blocks(match, now.date(), library, week_prefix)
    period = _PERIODS[match.group("period")] if match.group("period") else day_period
    if blocks is None and carry is not None:
        blocks = carry.blocks
        if period is None and carry.period is not None and _fits(match, carry.period):
            period = carry.period
    options = _options(match, period)
    blocks = blocks or _next_days(now.date())
    if options is None:
        return _whole_days(blocks, text, now)
    days = [day for first, last in blocks for day in _days(first, last)]
    return _resolve(days, options, text, now)


def _fits(match: re.Match[str], period: _Period) -> bool:
    """Whether a lent period suits the said hour: 明天晚上在家，八点以后 is 20:00, but
    明天下午在家，九点以后 is not 21:00."""
    if period.span is None or not match.group("time"):
        return False
    try:
        hour, minute = _clock_value(match, "t")
    except _Refused:
        return False
    clock = period.clock(hour)
    if clock is None:
        return False
    at = clock * HOUR + minute
    return period.span[0] - HOUR <= at <= period.span[1] + HOUR


def _within_horizon(when: When, now: datetime) -> When:
    """The visit time, unless it starts more than VISIT_HORIZON_DAYS days after today."""
    if (when.start.astimezone(TZ).date() - now.date()).days > VISIT_HORIZON_DAYS:
        raise _Refused("too_far")
    return when


def _relative_delta(match: re.Match[str]) -> timedelta:
    """两个小时后, 半小时后, 30分钟后, 一刻钟后."""
    unit = match.group("rt_unit")
    if unit == "刻钟":
        if match.group("rt_only_half") or match.group("rt_half"):
            raise _NotATime
        return timedelta(minutes=15 * _number(match.group("rt_n")))
    halves = 1 if match.group("rt_only_half") else 2 * _number(match.group("rt_n"))
    halves += 1 if match.group("rt_half") else 0
    if unit == "分钟":
        if halves % 2:
            raise _NotATime  # 半分钟后 is no visit time
        return timedelta(minutes=halves // 2)
    return timedelta(minutes=30 * halves)


def _window_end(match: re.Match[str], now: datetime) -> datetime:
    """半小时内: 30 minutes from now; 三天之内: until the end of the working day in three days."""
    unit = match.group("w_unit")
    halves = 1 if match.group("w_only_half") else 2 * _number(match.group("w_n"))
    halves += 1 if match.group("w_half") else 0
    if halves == 0:
        raise _NotATime
    if unit in ("小时", "钟头"):
        return now + timedelta(minutes=30 * halves)
    if unit == "分钟":
        return now + timedelta(minutes=max(1, halves // 2))
    days = halves // 2 * (7 if unit in ("周", "星期", "礼拜") else 1)
    if halves % 2 or days == 0:
        raise _NotATime  # 半天内 is a feeling, not a window
    end = _at(now.date() + timedelta(days=days), WORKING_DAY[1])
    if (end.date() - now.date()).days > VISIT_HORIZON_DAYS:
        # 一百天内 still means "soon, at the latest then": the window ends at the horizon.
        end = _at(now.date() + timedelta(days=VISIT_HORIZON_DAYS), WORKING_DAY[1])
    return end


def _number(text: str) -> int:
    value = to_int(text)
    if value is None:
        raise _NotATime
    return value


# --- days -----------------------------------------------------------------------------


def _offset(prefix: str) -> int:
    """下 +1, 下下 +2, 下下下 +3, 上 -1, 上上 -2, 这 / 本 0."""
    return prefix.count("下") - prefix.count("上")


def _next_days(today: date) -> list[Block]:
    # No day given: today, or tomorrow if today's has passed.
    return [(today, today), (today + timedelta(days=1), today + timedelta(days=1))]


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _single(day: date) -> list[Block]:
    return [(day, day)]


def _date_blocks(match: re.Match[str], today: date, library: Mapping[int, list[Block]],
                 week_prefix: str | None = None) -> tuple[list[Block] | None, _Period | None]:
    """Candidate days, in order of preference (the first still ahead wins), and a period
    carried by the day word itself (明早)."""
    g = match.group
    if g("date") is None:
        return None, None
    period = None
    if g("libday") is not None:
        blocks = library.get(match.start("libday"))
        if not blocks:
            raise _NotATime
    elif g("dr_a") is not None:
        blocks = _date_range(g("dr_month"), g("dr_a"), g("dr_month2"), g("dr_b"), today)
    elif g("twoday") is not None:
        first = today + timedelta(days=1 if g("twoday").startswith("明") else 0)
        blocks = [(first, first + timedelta(days=1))]
    elif g("month") is not None:
        blocks = _single(_calendar_date(g("year"), g("year_word"), g("month"), g("day"), today))
    elif g("ymd_y") is not None:
        blocks = _single(_calendar_date(g("ymd_y"), None, g("ymd_m"), g("ymd_d"), today))
    elif g("md_month") is not None:
        blocks = _single(_calendar_date(None, None, g("md_month"), g("md_day"), today))
    elif g("mv_part") is not None:
        blocks = _month_edge(g("mv_pre"), g("mv_month"), g("mv_part"), today)
    elif g("n") is not None:
        blocks = _single(_days_from_now(g("n"), g("n_unit"), g("n_dir"), today))
    elif g("dayperiod") is not None:
        offset, period = _DAY_PERIODS[g("dayperiod")]
        blocks = _single(today + timedelta(days=offset))
    elif g("relday") is not None:
        blocks = _single(today + timedelta(days=_RELATIVE_DAYS[g("relday")]))
    elif g("weekend") is not None:
        blocks = _weekend(g("we_pre"), today)
    elif g("wr_a") is not None:
        blocks = _weekday_range(g("wr_pre"), _WEEKDAYS[g("wr_a")], _WEEKDAYS[g("wr_b")], today)
    elif g("wk_a") or g("wk_b"):
        blocks = _weekday(g("wk_pre") or week_prefix, _WEEKDAYS[g("wk_a") or g("wk_b")], today)
    else:
        prefix = g("dom_pre") if g("dom_pre") is not None else ("这" if g("dom_this") else None)
        blocks = _single(_day_of_month(g("dom"), prefix, today))
    return _confirmed(blocks, match, today), period


def _confirmed(blocks: list[Block], match: re.Match[str], today: date) -> list[Block]:
    """Check a day said twice ("11月25日周三", "周三(11月25日)"); the date wins if they agree."""
    g = match.group
    weekday_word = g("wk2_a") or g("wk2_b")
    if weekday_word:
        one_day = len(blocks) == 1 and blocks[0][0] == blocks[0][1]
        if one_day and blocks[0][0].weekday() != _WEEKDAYS[weekday_word]:
            raise _Refused("conflicting_date")
        return blocks
    if g("c_month") is None:
        return blocks
    day = _calendar_date(None, None, g("c_month"), g("c_day"), today)
    weekday_word = g("wk_a") or g("wk_b")
    if weekday_word:
        agrees = day.weekday() == _WEEKDAYS[weekday_word]
    else:
        agrees = any(first <= day <= last for first, last in blocks)
    if not agrees:
        raise _Refused("conflicting_date")
    return _single(day)


def _calendar_date(year_text: str | None, year_word: str | None, month_text: str,
                   day_text: str, today: date) -> date:
    month, day = _number(month_text), _number(day_text)
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        raise _Refused("impossible_date")
    if year_text is not None or year_word is not None:
        year = _year(year_text, year_word, today)
        if day > calendar.monthrange(year, month)[1]:
            raise _Refused("impossible_date")
        return date(year, month, day)
    # No year: the nearest occurrence, so 1月5日 said on 12-31 is next year, while 11月1日
    # said on 11-23 is this year's (and so in the past); but a day gone longer ago than the
    # horizon is no late mention, it is next year's (3月8号 said in September).
    candidates = [
        date(year, month, day)
        for year in (today.year - 1, today.year, today.year + 1)
        if day <= calendar.monthrange(year, month)[1]
    ]
    if not candidates:
        raise _Refused("impossible_date")  # 2月30日, 11月31日; 2月29日 far from a leap year
    return _nearest(candidates, today)


def _nearest(candidates: list[date], today: date) -> date:
    """The candidate day nearest today, preferring one ahead over one long past."""
    recent = [c for c in candidates if (today - c).days <= VISIT_HORIZON_DAYS]
    return min(recent or candidates, key=lambda candidate: abs((candidate - today).days))


def _year(year_text: str | None, year_word: str | None, today: date) -> int:
    if year_word is not None:
        return today.year + {"去年": -1, "今年": 0, "明年": 1}[year_word]
    year = _number(year_text or "")
    return year + 2000 if year < 100 else year


def _day_of_month(day_text: str, prefix: str | None, today: date) -> date:
    """25号: this month's, or next month's when this month's has gone; 下月15号: next month's."""
    day = _number(day_text)
    if not 1 <= day <= 31:
        if prefix is not None:
            raise _Refused("impossible_date")  # 下月32号
        raise _NotATime  # 501号 is a door number
    year, month = today.year, today.month
    if prefix is not None:
        year, month = _add_months(year, month, _offset(prefix))
    elif day < today.day:
        year, month = _add_months(year, month, 1)
    if day > calendar.monthrange(year, month)[1]:
        raise _Refused("impossible_date")  # 31号 in a 30-day month
    return date(year, month, day)


def _date_range(month_text: str | None, first_text: str, second_month_text: str | None,
                last_text: str, today: date) -> list[Block]:
    """12月1号到3号: those days, 09:00 on the first to 18:00 on the last; 5号到7号: this
    month's, or next month's once they have gone."""
    if month_text is None and second_month_text is None:
        first = _day_of_month(first_text, None, today)
        last = first.replace(day=1) + timedelta(days=_number(last_text) - 1)
        if _number(last_text) > calendar.monthrange(first.year, first.month)[1]:
            raise _Refused("impossible_date")
    else:
        first_month = month_text if month_text is not None else second_month_text
        first = _calendar_date(None, None, first_month or "", first_text, today)
        last_month = second_month_text if second_month_text is not None else first_month
        last = _calendar_date(None, None, last_month or "", last_text, first)
    if last < first:
        raise _NotATime  # 5号到3号: not a range an owner means
    return [(first, last)]


def _add_months(year: int, month: int, count: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + count
    return index // 12, index % 12 + 1


def _days_from_now(count_text: str, unit: str, direction: str, today: date) -> date:
    days = _number(count_text) * (1 if unit in ("天", "日") else 7)
    return today + timedelta(days=days if direction in _AFTER else -days)


def _monday(today: date) -> date:
    return today - timedelta(days=today.weekday())


def _weekday(prefix: str | None, weekday: int, today: date) -> list[Block]:
    """周三: this week's, or next week's once it has passed; 这周三 / 下周三: that week's only."""
    this_week = _monday(today) + timedelta(days=weekday)
    if prefix is None:
        next_week = this_week + timedelta(days=7)
        return [(this_week, this_week), (next_week, next_week)]
    return _single(this_week + timedelta(days=7 * _offset(prefix)))


def _weekday_range(prefix: str | None, first: int, last: int, today: date) -> list[Block]:
    """周一到周五: this week's days (what is left of them), else next week's."""
    if last < first:
        raise _NotATime  # 周五到周一 runs over a weekend no owner means
    monday = _monday(today)
    weeks = [0, 1] if prefix is None else [_offset(prefix)]
    return [(monday + timedelta(days=7 * w + first), monday + timedelta(days=7 * w + last))
            for w in weeks]


def _weekend(prefix: str | None, today: date) -> list[Block]:
    saturday = _monday(today) + timedelta(days=5)
    weeks = [0, 1] if prefix is None else [_offset(prefix)]
    return [(saturday + timedelta(days=7 * w), saturday + timedelta(days=7 * w + 1)) for w in weeks]


def _month_edge(prefix: str | None, month_text: str | None, part: str,
                today: date) -> list[Block]:
    """月底 / 月末: the last days of the month; 月初: the first days."""
    if month_text is not None:
        month = _number(month_text)
        if not 1 <= month <= 12:
            raise _Refused("impossible_date")
        this_month = date(today.year, today.month, 1)
        firsts = [date(y, month, 1) for y in (today.year - 1, today.year, today.year + 1)]
        recent = [d for d in firsts if (this_month - d).days <= VISIT_HORIZON_DAYS]
        nearest = min(recent or firsts, key=lambda d: abs((d - this_month).days))
        months = [(nearest.year, month)]
    elif prefix is not None:
        months = [_add_months(today.year, today.month, _offset(prefix))]
    else:  # 月初 said on the 23rd: next month's
        months = [_add_months(today.year, today.month, n) for n in (0, 1)]
    blocks = []
    for year, month in months:
        last = calendar.monthrange(year, month)[1]
        if part == "初":
            blocks.append((date(year, month, 1), date(year, month, MONTH_EDGE_DAYS)))
        else:
            blocks.append((date(year, month, last - MONTH_EDGE_DAYS + 1), date(year, month, last)))
    return blocks


# --- clock and periods ----------------------------------------------------------------


def _options(match: re.Match[str], period: _Period | None) -> list[_Option] | None:
    """The readings of the time-of-day part; None when only days were given."""
    suffix = match.group("suffix") if _suffix_applies(match) else None
    if match.group("range"):
        return _range_options(match, period)
    if match.group("pair"):
        return _pair_options(match, period, suffix)
    if match.group("time"):
        hour, minute = _clock_value(match, "t")
        return _with_suffix(_candidates(hour, minute, period), suffix, period)
    if period is not None:
        return _period_options(period, suffix)
    return None


def _clock_value(match: re.Match[str], p: str) -> tuple[int, int]:
    """Said hour and minute; refuses 25点, 三点七十分."""
    g = match.group
    if g(f"{p}hh") is not None:
        hour, minute = int(g(f"{p}hh")), int(g(f"{p}mm"))
    else:
        hour = _number(g(f"{p}h"))
        minute = 0
        if g(f"{p}half"):
            minute = 30
        elif g(f"{p}quarter"):
            minute = 15 if g(f"{p}quarter") in "一1" else 45
        elif g(f"{p}mf") or g(f"{p}m"):
            minute = _number(g(f"{p}mf") or g(f"{p}m"))
    if hour > 24 or (hour == 24 and minute):
        raise _Refused("impossible_hour")
    if minute > 59:
        raise _Refused("impossible_minute")
    return hour, minute


def _candidates(hour: int, minute: int, period: _Period | None) -> list[tuple[int, bool]]:
    """Clock readings of a said hour as (minutes after midnight, plausible), in order."""
    if period is not None:
        clock = period.clock(hour)
        if clock is None:
            raise _Refused("impossible_hour")  # 上午15点, 下午20点
        return [(clock * HOUR + minute, True)]
    # No period: 3点 may be 3:00 or 15:00; 0点, 12点 and 13点+ say which they are.
    hours = [hour] if hour == 0 or hour >= 12 else [hour, hour + 12]
    readings = [h * HOUR + minute for h in hours]
    return [(at, VISIT_HOURS[0] <= at <= VISIT_HOURS[1]) for at in readings]


def _with_suffix(candidates: list[tuple[int, bool]], suffix: str | None,
                 period: _Period | None) -> list[_Option]:
    if suffix in _AFTER:
        return [_Option(at, None, "open", ok) for at, ok in candidates]
    if suffix in _BEFORE:
        return [_Option(_window_start(at, period), at, "closed", ok) for at, ok in candidates]
    return [_Option(at, None, "point", ok) for at, ok in candidates]


def _window_start(end: int, period: _Period | None) -> int:
    """Where "X点之前" starts: the period's usual window, else its earliest hour, else 08:00."""
    if period is None:
        starts = [VISIT_HOURS[0]]
    else:
        starts = [period.span[0]] if period.span else []
        starts.append(period.earliest)
    return next((start for start in starts if start < end), 0)


def _period_options(period: _Period, suffix: str | None) -> list[_Option]:
    """上午 -> 09:00-12:00; 中午 -> 12:00; 上午以后 -> from 12:00; 中午之前 -> 09:00-12:00."""
    if period.span is None and period.point is None:
        raise _NotATime  # 凌晨 alone describes a leak, it does not offer a visit
    start, end = period.span if period.span else (period.point, period.point)
    if suffix in _AFTER:
        return [_Option(end, None, "open")]
    if suffix in _BEFORE:
        return [_Option(WORKING_DAY[0] if WORKING_DAY[0] < start else 0, start, "closed")]
    if period.span is None:
        return [_Option(start, None, "point")]
    return [_Option(start, end, "closed")]


def _range_options(match: re.Match[str], period: _Period | None) -> list[_Option]:
    """3点到5点, 下午两点至四点, 3-5点, 上午10点到下午2点."""
    if match.group("abare"):
        first = (_number(match.group("abare")), 0)
        if first[0] > 24:
            raise _Refused("impossible_hour")
    else:
        first = _clock_value(match, "a")
    second = _clock_value(match, "b")
    second_period = _PERIODS[match.group("bperiod")] if match.group("bperiod") else None
    return _windows(first, second, period, second_period)


def _pair_options(match: re.Match[str], period: _Period | None,
                  suffix: str | None) -> list[_Option]:
    """七八点 -> 19:00-20:00 (or 07:00-08:00 by visit hours); 晚上六七点 -> 18:00-19:00."""
    first = _PAIRS[match.group("pair_h")]
    windows = _windows((first, 0), (first + 1, 0), period, None)
    if suffix in _AFTER:
        return [_Option(w.start, None, "open", w.plausible) for w in windows]
    if suffix in _BEFORE:
        return [_Option(_window_start(w.end or w.start, period), w.end, "closed", w.plausible)
                for w in windows]
    return windows


def _windows(first: tuple[int, int], second: tuple[int, int], period: _Period | None,
             second_period: _Period | None) -> list[_Option]:
    options = []
    for start, plausible in _candidates(*first, period):
        if second_period is not None:
            ends = [at for at, _ in _candidates(*second, second_period)]
        else:
            # The end inherits the start's period, or 12 hours more: "上午11点到1点".
            readings = [at for at, _ in _candidates(*second, period)]
            ends = sorted({e for at in readings for e in (at, at + 12 * HOUR)})
        # A visit window is shorter than half a day: "3点到3点" is no window at all.
        end = next((e for e in ends if start < e < start + 12 * HOUR), None)
        if end is not None:
            options.append(_Option(start, end, "closed", plausible))
    if not options:
        raise _Refused("impossible_hour")  # 下午5点到上午9点
    return options


# --- choosing the occurrence ----------------------------------------------------------


def _at(day: date, minutes: int) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=TZ) + timedelta(minutes=minutes)


def _resolve(days: list[date], options: list[_Option], text: str, now: datetime) -> When:
    """The first reading, day by day, that is still ahead; visit-hour readings first."""
    for plausible in (True, False):
        for day in days:
            for option in options:
                if option.plausible is plausible:
                    found = _occurrence(day, option, text, now)
                    if found is not None:
                        return found
    raise _Refused("in_past")


def _occurrence(day: date, option: _Option, text: str, now: datetime) -> When | None:
    start = _at(day, option.start)
    if option.kind == "point":
        return When(start, None, text, False) if start >= now else None
    if option.kind == "open":
        # "九点以后" is still on offer today until the working day is over.
        if now >= max(start, _at(day, VISIT_HOURS[1])):
            return None
        return When(max(start, now), None, text, True)
    end = _at(day, option.end)
    return When(max(start, now), end, text, True) if end > now else None


def _whole_days(blocks: list[Block], text: str, now: datetime) -> When:
    """明天 -> 09:00-18:00; 周末 -> Saturday 09:00 to Sunday 18:00."""
    for first, last in blocks:
        start, end = _at(first, WORKING_DAY[0]), _at(last, WORKING_DAY[1])
        if end > now:
            return When(max(start, now), end, text, True)
    raise _Refused("in_past")
