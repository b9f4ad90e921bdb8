"""The monthly report for supervisors: the month's numbers (monthly.py), complaint themes
(themes.py), charts (charts.py), the HTML page (html.py) and the command's summary
(summary.py). Reads the store; writes nothing to it."""

from bot.reports.charts import render_charts
from bot.reports.html import render_html
from bot.reports.monthly import Month, MonthlyReport, monthly_report
from bot.reports.summary import summary_lines

__all__ = [
    "Month",
    "MonthlyReport",
    "monthly_report",
    "render_charts",
    "render_html",
    "summary_lines",
]
