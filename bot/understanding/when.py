"""The time an owner offers for a repair visit, read from Chinese text.

No library reads visit times right by itself (measured in docs/time-parsing.md and
/work/shared/notes/chinese-time-expressions.md: weekdays already past, 明早 read as today,
2月30日 accepted, holidays in the past), and neither does a grammar alone (no holidays, no
lunar dates, the fault's story taken for an offer). So the reader has three layers:

- time_grammar.py, our grammar: clock times, periods, everyday days, spans, refusals of
  impossible input, the future preferred;
- time_library.py, jionlp (loaded lazily, once), asked only about the days its vocabulary
  names (元旦, 除夕, 腊月二十三, 冬至, 12月上旬, 20261203) and moved to the future;
- time_policy.py, the centre's policy over both: clauses, refused and story times skipped,
  a day lent to the clock in the next clause, corrections, the choice.

Decisions (asserted in tests/understanding/test_when.py and measured by
tests/understanding/test_time_suite.py on tests/data/time_cases.yml):
- A date with no time is a working-day span 09:00-18:00; 周末 is Saturday 09:00 to Sunday
  18:00; 月底 / 月初 are the last / first five days of the month; 下周一到周五 (and 12月1号到3号,
  明后天) runs from the first day 09:00 to the last 18:00, and with a period it is the
  first such period ahead (like 周末上午).
- A span that has already begun is clipped to start at `now` (a visit cannot be earlier).
- A clock time with no period ("三点", "七八点") is read as the first candidate (3:00 or
  15:00, today then tomorrow) inside visit hours 08:00-20:00 that is still ahead.
- With no day given, an expression that has passed today means tomorrow; with a day
  given (今天, 11月1日, 这周四) it is refused as "in_past". A bare weekday rolls to next
  week, a bare day of month to next month, a holiday to next year.
- 现在 / 马上 are now; 半小时内 / 三天之内 are windows from now.
- Vague words (这几天, 最近, 下周 without a day) are not time expressions: None.
- Times that tell the fault (晚上漏风, 每天晚上十一点多就响, 昨晚漏水) and times the owner
  refuses (明天晚上不行, 下午不在家) are never offers; with no offer, None.
- A visit more than VISIT_HORIZON_DAYS calendar days ahead (9999年1月1日, 100天后, 国庆 said
  in November) is refused as "too_far": the centre books visits that far ahead at most.
"""

from __future__ import annotations

from datetime import datetime

from bot.understanding.time_policy import read_visit_time
from bot.understanding.time_types import TZ, VISIT_HORIZON_DAYS, When, WhenProblem

__all__ = ["When", "WhenProblem", "parse_when", "TZ", "VISIT_HORIZON_DAYS"]


def parse_when(text: str, now: datetime) -> When | WhenProblem | None:
    """The visit time offered in text, a reason to ask again, or None if none is offered.

    now must be timezone-aware: a naive time would silently be read in the server's zone,
    not the centre's.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if not text:
        return None
    return read_visit_time(text, now)
