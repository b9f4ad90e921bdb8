"""The agents' console over HTTP: one page, a JSON API behind a sign-in.

Sessions ride in an HttpOnly, SameSite=Strict cookie; every state-changing request must also
carry the X-Console header, which a page on another site cannot send without the browser
asking us first, so no other site can act in an agent's name. The database and Rasa calls
are blocking, so each request's work runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from aiohttp import web

from bot import store, texts
from bot.console import views
from bot.console.accounts import agent_for_token, require_role, sign_in, sign_out
from bot.console.desk import Desk, Refused
from bot.handoff.conversation import RasaConversations
from bot.store import AgentRecord, TicketQuery
from bot.understanding.address import parse_address

STATIC = Path(__file__).resolve().parent / "static"
COOKIE = "console_session"
CSRF_HEADER = "X-Console"
log = logging.getLogger(__name__)

Handler = Callable[[web.Request, AgentRecord], Awaitable[Any]]
DESK = web.AppKey("desk", Desk)


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def _now() -> datetime:
    return datetime.now(timezone.utc)


async def _body(request: web.Request) -> dict:
    try:
        body = await request.json()
    except ValueError as error:
        raise Refused(texts.CONSOLE_BAD_REQUEST) from error
    if not isinstance(body, dict):
        raise Refused(texts.CONSOLE_BAD_REQUEST)
    return body


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


def signed_in(handler: Handler) -> Callable[[web.Request], Awaitable[Any]]:
    """Only for a live session: 401 otherwise, before anything else is looked at."""

    async def wrapped(request: web.Request) -> Any:
        token = request.cookies.get(COOKIE, "")
        agent = await asyncio.to_thread(agent_for_token, token, _now()) if token else None
        if agent is None:
            return _error(401, texts.CONSOLE_SIGN_IN_FIRST)
        return await handler(request, agent)

    return wrapped


def _escalation_id(request: web.Request) -> int:
    try:
        return int(request.match_info["escalation_id"])
    except ValueError as error:
        raise Refused(texts.CONSOLE_ESCALATION_NOT_FOUND) from error


async def index(_: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})


async def do_sign_in(request: web.Request) -> web.Response:
    body = await _body(request)
    found = await asyncio.to_thread(sign_in, str(body.get("login") or ""),
                                    str(body.get("password") or ""), _now())
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
    return await _ticket_payload(request.app[DESK], agent, request.match_info["number"])


def _ticket_action(act: Callable[[Desk, AgentRecord, str, dict], object]
                   ) -> Callable[[web.Request], Awaitable[Any]]:
    """POST /api/tickets/{number}/<action>: run it, answer with the ticket and its trail."""

    @signed_in
    async def handler(request: web.Request, agent: AgentRecord) -> web.Response:
        desk, number = request.app[DESK], request.match_info["number"]
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
    wanted = request.query.get("month", "").strip()
    try:
        month = Month.parse(wanted) if wanted else Month.before(_now())
    except ValueError as error:
        raise Refused(str(error)) from error

    def page() -> str:
        report = monthly_report(month, _now())
        return render_html(report, render_charts(report))

    return web.Response(text=await asyncio.to_thread(page), content_type="text/html",
                        headers={"Cache-Control": "no-store"})


def make_app(desk: Desk | None = None) -> web.Application:
    app = web.Application(client_max_size=64 * 1024, middlewares=[_guard])
    app[DESK] = desk or Desk(RasaConversations())
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
