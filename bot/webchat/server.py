"""The web chat: a page where an owner talks to the assistant from a browser.

The page posts to this server, which forwards to Rasa's web chat channel with an admin JWT,
so the browser never reaches Rasa itself. Who a browser is, the server decides: the first
visit gets a session (a random id in a signed, HttpOnly, SameSite=Strict cookie), and
sending and reading the centre's replies work only for that session's own conversation
(``web:<session>``). Each session and each address may send only so many messages a
minute; more are answered "请稍后再试" without reaching the assistant.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
from pathlib import Path

import httpx
from aiohttp import ClientError, ClientSession, ClientTimeout, web

from bot import texts
from bot.channels.floods import FloodGuard, per_address, per_sender
from bot.channels.limits import MAX_BODY_BYTES, MAX_TEXT_CHARS
from bot.client_address import client_address, trusted_proxies
from bot.deploy import credentials
from bot.handoff.conversation import RasaConversations
from bot.identity import WEB, Owner

STATIC = Path(__file__).resolve().parent / "static"
COOKIE = "webchat_session"
CALLER = "webchat"
SESSION_DAYS = 30
log = logging.getLogger(__name__)
# Longest owner message the page accepts; Rasa's channel cuts what is longer and says so.
MAX_MESSAGE_CHARS = MAX_TEXT_CHARS * 2
SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; script-src 'self'; style-src 'self'; "
                                "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
                                "base-uri 'none'; form-action 'self'"),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
FLOODS = web.AppKey("floods", dict)
CLIENT = web.AppKey("client", ClientSession)
TRUSTED_PROXIES = web.AppKey("trusted_proxies", tuple)


def rasa_url() -> str:
    return os.environ.get("RASA_URL", "http://127.0.0.1:5005").rstrip("/")


def secure_cookies() -> bool:
    return os.environ.get("WEBCHAT_SECURE_COOKIES", "").lower() in ("1", "true", "yes")


def browser_address(request: web.Request) -> str:
    """The browser's address, believing X-Forwarded-For only from the proxies
    WEBCHAT_TRUSTED_PROXY names (nginx on the same host, say)."""
    return client_address(request.remote, request.headers.getall("X-Forwarded-For", []),
                          request.app[TRUSTED_PROXIES])


def session_of(request: web.Request) -> str | None:
    return credentials.unsign(request.cookies.get(COOKIE))


def _refuse(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


async def index(request: web.Request) -> web.StreamResponse:
    page = web.FileResponse(STATIC / "index.html")
    if session_of(request) is None:
        page.set_cookie(COOKIE, credentials.sign(secrets.token_urlsafe(18)), httponly=True,
                        samesite="Strict", secure=secure_cookies(), path="/",
                        max_age=SESSION_DAYS * 86400)
    return page


async def send(request: web.Request) -> web.Response:
    """Forward one owner message to Rasa and return the assistant's replies."""
    session = session_of(request)
    if session is None:
        return _refuse(401, texts.WEBCHAT_NO_SESSION)
    try:
        body = await request.json()
    except ValueError:
        return _refuse(400, texts.WEBCHAT_BAD_REQUEST)
    message = body.get("message") if isinstance(body, dict) else None
    if not isinstance(message, str):
        return _refuse(400, texts.WEBCHAT_BAD_REQUEST)
    message = message.strip()[:MAX_MESSAGE_CHARS]
    if not message:
        return _refuse(400, texts.WEBCHAT_EMPTY)
    floods = request.app[FLOODS]
    if not floods["address"].allow(browser_address(request)) or not floods["session"].allow(session):
        return _refuse(429, texts.TOO_MANY_MESSAGES)
    try:
        async with request.app[CLIENT].post(
            f"{rasa_url()}/webhooks/{WEB}/webhook", json={"sender": session, "message": message},
            headers=credentials.admin_headers(CALLER),
        ) as reply:
            reply.raise_for_status()
            return web.json_response(await reply.json())
    except (ClientError, TimeoutError) as error:
        log.warning("Rasa did not answer: %s", error)
        return _refuse(503, texts.WEBCHAT_RASA_DOWN)


async def updates(request: web.Request) -> web.Response:
    """What the service centre said since `after` (a tracker timestamp): an agent's replies
    and the hand-back notice reach a web-chat owner this way, since the page cannot be
    pushed to. Without `after`, only the cursor to start from."""
    session = session_of(request)
    if session is None:
        return _refuse(401, texts.WEBCHAT_NO_SESSION)
    try:
        after = float(request.query["after"]) if "after" in request.query else None
    except ValueError:
        return _refuse(400, texts.WEBCHAT_BAD_REQUEST)
    conversations = RasaConversations(rasa_url(), timeout=30, caller=CALLER)
    try:
        tracker = await asyncio.to_thread(conversations.tracker, Owner(WEB, session))
    except httpx.HTTPError as error:
        log.warning("Rasa did not answer: %s", error)
        return _refuse(503, texts.WEBCHAT_RASA_DOWN)
    events = tracker.get("events") or []
    latest = max((float(e.get("timestamp") or 0) for e in events), default=0.0)
    if after is None:
        return web.json_response({"messages": [], "cursor": latest})
    messages = [
        {"text": e.get("text"), "agent": (e.get("metadata") or {}).get("agent")}
        for e in events
        if e.get("event") == "bot" and float(e.get("timestamp") or 0) > after
        and (e.get("metadata") or {}).get("from_console") and e.get("text")
    ]
    return web.json_response({"messages": messages, "cursor": max(latest, after)})


@web.middleware
async def security_headers(request: web.Request, handler):  # type: ignore[no-untyped-def]
    try:
        reply = await handler(request)
    except web.HTTPRequestEntityTooLarge:
        # The page reads JSON: a message too large for the door is said so, in Chinese.
        reply = _refuse(413, texts.WEBCHAT_TOO_LARGE)
    reply.headers.update(SECURITY_HEADERS)
    return reply


async def _client(app: web.Application):  # type: ignore[no-untyped-def]
    app[CLIENT] = ClientSession(timeout=ClientTimeout(total=60))
    yield
    await app[CLIENT].close()


def make_app(floods: dict[str, FloodGuard] | None = None) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY_BYTES, middlewares=[security_headers])
    app[FLOODS] = floods or {"address": per_address(), "session": per_sender()}
    app[TRUSTED_PROXIES] = trusted_proxies("WEBCHAT_TRUSTED_PROXY")
    app.router.add_get("/", index)
    app.router.add_post("/api/message", send)
    app.router.add_get("/api/updates", updates)
    app.router.add_static("/static/", STATIC)
    app.cleanup_ctx.append(_client)
    return app


def serve(host: str, port: int) -> None:
    credentials.secret(credentials.WEBCHAT_SECRET)  # fail at start, not at the first visit
    print(texts.WEBCHAT_STARTED.format(port=port), flush=True)
    web.run_app(make_app(), host=host, port=port, print=None)
