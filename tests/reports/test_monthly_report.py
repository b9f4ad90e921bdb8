"""The monthly report against a seeded month whose numbers are worked out by hand below, on
SQLite and PostgreSQL; the command's files; the console page's sign-in and role checks."""

from __future__ import annotations

import asyncio
import base64
import json
import re
import subprocess
import sys
import warnings
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from uuid import uuid4

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.console import add_agent
from bot.console.server import make_app
from bot.reports import Month, MonthlyReport, monthly_report, render_charts, render_html
from bot.reports import charts
from bot.reports.monthly import Count, Rate
from bot.store import FlatAddress, session_scope
from bot.store.models import Callback, CallbackAnswer, Contact
from bot.tickets import TicketRequest, move_ticket, open_ticket
from bot.tickets.clocks import CENTRE_TZ
from tools.stack import ROOT, quiet_env

NOVEMBER = Month(2026, 11)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
AGENT = "王丽(wang)"
PASSWORD = "correct horse 42"


def local(month: int, day: int, hour: int = 9, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=CENTRE_TZ)


def ticket(category: str, description: str, created: datetime, *,
           flat: FlatAddress | None = None, location: str | None = None,
           accepted: datetime | None = None, resolved: datetime | None = None) -> str:
    """A ticket opened at `created` and moved on at the times given, as the console would."""
    number = open_ticket(TicketRequest(
        category, "telegram", "owner-1", description, urgency="normal" if category == "repair"
        else None, flat=flat, location=location, phone="13800138000"), now=created).number
    if accepted:
        move_ticket(number, "accepted", AGENT, now=accepted)
    if resolved:
        move_ticket(number, "resolved", AGENT, now=resolved)
    return number


def callback(kind: str, status: str, planned: datetime, ticket_number: str | None = None,
             answers: Iterable[tuple[str, int | None, datetime]] = ()) -> None:
    """A callback as the surveys leave it: planned at `planned`, with its answers."""
    with session_scope() as session:
        contact = Contact(channel="telegram", sender_id=f"callback-{uuid4().hex[:8]}")
        session.add(contact)
        session.flush()
        row = Callback(
            dedupe_key=f"{kind}:{ticket_number or uuid4().hex}", kind=kind, contact_id=contact.id,
            ticket_number=ticket_number, status=status, next_attempt_at=planned,
            created_at=planned,
            completed_at=planned + timedelta(days=1) if status not in ("scheduled", "calling")
            else None,
        )
        session.add(row)
        session.flush()
        for question, scale, at in answers:
            session.add(CallbackAnswer(callback_id=row.id, question=question, scale=scale,
                                       text="业主的回答", at=at))


