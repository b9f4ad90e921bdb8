"""The local web chat: a page where a newcomer talks to the assistant as an owner.

The page posts to this server, which forwards to Rasa's REST channel, so the browser needs
no cross-origin access to the Rasa server and the page works from another machine too.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from urllib.parse import quote

from aiohttp import ClientError, ClientSession, ClientTimeout, web

STATIC = Path(__file__).resolve().parent / "static"
RASA_URL = os.environ.get("RASA_URL", "http://localhost:5005")
# Longest owner message the page forwards; longer ones are cut, not rejected.
MAX_MESSAGE_CHARS = 2000
log = logging.getLogger(__name__)


async def index(_: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html")


async def send(request: web.Request) -> web.Response:
    """Forward one owner message to Rasa and return the assistant's replies."""
    try:
        body = await request.json()
    except ValueError:
        return web.json_response({"error": "请求格式不正确"}, status=400)
    sender = str(body.get("sender") or "").strip()[:128]
    message = str(body.get("message") or "").strip()[:MAX_MESSAGE_CHARS]
    if not sender or not message:
        return web.json_response({"error": "sender 和 message 不能为空"}, status=400)
    session: ClientSession = request.app["client"]
    try:
        async with session.post(
            f"{RASA_URL}/webhooks/rest/webhook",
            json={"sender": sender, "message": message, "metadata": {"channel": "webchat"}},
        ) as reply:
            reply.raise_for_status()
            return web.json_response(await reply.json())
    except (ClientError, TimeoutError) as error:
        log.warning("Rasa did not answer: %s", error)
        return web.json_response(
            {"error": "助手暂时没有响应,请稍后再试。"}, status=503
        )


async def updates(request: web.Request) -> web.Response:
    """What the service centre said since `after` (a tracker timestamp): an agent's replies
    and the hand-back notice reach a web-chat owner this way, since the REST channel cannot
    push. Without `after`, only the cursor to start from."""
    sender = request.query.get("sender", "").strip()[:128]
    if not sender:
        return web.json_response({"error": "sender 不能为空"}, status=400)
    try:
        after = float(request.query["after"]) if "after" in request.query else None
    except ValueError:
        return web.json_response({"error": "after 必须是时间戳"}, status=400)
    session: ClientSession = request.app["client"]
    try:
        async with session.get(f"{RASA_URL}/conversations/{quote(sender, safe='')}/tracker",
                               params={"include_events": "AFTER_RESTART"}) as reply:
            reply.raise_for_status()
            events = (await reply.json()).get("events") or []
    except (ClientError, TimeoutError) as error:
        log.warning("Rasa did not answer: %s", error)
        return web.json_response({"error": "助手暂时没有响应,请稍后再试。"}, status=503)
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


async def _client(app: web.Application):  # type: ignore[no-untyped-def]
    app["client"] = ClientSession(timeout=ClientTimeout(total=30))
    yield
    await app["client"].close()


def make_app() -> web.Application:
    app = web.Application(client_max_size=64 * 1024)
    app.router.add_get("/", index)
    app.router.add_post("/api/message", send)
    app.router.add_get("/api/updates", updates)
    app.router.add_static("/static/", STATIC)
    app.cleanup_ctx.append(_client)
    return app


def serve(host: str, port: int) -> None:
    print(f"网页聊天已启动: 在浏览器打开 http://localhost:{port}/ 以业主身份与助手对话", flush=True)
    web.run_app(make_app(), host=host, port=port, print=None)
