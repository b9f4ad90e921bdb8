"""The month's numbers for supervisors: what came in, whether the clocks were kept, whether
owners were called back, how satisfied they were, and what they complained about.

The definitions, which the report also prints (texts.REPORT_DEFINITIONS):
- A month is the centre's local calendar month (Asia/Shanghai).
- Counts are of the tickets created in the month.
- Each promise counts in the month it fell due, so a ticket opened on the 30th and due on the
  1st is the next month's business. First response: kept when the ticket's first acceptance
  came at or before first_response_due. Resolution: kept when it was resolved at or before
  resolution_due; a reopened ticket counts by its latest resolution. A promise neither kept
  nor yet due when the report is made is left out, so the running month is not marked down
  for tickets that can still be on time.
- Callbacks count in the month they were planned (created_at): they are owed from then, and
  next_attempt_at moves with every retry, which would push a missed callback out of the month
  it was owed in. Coverage is the share with an outcome (answered, refused, unreachable,
  handed to a person) by the time the report is made; the answered share has the same whole.
- Satisfaction is the three scale questions of ticket callbacks answered in the month, one
  answer per callback and question (the last given); satisfied means 满意 or 很满意.
- Complaint themes: words of the complaints created in the month (see themes.py).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

from bot import store, texts
from bot.reports.themes import top_themes
from bot.store import CallbackTally, ScaleAnswer
from bot.tickets.clocks import CENTRE_TZ

SATISFACTION_QUESTIONS = ("result", "process", "person")
SATISFIED = frozenset({4, 5})


@dataclass(frozen=True)
class Month:
    """A calendar month at the centre."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """"2026-11" → Month(2026, 11); ValueError with the reason in Chinese otherwise."""
        found = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
        if not found or not 1 <= int(found[1]) <= 9998 or not 1 <= int(found[2]) <= 12:
            raise ValueError(texts.REPORT_BAD_MONTH.format(value=text))
        return cls(int(found[1]), int(found[2]))

    @classmethod
    def before(cls, moment: datetime) -> Month:
        """The month before the one `moment` falls in, at the centre: the one to report on."""
        local = moment.astimezone(CENTRE_TZ)
        return cls(local.year - 1, 12) if local.month == 1 else cls(local.year, local.month - 1)

    @property
    def start(self) -> datetime:
        return datetime(self.year, self.month, 1, tzinfo=CENTRE_TZ)

    @property
    def end(self) -> datetime:
        """The first instant of the next month."""
        if self.month == 12:
            return datetime(self.year + 1, 1, 1, tzinfo=CENTRE_TZ)
        return datetime(self.year, self.month + 1, 1, tzinfo=CENTRE_TZ)

    @property
    def label(self) -> str:
        return texts.REPORT_MONTH.format(year=self.year, month=self.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class Rate:
    """`part` of `whole`, kept as counts so the report can show both and the share."""

    part: int
    whole: int

    @property
    def share(self) -> float | None:
        return self.part / self.whole if self.whole else None

    @property
    def percent(self) -> str:
        return texts.REPORT_NOT_APPLICABLE if self.share is None else f"{self.share:.1%}"

    @property
    def text(self) -> str:
        return texts.REPORT_RATE_TEXT.format(percent=self.percent, part=self.part,
                                             whole=self.whole)


@dataclass(frozen=True)
class Count:
    """One row of a breakdown. `key` is plain ASCII (a code, a building number, a rank): what
    a chart shows when no installed font can draw the Chinese `label`."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class Coverage:
    kind: str
    label: str
    covered: Rate
    answered: Rate


@dataclass(frozen=True)
class Satisfaction:
    question: str
    label: str
    steps: tuple[Count, ...]  # 5 (很满意) down to 1 (很不满意)
    satisfied: Rate
    mean: float | None


@dataclass(frozen=True)
class MonthlyReport:
    month: Month
    generated_at: datetime
    tickets: int
    complaints: int
    by_category: tuple[Count, ...]
    by_department: tuple[Count, ...]
    by_building: tuple[Count, ...]
    first_response: Rate
    resolution: Rate
    callbacks: Coverage  # every kind together
    callbacks_by_kind: tuple[Coverage, ...]
    satisfaction: tuple[Satisfaction, ...]
    themes: tuple[Count, ...]

    @property
    def rates(self) -> tuple[tuple[str, Rate], ...]:
        """The headline rates, keyed as in texts.REPORT_RATE_LABELS."""
        return (("first_response", self.first_response), ("resolution", self.resolution),
                ("coverage", self.callbacks.covered), ("answered", self.callbacks.answered))


def _breakdown(rows: Iterable[tuple[str, str]]) -> tuple[Count, ...]:
    """(key, label) per ticket → counts, most first."""
    tally = Counter(rows)
    return tuple(Count(key, label, count)
                 for (key, label), count in sorted(tally.items(), key=lambda kv: (-kv[1], kv[0])))


def _building(building: str | None) -> tuple[str, str]:
    if building is None:
        return "n/a", texts.REPORT_NO_BUILDING
    return building, texts.place_text(building, None, None, None)


def _kept(promises: Iterable[tuple[datetime, datetime | None]], start: datetime, end: datetime,
          now: datetime) -> Rate:
    """Promises (due, met at) falling due in [start, end) that were met in time; those neither
    met nor due yet by `now` are still running and left out."""
    settled = [(due, met) for due, met in promises
               if start <= due < end and (met is not None or due < now)]
    return Rate(sum(1 for due, met in settled if met is not None and met <= due), len(settled))


def _coverage(kind: str, label: str, tallies: list[CallbackTally]) -> Coverage:
    planned = sum(tally.planned for tally in tallies)
    return Coverage(kind, label,
                    covered=Rate(sum(tally.with_outcome for tally in tallies), planned),
                    answered=Rate(sum(tally.answered for tally in tallies), planned))


def _satisfaction(answers: list[ScaleAnswer]) -> tuple[Satisfaction, ...]:
    latest = {(answer.callback_id, answer.question): answer.scale for answer in answers}
    result = []
    for question in SATISFACTION_QUESTIONS:
        scales = [scale for (_, asked), scale in latest.items() if asked == question]
        steps = tuple(Count(str(step), label, scales.count(step))
                      for step, label in texts.SCALE_LABELS.items())
        result.append(Satisfaction(
            question, texts.REPORT_QUESTION_LABELS[question], steps,
            satisfied=Rate(sum(1 for scale in scales if scale in SATISFIED), len(scales)),
            mean=sum(scales) / len(scales) if scales else None,
        ))
    return tuple(result)


def monthly_report(month: Month, now: datetime | None = None) -> MonthlyReport:
    """Everything the report shows for `month`, as of `now` (for promises still running and
    callbacks still open)."""
    now = now or datetime.now(timezone.utc)
    start, end = month.start, month.end
    tickets = store.report_tickets(start, end)
    created = [ticket for ticket in tickets if start <= ticket.created_at < end]
    complaints = [ticket.description for ticket in created if ticket.category == "complaint"]
    tallies = store.callback_tallies(start, end)
    return MonthlyReport(
        month=month,
        generated_at=now,
        tickets=len(created),
        complaints=len(complaints),
        by_category=tuple(
            Count(code, label, sum(1 for ticket in created if ticket.category == code))
            for code, label in texts.CATEGORY_LABELS.items()),
        by_department=_breakdown((t.department_code, t.department_name) for t in created),
        by_building=_breakdown(_building(ticket.building) for ticket in created),
        first_response=_kept(((t.first_response_due, t.accepted_at) for t in tickets),
                             start, end, now),
        resolution=_kept(((t.resolution_due, t.resolved_at) for t in tickets), start, end, now),
        callbacks=_coverage("all", texts.REPORT_ALL_CALLBACKS, tallies),
        callbacks_by_kind=tuple(
            _coverage(tally.kind, texts.CALLBACK_KIND_LABELS.get(tally.kind, tally.kind), [tally])
            for tally in tallies),
        satisfaction=_satisfaction(
            store.scale_answers("ticket", SATISFACTION_QUESTIONS, start, end)),
        themes=tuple(Count(f"#{rank}", word, count)
                     for rank, (word, count) in enumerate(top_themes(complaints), start=1)),
    )
