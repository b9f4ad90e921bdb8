"""The report as one self-contained HTML page: tables with every number, the charts embedded
as data: URIs, and the definitions the numbers follow. One file, so it can be mailed,
archived or served by the console as it is, with nothing else to fetch."""

from __future__ import annotations

from base64 import b64encode
from collections.abc import Iterable, Sequence
from html import escape

from bot import texts
from bot.reports.monthly import Count, MonthlyReport, Rate
from bot.tickets.clocks import CENTRE_TZ

STYLE = """
body { font-family: "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif;
       margin: 2em auto; max-width: 60em; padding: 0 1em; color: #222; }
h1 { border-bottom: 2px solid #3b6ea5; padding-bottom: .3em; }
h2 { margin-top: 1.8em; color: #3b6ea5; }
table { border-collapse: collapse; margin: .6em 0; }
th, td { border: 1px solid #ccc; padding: .3em .8em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #eef3f9; }
img { display: block; max-width: 100%; margin: .6em 0; }
.empty { color: #a33; font-weight: bold; }
.note { color: #666; font-size: .9em; }
"""
COLUMNS = texts.REPORT_COLUMNS


def _table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    head = "".join(f"<th>{escape(header)}</th>" for header in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in row) + "</tr>"
                   for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _image(charts: dict[str, bytes], name: str) -> str:
    if name not in charts:
        return ""
    data = b64encode(charts[name]).decode("ascii")
    title = escape(texts.REPORT_CHART_TITLES[name][0])
    return f'<img alt="{title}" src="data:image/png;base64,{data}">'


def _section(name: str, body: str) -> str:
    return f"<h2>{escape(texts.REPORT_SECTIONS[name])}</h2>\n{body}\n"


def _breakdown(counts: Sequence[Count], total: int) -> str:
    return _table((COLUMNS["item"], COLUMNS["tickets"], COLUMNS["share"]),
                  ((count.label, count.count, Rate(count.count, total).percent)
                   for count in counts))


def _rates(report: MonthlyReport) -> str:
    return _table((COLUMNS["item"], COLUMNS["met"], COLUMNS["rate"]),
                  ((texts.REPORT_RATE_LABELS[key], f"{rate.part}/{rate.whole}", rate.percent)
                   for key, rate in report.rates))


def _callbacks(report: MonthlyReport) -> str:
    return _table(
        (COLUMNS["kind"], COLUMNS["planned"], COLUMNS["covered"], COLUMNS["coverage"],
         COLUMNS["answered"], COLUMNS["answered_share"]),
        ((coverage.label, coverage.covered.whole, coverage.covered.part, coverage.covered.percent,
          coverage.answered.part, coverage.answered.percent)
         for coverage in (*report.callbacks_by_kind, report.callbacks)))


def _satisfaction(report: MonthlyReport) -> str:
    steps = [f"{label}({step})" for step, label in texts.SCALE_LABELS.items()]
    return _table(
        (COLUMNS["question"], *steps, COLUMNS["answers"], COLUMNS["satisfied"], COLUMNS["mean"]),
        ((question.label, *(step.count for step in question.steps), question.satisfied.whole,
          question.satisfied.percent,
          texts.REPORT_NOT_APPLICABLE if question.mean is None else f"{question.mean:.2f}")
         for question in report.satisfaction))


def _themes(report: MonthlyReport) -> str:
    if not report.themes:
        return f"<p>{escape(texts.REPORT_NO_DATA)}</p>"
    return _table((COLUMNS["rank"], COLUMNS["theme"], COLUMNS["complaints"]),
                  ((theme.key, theme.label, theme.count) for theme in report.themes))


def render_html(report: MonthlyReport, charts: dict[str, bytes]) -> str:
    title = texts.REPORT_TITLE.format(month=report.month.label)
    generated = texts.REPORT_GENERATED.format(
        at=f"{report.generated_at.astimezone(CENTRE_TZ):%Y-%m-%d %H:%M}")
    overview = texts.REPORT_OVERVIEW.format(tickets=report.tickets, complaints=report.complaints)
    parts = [_section("overview", f"<p>{escape(overview)}</p>")]
    if report.tickets:
        parts += [
            _section("category", _breakdown(report.by_category, report.tickets)
                     + _image(charts, "category")),
            _section("department", _breakdown(report.by_department, report.tickets)
                     + _image(charts, "department")),
            _section("building", _breakdown(report.by_building, report.tickets)
                     + _image(charts, "building")),
        ]
    else:
        parts.insert(0, f'<p class="empty">{escape(texts.REPORT_NO_TICKETS)}</p>')
    parts += [
        _section("rates", _rates(report) + _image(charts, "rates")),
        _section("callbacks", _callbacks(report)),
        _section("satisfaction", _satisfaction(report) + _image(charts, "satisfaction")),
        _section("themes", _themes(report) + _image(charts, "themes")),
        _section("definitions", "<ul>" + "".join(f"<li>{escape(line)}</li>"
                                                 for line in texts.REPORT_DEFINITIONS) + "</ul>"),
    ]
    return (
        '<!doctype html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f"<h1>{escape(title)}</h1>\n<p class=\"note\">{escape(generated)}</p>\n"
        + "".join(parts) + "</body>\n</html>\n"
    )
