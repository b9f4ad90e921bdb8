"""The few lines `python -m bot report` prints: the month at a glance, for a terminal or a
cron mail; the numbers behind them are in the HTML page."""

from __future__ import annotations

from collections.abc import Iterable

from bot import texts
from bot.reports.monthly import MonthlyReport

SUMMARY_THEMES = 5


def _listed(items: Iterable[str]) -> str:
    return texts.REPORT_LIST_SEPARATOR.join(items)


def summary_lines(report: MonthlyReport) -> list[str]:
    lines = [texts.REPORT_TITLE.format(month=report.month.label)]
    if report.tickets:
        lines.append(texts.REPORT_SUMMARY_TICKETS.format(
            tickets=report.tickets,
            categories=_listed(f"{count.label} {count.count}"
                               for count in report.by_category if count.count)))
    else:
        lines.append(texts.REPORT_NO_TICKETS)
    lines.append(_listed(f"{texts.REPORT_RATE_LABELS[key]} {rate.text}"
                         for key, rate in report.rates))
    lines.append(texts.REPORT_SUMMARY_SATISFACTION.format(questions=_listed(
        f"{question.label} {question.satisfied.text}" for question in report.satisfaction)))
    if report.themes:
        lines.append(texts.REPORT_SUMMARY_THEMES.format(themes=_listed(
            f"{theme.label}({theme.count})" for theme in report.themes[:SUMMARY_THEMES])))
    return lines