@pytest.fixture
def seeded(database: str) -> dict[str, str]:
    """November 2026 at the centre, and its neighbours.

    Clocks (bot.tickets.clocks): a normal repair is due for a first response in 10 minutes and
    resolved by the end of its day; a complaint in 2 hours and 24 hours; a suggestion or an
    inquiry in 10 minutes and one working day.
    """
    numbers = {
        # October, entirely.
        "october": ticket("repair", "厨房水龙头滴水", local(10, 15), flat=FlatAddress("5", "1", "101"),
                          accepted=local(10, 15, 9, 5), resolved=local(10, 15, 12)),
        # Opened on 31 October 23:55: its first response fell due on 1 November 00:05 (kept),
        # its resolution at the end of 31 October.
        "halloween": ticket("repair", "阳台灯不亮", local(10, 31, 23, 55),
                            flat=FlatAddress("9", "1", "101"), accepted=local(11, 1, 0, 2)),
        # November.
        "leak": ticket("repair", "卫生间水管漏水", local(11, 3), flat=FlatAddress("5", "2", "302"),
                       accepted=local(11, 3, 9, 5), resolved=local(11, 3, 15)),
        "lamp": ticket("repair", "客厅灯不亮", local(11, 10, 10), flat=FlatAddress("5", "1", "101"),
                       accepted=local(11, 10, 10, 30), resolved=local(11, 11, 9)),  # both late
        "lock": ticket("repair", "门锁坏了", local(11, 20, 14), flat=FlatAddress("3", "1", "201"),
                       accepted=local(11, 20, 14, 5)),  # never resolved: late
        "noise": ticket("complaint", "楼上装修噪音太大,晚上十点还在施工", local(11, 5, 20),
                        flat=FlatAddress("3", "2", "502"), accepted=local(11, 5, 21),
                        resolved=local(11, 6, 10)),
        "parking": ticket("complaint", "地下车库有人乱停车,堵住了车位", local(11, 12, 8),
                          location="车库", accepted=local(11, 12, 11),
                          resolved=local(11, 13, 9)),  # both late
        "dance": ticket("complaint", "广场舞噪音扰民,吵得睡不着", local(11, 25, 19),
                        flat=FlatAddress("5", "2", "302"), accepted=local(11, 25, 19, 30),
                        resolved=local(11, 26, 12)),
        "charger": ticket("suggestion", "建议增加电动车充电桩", local(11, 16),
                          flat=FlatAddress("8", "1", "101"), accepted=local(11, 16, 9, 5),
                          resolved=local(11, 16, 16)),
        # 30 November 23:00: first response due 23:10 (kept); resolution due 1 December.
        "deposit": ticket("inquiry", "装修押金怎么退", local(11, 30, 23),
                          accepted=local(11, 30, 23, 5)),
        # 1 December 07:00 at the centre is still 30 November in UTC: December's.
        "december": ticket("inquiry", "门禁卡怎么补办", local(12, 1, 7)),
    }
    callback("ticket", "answered", local(11, 4), numbers["leak"], [
        ("result", 5, local(11, 4, 10)), ("process", 4, local(11, 4, 10)),
        ("person", 5, local(11, 4, 10)), ("comments", None, local(11, 4, 10))])
    callback("ticket", "answered", local(11, 7), numbers["noise"], [
        ("result", 1, local(11, 7, 10)), ("result", 3, local(11, 7, 10, 5)),  # corrected
        ("process", 2, local(11, 7, 10)), ("person", 4, local(11, 7, 10))])
    callback("ticket", "refused", local(11, 27), numbers["dance"])
    callback("ticket", "unreachable", local(11, 12), numbers["lamp"])
    callback("ticket", "calling", local(11, 14), numbers["parking"], [
        ("result", 2, local(11, 14, 10))])
    callback("delivery", "answered", local(11, 2), answers=[("result", 1, local(11, 2, 10))])
    callback("living", "scheduled", local(11, 15))
    callback("opinion", "handed_to_person", local(11, 20))
    # Planned in October, answered partly in October and partly on 1 November.
    callback("ticket", "answered", local(10, 28), numbers["october"], [
        ("result", 4, local(10, 29)), ("process", 5, local(11, 1))])
    # Planned and answered on 1 December, at the centre.
    callback("ticket", "answered", local(12, 1, 7), numbers["halloween"], [
        ("result", 1, local(12, 1, 7, 30))])
    return numbers


def november() -> MonthlyReport:
    return monthly_report(NOVEMBER, now=local(12, 5))


def test_tickets_are_counted_by_category_department_and_building_within_the_month(seeded) -> None:
    report = november()
    assert (report.tickets, report.complaints) == (8, 3)
    assert report.by_category == (Count("repair", "报修", 3), Count("complaint", "投诉", 3),
                                  Count("suggestion", "建议", 1), Count("inquiry", "咨询", 1))
    assert report.by_department == (
        Count("customer_service", "客户服务中心", 3), Count("engineering", "工程部", 3),
        Count("finance", "财务部", 1), Count("security", "秩序维护部", 1))
    assert report.by_building == (Count("5", "5栋", 3), Count("3", "3栋", 2),
                                  Count("n/a", "公共区域/未登记房屋", 2), Count("8", "8栋", 1))


