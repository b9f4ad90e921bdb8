"""The report's charts as PNG bytes, drawn on matplotlib's Agg canvas (no display, and no
pyplot: each chart is its own Figure, so report requests in worker threads share no state).

A server may have no font that can draw Chinese, and matplotlib would then draw each
character as an empty box. So an installed CJK font is looked for once; without one every
chart is labelled with the ASCII keys the report's tables explain (category and department
codes, building numbers, theme ranks) and an English title.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO

from matplotlib import font_manager, rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from matplotlib.ticker import MaxNLocator

from bot import texts
from bot.reports.monthly import Count, MonthlyReport

PROBE = "报"  # a character every Chinese font has
BAR_COLOUR = "#3b6ea5"
# 很满意 … 很不满意, green to red.
SCALE_COLOURS = ("#1a9850", "#91cf60", "#fee08b", "#fc8d59", "#d73027")


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The family name of an installed font with Chinese glyphs, or None."""
    for entry in font_manager.fontManager.ttflist:
        try:
            if ord(PROBE) in FT2Font(entry.fname).get_charmap():
                return entry.name
        except (OSError, RuntimeError):  # an unreadable font file is simply not a candidate
            continue
    return None


@dataclass(frozen=True)
class _Labels:
    """Chinese labels and titles when a font can draw them, ASCII keys otherwise."""

    chinese: bool

    def title(self, chart: str) -> str:
        chinese, english = texts.REPORT_CHART_TITLES[chart]
        return chinese if self.chinese else english

    def of(self, key: str, label: str) -> str:
        return label if self.chinese else key


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    figure.tight_layout()
    buffer = BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


def _bars(title: str, labels: Sequence[str], values: Sequence[float], percent: bool = False
          ) -> bytes:
    """Horizontal bars, the first row on top, each with its value written at its end."""
    figure = Figure(figsize=(7, 0.45 * len(labels) + 1.4))
    axes = figure.add_subplot()
    bars = axes.barh(range(len(labels)), values, color=BAR_COLOUR)
    axes.set_yticks(range(len(labels)), labels)
    axes.invert_yaxis()
    axes.bar_label(bars, fmt="%.1f%%" if percent else "%d", padding=3)
    if percent:
        axes.set_xlim(0, 110)
    else:
        axes.set_xlim(0, max(max(values), 1) * 1.15)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(title)
    axes.spines[["top", "right"]].set_visible(False)
    return _png(figure)


def _counts_chart(chart: str, counts: Sequence[Count], labels: _Labels) -> bytes:
    return _bars(labels.title(chart), [labels.of(count.key, count.label) for count in counts],
                 [count.count for count in counts])


def _satisfaction_chart(report: MonthlyReport, labels: _Labels) -> bytes:
    """One stacked bar per question, 很满意 on the left."""
    figure = Figure(figsize=(7, 2.8))
    axes = figure.add_subplot()
    rows = range(len(report.satisfaction))
    left = [0] * len(report.satisfaction)
    for index, colour in enumerate(SCALE_COLOURS):
        steps = [question.steps[index] for question in report.satisfaction]
        widths = [step.count for step in steps]
        axes.barh(rows, widths, left=left, color=colour,
                  label=labels.of(steps[0].key, steps[0].label))
        left = [start + width for start, width in zip(left, widths)]
    axes.set_yticks(rows, [labels.of(q.question, q.label) for q in report.satisfaction])
    axes.invert_yaxis()
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.legend(ncols=len(SCALE_COLOURS), loc="upper center", bbox_to_anchor=(0.5, -0.12),
                frameon=False)
    axes.set_title(labels.title("satisfaction"))
    axes.spines[["top", "right"]].set_visible(False)
    return _png(figure)


def render_charts(report: MonthlyReport) -> dict[str, bytes]:
    """Chart name → PNG, for each chart that has something to show (an empty month may
    have none)."""
    font = cjk_font()
    labels = _Labels(chinese=font is not None)
    charts: dict[str, bytes] = {}
    chinese = {"font.family": "sans-serif", "font.sans-serif": [font, "DejaVu Sans"]}
    with rc_context(chinese if font else {}):
        if report.tickets:
            charts["category"] = _counts_chart("category", report.by_category, labels)
            charts["department"] = _counts_chart("department", report.by_department, labels)
            charts["building"] = _counts_chart("building", report.by_building, labels)
        shares = [(key, rate.share) for key, rate in report.rates if rate.share is not None]
        if shares:
            charts["rates"] = _bars(
                labels.title("rates"),
                [labels.of(key, texts.REPORT_RATE_LABELS[key]) for key, _ in shares],
                [100 * share for _, share in shares], percent=True)
        if any(question.satisfied.whole for question in report.satisfaction):
            charts["satisfaction"] = _satisfaction_chart(report, labels)
        if report.themes:
            charts["themes"] = _counts_chart("themes", report.themes, labels)
    return charts
