"""The agents' console over HTTP: one page, a JSON API behind a sign-in.

Sessions ride in an HttpOnly, SameSite=Strict cookie; every state-changing request must also
carry the X-Console header, which a page on another site cannot send without the browser
asking us first, so no other site can act in an agent's name. The database and Rasa calls
are blocking, so each request's work runs in a worker thread.

Signing in is throttled per login and per client address (bot/console/accounts.py); the
client is the connection's peer, or, when that peer is a proxy named in
CONSOLE_TRUSTED_PROXY, the nearest untrusted address of its X-Forwarded-For. Every answer
carries a Content-Security-Policy that lets the page run only the console's own script and
style and be framed by no one, with nosniff and no-referrer; ids that cannot exist answer
404 in Chinese, like ids that do not.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import os
import re
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from aiohttp import web

from bot import store, texts
from bot.client_address import Network, client_address
from bot.client_address import trusted_proxies as read_trusted_proxies
from bot.console import views
from bot.console.accounts import (
    SignInLocked,
    agent_for_token,
    require_role,
    sign_out,
    throttled_sign_in,
)
from bot.console.desk import Desk, NotFound, Refused
from bot.handoff.conversation import RasaConversations
from bot.store import AgentRecord, SignInRule, TicketQuery
from bot.understanding.address import parse_address

STATIC = Path(__file__).resolve().parent / "static"
COOKIE = "console_session"
CSRF_HEADER = "X-Console"
log = logging.getLogger(__name__)

Handler = Callable[[web.Request, AgentRecord], Awaitable[Any]]
Clock = Callable[[], datetime]
DESK = web.AppKey("desk", Desk)
CLOCK: web.AppKey[Clock] = web.AppKey("clock")
TRUSTED_PROXIES: web.AppKey[tuple[Network, ...]] = web.AppKey("trusted_proxies")
SIGN_IN_RULE = web.AppKey("sign_in_rule", SignInRule)

# The page: its own script and style only (no inline code, nothing from elsewhere), talking
# to its own origin, framed by no one.
PAGE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
               "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
# The monthly report is one self-contained file (bot/reports/html.py): its inline style, by
# hash, and its charts as data: images; no script at all.
REPORT_POLICY = ("default-src 'none'; style-src {styles}; img-src data:; form-action 'none'; "
                 "base-uri 'none'; frame-ancestors 'none'")
STYLE_BLOCK = re.compile(r"<style>(.*?)</style>", re.DOTALL)
# Escalation ids are the database's integer keys: positive and below 2**31 on every engine.
MAX_ID = 2**31 - 1
ESCALATION_ID = re.compile(r"[0-9]{1,10}")
TICKET_NUMBER = re.compile(r"[A-Za-z0-9-]{1,32}")
MAX_QUERY_CHARS = 200  # a search term longer than this is no ticket number, phone or flat
HTTP_ERRORS = {404: texts.CONSOLE_NOT_FOUND, 405: texts.CONSOLE_METHOD_NOT_ALLOWED,
               413: texts.CONSOLE_TOO_LARGE}


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response({"error": message}, status=status, headers=headers)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _clean(value: object) -> bool:
    """No NUL and nothing that is not UTF-8 anywhere in a request's JSON: PostgreSQL keeps
    neither, and a lone surrogate cannot even be hashed."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return "\x00" not in value
    if isinstance(value, dict):
        return all(_clean(key) and _clean(item) for key, item in value.items())
    if isinstance(value, list):
        return all(_clean(item) for item in value)
    return True


async def _body(request: web.Request) -> dict:
    try:
        body = await request.json()
    except ValueError as error:
        raise Refused(texts.CONSOLE_BAD_REQUEST) from error
    if not isinstance(body, dict) or not _clean(body):
        raise Refused(texts.CONSOLE_BAD_REQUEST)
    return body


def trusted_proxies(raw: str | None = None) -> tuple[Network, ...]:
    """CONSOLE_TRUSTED_PROXY: the reverse proxies whose X-Forwarded-For is believed."""
    return read_trusted_proxies("CONSOLE_TRUSTED_PROXY", raw)