def test_each_promise_counts_in_the_month_it_fell_due(seeded) -> None:
    report = november()
    # First responses due in November: halloween, leak, lock, noise, dance, charger, deposit
    # kept; lamp and parking late.
    assert report.first_response == Rate(7, 9)
    # Resolutions due in November: leak, noise, dance, charger kept; lamp, parking late; lock
    # never resolved. Halloween's fell due in October, deposit's in December.
    assert report.resolution == Rate(4, 7)


def test_promises_still_running_are_left_out(seeded) -> None:
    # 1 December 07:05: the December inquiry's first response is due at 07:10, the deposit
    # inquiry's resolution at 23:00; neither is late yet.
    early = monthly_report(Month(2026, 12), now=local(12, 1, 7, 5))
    assert (early.tickets, early.first_response, early.resolution) == (1, Rate(0, 0), Rate(0, 0))
    later = monthly_report(Month(2026, 12), now=local(12, 5))
    assert (later.first_response, later.resolution) == (Rate(0, 1), Rate(0, 2))


def test_callback_coverage_counts_the_callbacks_planned_in_the_month(seeded) -> None:
    report = november()
    # Eight planned in November; six ended with an outcome, three answered.
    assert report.callbacks.covered == Rate(6, 8)
    assert report.callbacks.answered == Rate(3, 8)
    assert report.callbacks.covered.percent == "75.0%"
    by_kind = {coverage.kind: (coverage.covered, coverage.answered)
               for coverage in report.callbacks_by_kind}
    assert by_kind == {"delivery": (Rate(1, 1), Rate(1, 1)), "living": (Rate(0, 1), Rate(0, 1)),
                       "opinion": (Rate(1, 1), Rate(0, 1)), "ticket": (Rate(4, 5), Rate(2, 5))}


def test_satisfaction_is_the_last_answer_per_question_given_in_the_month(seeded) -> None:
    report = november()
    by_question = {question.question: question for question in report.satisfaction}
    result, process, person = by_question["result"], by_question["process"], by_question["person"]
    # result: 5 (leak), 3 (noise, corrected from 1), 2 (parking, still calling).
    assert [step.count for step in result.steps] == [1, 0, 1, 1, 0]
    assert result.satisfied == Rate(1, 3)
    assert result.mean == pytest.approx(10 / 3)
    # process: 4 (leak), 2 (noise), 5 (the October callback, answered on 1 November).
    assert [step.count for step in process.steps] == [1, 1, 0, 1, 0]
    assert (process.satisfied, process.mean) == (Rate(2, 3), pytest.approx(11 / 3))
    assert (person.satisfied, person.mean) == (Rate(2, 2), pytest.approx(4.5))
    assert [step.label for step in person.steps] == ["很满意", "满意", "一般", "不满意", "很不满意"]


def test_the_top_complaint_theme_is_the_word_most_complaints_share(seeded) -> None:
    report = november()
    assert report.themes[0] == Count("#1", "噪音", 2)
    assert all(theme.count == 1 for theme in report.themes[1:])
    words = {theme.label for theme in report.themes}
    assert len(words) == 10 and "停车" in words  # the top ten; ties in a fixed order
    assert not words & {"晚上", "有人", "十点还在"}  # how often, when: not what about


def test_the_charts_are_pngs_without_missing_glyphs(seeded) -> None:
    report = november()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns for every glyph its font lacks
        charts = render_charts(report)
    assert set(charts) == {"category", "department", "building", "rates", "satisfaction",
                           "themes"}
    assert all(png.startswith(PNG_SIGNATURE) for png in charts.values())
    page = render_html(report, charts)
    assert page.count("data:image/png;base64,") == len(charts)


def run_report(*arguments: str, database_url: str | None = None
               ) -> subprocess.CompletedProcess[str]:
    env = quiet_env(DATABASE_URL=database_url) if database_url else quiet_env()
    return subprocess.run([sys.executable, "-m", "bot", "report", *arguments], cwd=ROOT, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=300)


def embedded_pngs(page: str) -> list[bytes]:
    return [base64.b64decode(data)
            for data in re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)]