def request_address(request: web.Request) -> str:
    return client_address(request.remote, request.headers.getall("X-Forwarded-For", []),
                          request.app[TRUSTED_PROXIES])


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """On every answer, the page, the API, static files and errors alike."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", PAGE_POLICY)
    headers["X-Frame-Options"] = "DENY"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    if request.path.startswith("/api/"):
        headers.setdefault("Cache-Control", "no-store")


def report_policy(page: str) -> str:
    """REPORT_POLICY allowing exactly the inline styles `page` carries, by their SHA-256."""
    hashes = [base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode("ascii")
              for style in STYLE_BLOCK.findall(page)]
    styles = " ".join(f"'sha256-{digest}'" for digest in hashes) or "'none'"
    return REPORT_POLICY.format(styles=styles)


def _secure_cookies() -> bool:
    """CONSOLE_SECURE_COOKIES=true once the console is served over HTTPS."""
    return os.environ.get("CONSOLE_SECURE_COOKIES", "").strip().lower() in ("1", "true", "yes")


@web.middleware
async def _guard(request: web.Request, handler: Callable[[web.Request], Awaitable[Any]]) -> Any:
    """Refusals become JSON with their status; writes without the console header are refused."""
    if request.method not in ("GET", "HEAD") and request.headers.get(CSRF_HEADER) != "1":
        return _error(403, texts.CONSOLE_FORBIDDEN_ORIGIN)
    try:
        return await handler(request)
    except Refused as refusal:
        return _error(refusal.status, refusal.message)
    except PermissionError as refusal:
        return _error(403, str(refusal))
    except web.HTTPException as refusal:
        # The router's own 404/405 and aiohttp's 413, in Chinese JSON like the rest of the API.
        if not request.path.startswith("/api/") or refusal.status < 400:
            raise
        return _error(refusal.status, HTTP_ERRORS.get(refusal.status, texts.CONSOLE_BAD_REQUEST))
    except Exception:  # noqa: BLE001 - the agent gets a sentence, the log gets the trace
        log.exception("console request %s %s failed", request.method, request.path)
        return _error(500, texts.CONSOLE_INTERNAL_ERROR)


def signed_in(handler: Handler) -> Callable[[web.Request], Awaitable[Any]]:
    """Only for a live session: 401 otherwise, before anything else is looked at."""

    async def wrapped(request: web.Request) -> Any:
        token = request.cookies.get(COOKIE, "")
        now = request.app[CLOCK]()
        agent = await asyncio.to_thread(agent_for_token, token, now) if token else None
        if agent is None:
            return _error(401, texts.CONSOLE_SIGN_IN_FIRST)
        return await handler(request, agent)

    return wrapped


def _escalation_id(request: web.Request) -> int:
    """The id in the path, or 404: only ASCII digits, no sign, within the database's keys
    (int() alone takes "-1", " 7", "١٢" and numbers PostgreSQL cannot compare)."""
    raw = request.match_info["escalation_id"]
    if not ESCALATION_ID.fullmatch(raw) or not 0 < int(raw) <= MAX_ID:
        raise NotFound(texts.CONSOLE_ESCALATION_NOT_FOUND)
    return int(raw)


def _ticket_number(request: web.Request) -> str:
    """The ticket number in the path, or 404 for one no ticket can have."""
    raw = request.match_info["number"]
    if not TICKET_NUMBER.fullmatch(raw):
        raise NotFound(texts.CONSOLE_TICKET_UNKNOWN)
    return raw


async def index(_: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})


async def do_sign_in(request: web.Request) -> web.Response:
    body = await _body(request)
    try:
        found = await asyncio.to_thread(
            throttled_sign_in, str(body.get("login") or ""), str(body.get("password") or ""),
            request_address(request), request.app[CLOCK](), request.app[SIGN_IN_RULE])
    except SignInLocked as locked:
        return _error(429, locked.message,
                      {"Retry-After": str(max(1, round(locked.wait.total_seconds())))})
    if found is None:
        return _error(401, texts.CONSOLE_SIGN_IN_FAILED)
    token, agent = found
    response = web.json_response({"agent": views.agent_json(agent)})
    response.set_cookie(COOKIE, token, httponly=True, samesite="Strict", path="/",
                        secure=_secure_cookies())
    return response


async def do_sign_out(request: web.Request) -> web.Response:
    token = request.cookies.get(COOKIE, "")
    if token:
        await asyncio.to_thread(sign_out, token)
    response = web.json_response({"ok": True})
    response.del_cookie(COOKIE, path="/")
    return response


@signed_in
async def me(request: web.Request, agent: AgentRecord) -> web.Response:
    desk = request.app[DESK]

    def gather() -> dict:
        colleagues = desk.agents(agent) if agent.role == "supervisor" else []
        return {
            "agent": views.agent_json(agent),
            "labels": views.labels_json(),
            "departments": [{"code": d.code, "name": d.name} for d in desk.departments()],
            "agents": [views.agent_json(someone) for someone in colleagues],
        }

    return web.json_response(await asyncio.to_thread(gather))


@signed_in
async def queue(request: web.Request, agent: AgentRecord) -> web.Response:
    desk = request.app[DESK]

    def gather() -> dict:
        returned = desk.recently_returned(agent) if agent.role == "supervisor" else []
        return {"open": [views.entry_json(entry) for entry in desk.queue(agent)],
                "returned": [views.entry_json(entry) for entry in returned]}

    return web.json_response(await asyncio.to_thread(gather))


@signed_in
async def escalation_detail(request: web.Request, agent: AgentRecord) -> web.Response:
    detail = await asyncio.to_thread(request.app[DESK].detail, agent, _escalation_id(request))
    return web.json_response(views.detail_json(detail))


def _escalation_action(act: Callable[[Desk, AgentRecord, int, dict], object]
                       ) -> Callable[[web.Request], Awaitable[Any]]:
    """POST /api/escalations/{id}/<action>: run it, answer with the fresh detail."""

    @signed_in
    async def handler(request: web.Request, agent: AgentRecord) -> web.Response:
        desk, escalation_id = request.app[DESK], _escalation_id(request)
        body = await _body(request) if request.can_read_body else {}
        await asyncio.to_thread(act, desk, agent, escalation_id, body)
        detail = await asyncio.to_thread(desk.detail, agent, escalation_id)
        return web.json_response(views.detail_json(detail))

    return handler


def _query(request: web.Request) -> tuple[TicketQuery, bool]:
    params = request.query
    if not all(_clean(value) and len(value) <= MAX_QUERY_CHARS for value in params.values()):
        raise Refused(texts.CONSOLE_BAD_REQUEST)
    building = unit = room = None
    if params.get("flat", "").strip():
        address = parse_address(params["flat"])
        if address is None:
            raise Refused(texts.CONSOLE_BAD_REQUEST)
        building, unit, room = address.building, address.unit, address.room
    status = params.get("status", "").strip()
    query = TicketQuery(
        number=params.get("number", "").strip() or None,
        building=building, unit=unit, room=room,
        phone=params.get("phone", "").strip() or None,
        statuses=(status,) if status else (),
        category=params.get("category", "").strip() or None,
    )
    return query, params.get("overdue", "") in ("1", "true")


@signed_in
async def tickets(request: web.Request, agent: AgentRecord) -> web.Response:
    query, overdue_only = _query(request)
    found = await asyncio.to_thread(request.app[DESK].search, agent, query, overdue_only)
    return web.json_response({"tickets": [views.ticket_json(view) for view in found]})


async def _ticket_payload(desk: Desk, agent: AgentRecord, number: str) -> web.Response:
    view, events = await asyncio.to_thread(desk.ticket, agent, number)
    return web.json_response({"ticket": views.ticket_json(view),
                              "events": [views.ticket_event_json(event) for event in events]})


@signed_in
async def ticket_detail(request: web.Request, agent: AgentRecord) -> web.Response:
    return await _ticket_payload(request.app[DESK], agent, _ticket_number(request))


def _ticket_action(act: Callable[[Desk, AgentRecord, str, dict], object]
                   ) -> Callable[[web.Request], Awaitable[Any]]:
    """POST /api/tickets/{number}/<action>: run it, answer with the ticket and its trail."""

    @signed_in
    async def handler(request: web.Request, agent: AgentRecord) -> web.Response:
        desk, number = request.app[DESK], _ticket_number(request)
        body = await _body(request)
        await asyncio.to_thread(act, desk, agent, number, body)
        return await _ticket_payload(desk, agent, number)

    return handler


@signed_in
async def monthly_report_page(request: web.Request, agent: AgentRecord) -> web.Response:
    """GET /report?month=YYYY-MM (default: last month): the report's HTML, for supervisors."""
    # Imported here, so matplotlib loads when a report is first asked for, not at every start.
    from bot.reports import Month, monthly_report, render_charts, render_html

    require_role(agent, "supervisor")
    clock = request.app[CLOCK]
    wanted = request.query.get("month", "").strip()
    try:
        month = Month.parse(wanted) if wanted else Month.before(clock())
    except ValueError as error:
        raise Refused(str(error)) from error

    def page() -> str:
        report = monthly_report(month, clock())
        return render_html(report, render_charts(report))

    html = await asyncio.to_thread(page)
    return web.Response(text=html, content_type="text/html",
                        headers={"Cache-Control": "no-store",
                                 "Content-Security-Policy": report_policy(html)})