def test_the_command_prints_a_summary_and_writes_the_page_and_charts(
        seeded, database: str, tmp_path: Path) -> None:
    done = run_report("--month", "2026-11", "--out", str(tmp_path), database_url=database)
    assert done.returncode == 0, done.stderr
    assert "2026年11月" in done.stdout
    assert "工单 8 件:报修 3、投诉 3、建议 1、咨询 1" in done.stdout
    assert "首次响应及时率 77.8%(7/9)" in done.stdout
    assert "投诉热点:噪音(2)" in done.stdout
    page = (tmp_path / "report-2026-11.html").read_text(encoding="utf-8")
    assert "客户服务中心" in page and "统计口径" in page and "噪音" in page
    pngs = embedded_pngs(page)
    assert len(pngs) == 6 and all(png.startswith(PNG_SIGNATURE) for png in pngs)
    files = sorted(path.name for path in tmp_path.glob("report-2026-11-*.png"))
    assert files == [f"report-2026-11-{name}.png" for name in
                     sorted(("building", "category", "department", "rates", "satisfaction",
                             "themes"))]


def test_an_empty_month_gives_a_report_saying_so(database: str, tmp_path: Path) -> None:
    done = run_report("--month", "2027-02", "--out", str(tmp_path), database_url=database)
    assert done.returncode == 0, done.stderr
    assert "本月没有工单" in done.stdout
    page = (tmp_path / "report-2027-02.html").read_text(encoding="utf-8")
    assert "本月没有工单" in page and page.rstrip().endswith("</html>")


@pytest.mark.parametrize("month", ["2026-13", "abc", "2026-1", "0000-05"])
def test_a_bad_month_is_refused_in_chinese(month: str, tmp_path: Path) -> None:
    done = run_report("--month", month, "--out", str(tmp_path))
    assert done.returncode == 2
    assert f"月份格式不正确:「{month}」" in done.stderr
    assert not any(tmp_path.iterdir())


def test_months_are_the_centres_calendar_months() -> None:
    assert Month.parse("2026-11") == NOVEMBER and str(NOVEMBER) == "2026-11"
    assert NOVEMBER.start == local(11, 1, 0) and NOVEMBER.end == local(12, 1, 0)
    assert Month(2026, 12).end == local(1, 1, 0, year=2027)
    assert Month.before(local(1, 10, year=2027)) == Month(2026, 12)
    # 16:30 UTC on 30 November is already 1 December at the centre.
    assert Month.before(datetime(2026, 11, 30, 16, 30, tzinfo=timezone.utc)) == NOVEMBER


async def _get_report(login: str | None, month: str = "2026-11") -> tuple[int, str]:
    async with TestClient(TestServer(make_app())) as client:
        if login:
            signed = await client.post("/api/sign-in", json={"login": login, "password": PASSWORD},
                                       headers={"X-Console": "1"})
            assert signed.status == 200
        response = await client.get("/report", params={"month": month})
        return response.status, await response.text()


def test_the_console_shows_the_report_to_supervisors_only(seeded) -> None:
    add_agent("wang", "王丽", "agent", PASSWORD)
    add_agent("zhao", "赵敏", "supervisor", PASSWORD)
    assert asyncio.run(_get_report(None))[0] == 401
    assert asyncio.run(_get_report("wang"))[0] == 403
    status, page = asyncio.run(_get_report("zhao"))
    assert status == 200
    assert "2026年11月" in page and "客户服务中心" in page
    assert len(embedded_pngs(page)) == 6
    status, body = asyncio.run(_get_report("zhao", "2026-13"))
    assert status == 400 and json.loads(body)["error"].startswith("月份格式不正确:「2026-13」")


def test_with_a_chinese_font_the_charts_take_the_chinese_labels(seeded, monkeypatch) -> None:
    # No such font here: pretend DejaVu is one, so the Chinese branch runs (its boxes unseen).
    monkeypatch.setattr(charts, "cjk_font", lambda: "DejaVu Sans")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        drawn = render_charts(november())
    assert len(drawn) == 6 and all(png.startswith(PNG_SIGNATURE) for png in drawn.values())