def make_app(desk: Desk | None = None, clock: Clock | None = None,
             proxies: tuple[Network, ...] | None = None,
             sign_in_rule: SignInRule | None = None) -> web.Application:
    """The console. `clock` (default: the real UTC time) is what sign-in throttling, sessions
    and the desk go by; `proxies` default to CONSOLE_TRUSTED_PROXY."""
    app = web.Application(client_max_size=64 * 1024, middlewares=[_guard])
    app[CLOCK] = clock or _now
    app[DESK] = desk or Desk(RasaConversations(), app[CLOCK])
    app[TRUSTED_PROXIES] = trusted_proxies() if proxies is None else proxies
    app[SIGN_IN_RULE] = sign_in_rule or SignInRule()
    app.on_response_prepare.append(_security_headers)
    app.router.add_get("/", index)
    app.router.add_static("/static/", STATIC)
    app.router.add_post("/api/sign-in", do_sign_in)
    app.router.add_post("/api/sign-out", do_sign_out)
    app.router.add_get("/api/me", me)
    app.router.add_get("/report", monthly_report_page)
    app.router.add_get("/api/queue", queue)
    app.router.add_get("/api/escalations/{escalation_id}", escalation_detail)
    actions: dict[str, Callable[[Desk, AgentRecord, int, dict], object]] = {
        "take": lambda desk, agent, eid, body: desk.take_over(agent, eid),
        "reply": lambda desk, agent, eid, body: desk.reply(agent, eid, body.get("text")),
        "note": lambda desk, agent, eid, body: desk.note(agent, eid, body.get("text")),
        "hand-back": lambda desk, agent, eid, body: desk.hand_back(agent, eid,
                                                                   body.get("summary")),
        "reassign": lambda desk, agent, eid, body: desk.reassign(agent, eid, body.get("agent")),
    }
    for name, act in actions.items():
        app.router.add_post(f"/api/escalations/{{escalation_id}}/{name}", _escalation_action(act))
    app.router.add_get("/api/tickets", tickets)
    app.router.add_get("/api/tickets/{number}", ticket_detail)
    ticket_actions: dict[str, Callable[[Desk, AgentRecord, str, dict], object]] = {
        "status": lambda desk, agent, number, body: desk.set_status(
            agent, number, body.get("status"), body.get("note")),
        "department": lambda desk, agent, number, body: desk.set_department(
            agent, number, body.get("department"), body.get("note")),
        "note": lambda desk, agent, number, body: desk.note_ticket(agent, number,
                                                                   body.get("text")),
    }
    for name, act in ticket_actions.items():
        app.router.add_post(f"/api/tickets/{{number}}/{name}", _ticket_action(act))
    return app


def serve(host: str, port: int) -> None:
    from bot.bootstrap import prepare_database

    prepare_database()
    if not store.list_agents():
        print(texts.AGENT_NONE_YET, flush=True)
    print(texts.CONSOLE_STARTED.format(port=port), flush=True)
    web.run_app(make_app(), host=host, port=port, print=None)
