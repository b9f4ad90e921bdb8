"""One address in front of several Rasa replicas, each conversation always on one of them.

Rasa's RedisLockStore issues its tickets with a read-modify-write that is not atomic across
processes (rasa issue #9213), so two replicas handling one conversation at the same moment
can both believe they hold the lock. Routing by the sender means one conversation's
messages meet in one process, where Rasa's lock is sound; Redis still carries the lock, and
the tracker on PostgreSQL lets any replica take a conversation over when its own is down.

The sender is read where each channel puts it: the REST body's `sender`, a Telegram
update's chat, WeChat's `openid` query parameter (present even in safe mode), or the
conversation id in Rasa's HTTP API path. Replicas are ranked per sender by rendezvous
hashing: the first healthy one gets it; when it cannot be reached the request goes to the
next, and the conversation stays there until the first comes back. A request that reached a
replica is never sent to another (it may have been handled): its failure is answered 502.

The router is the public side of the production layout, so it passes on only what owners'
channels need: the Telegram and WeChat webhooks and the health check are open; Rasa's REST
channel is open to local scripts (a loopback peer that no proxy forwarded); everything else
(Rasa's API, the web chat's channel) needs an admin JWT (bot/deploy/credentials.py), and
changing the model is refused whatever the token says.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
from collections.abc import Iterable, Mapping
from urllib.parse import unquote

from aiohttp import (ClientConnectorError, ClientError, ClientSession, ClientTimeout,
                     TCPConnector, web)

from bot.deploy import credentials
from bot.deploy.rasa_server import refused
from bot.identity import REST, TELEGRAM, WEB, WECHAT, conversation_id

log = logging.getLogger(__name__)
HEALTH_EVERY = 2.0
# Hop-by-hop headers a proxy must not pass on (RFC 9110 7.6.1), plus what aiohttp sets.
_HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
               "trailer", "transfer-encoding", "upgrade", "host", "content-length"}
MAX_BODY = 2 * 1024 * 1024
# Paths anyone may reach: the channels' webhooks (each checks its own signature) and "/".
PUBLIC_PREFIXES = ("/webhooks/telegram/", "/webhooks/wechat/")
LOCAL_PREFIXES = ("/webhooks/rest/",)
LOOPBACK = {"127.0.0.1", "::1"}


PROXY_HEADERS = ("X-Forwarded-For", "Forwarded", "X-Real-IP")


def proxied(headers: "Mapping[str, str]") -> bool:
    """A proxy passed this request on: it came from outside, whatever the peer address."""
    return any(name in headers for name in PROXY_HEADERS)


def plain_path(raw_path: str) -> str | None:
    """The path as every later hop will read it, or None when decoding or dot segments
    would make it another path (``/webhooks/telegram/%2e%2e/rest/webhook`` is REST, not
    Telegram): such a request is refused rather than judged by its disguise."""
    path = raw_path.split("?", 1)[0]
    decoded = unquote(path)
    while decoded != path:  # %252e%252e is %2e%2e after one hop, .. after two
        path, decoded = decoded, unquote(decoded)
    segments = decoded.split("/")
    if any(segment in (".", "..") for segment in segments) or "\\" in decoded:
        return None
    return decoded


def admitted(method: str, path: str, headers: "Mapping[str, str]", peer: str | None) -> int:
    """0 when the request may pass, otherwise the HTTP status that refuses it."""
    plain = plain_path(path)
    if plain is None:
        return 400
    path = plain
    if refused(method, path):
        return 403
    if path == "/" or path.startswith(PUBLIC_PREFIXES):
        return 0
    if path.startswith(LOCAL_PREFIXES) and peer in LOOPBACK and not proxied(headers):
        return 0
    return 0 if credentials.is_admin(headers.get("Authorization")) else 401


def sender_of(path: str, query: dict[str, str], body: bytes) -> str:
    """The conversation a request belongs to, as the channel will name it (bot/identity.py),
    so a channel's webhook and Rasa's API calls about the same owner meet on one replica;
    "" when it belongs to none (status, health)."""
    parts = path.strip("/").split("/")
    if len(parts) >= 2 and parts[0] == "conversations":
        return unquote(parts[1])
    channel = parts[1] if len(parts) >= 2 and parts[0] == "webhooks" else ""
    if channel == WECHAT and "openid" in query:
        return conversation_id(WECHAT, query["openid"])
    if not body:
        return ""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return ""
    if not isinstance(data, dict):
        return ""
    if channel in (REST, WEB) and "sender" in data:
        return conversation_id(channel, str(data["sender"]).strip())
    for key in ("message", "edited_message", "callback_query"):
        update = data.get(key)
        if isinstance(update, dict):
            chat = (update.get("chat") or (update.get("message") or {}).get("chat")
                    or update.get("from") or {})
            if isinstance(chat, dict) and "id" in chat:
                return conversation_id(TELEGRAM, str(chat["id"]))
    return ""


def ranked(replicas: Iterable[str], sender: str) -> list[str]:
    """Rendezvous hashing: every router ranks the replicas the same way for a sender, and
    removing one replica moves only the conversations that were on it."""
    def weight(replica: str) -> bytes:
        return hashlib.blake2b(f"{replica}|{sender}".encode(), digest_size=8).digest()
    return sorted(replicas, key=weight, reverse=True)


class Router:
    def __init__(self, replicas: list[str], timeout: float = 60) -> None:
        if not replicas:
            raise ValueError("the router needs at least one Rasa replica")
        self.replicas = [r.rstrip("/") for r in replicas]
        self.healthy = set(self.replicas)
        self.timeout = timeout

    def order(self, sender: str) -> list[str]:
        ranking = ranked(self.replicas, sender)
        return [r for r in ranking if r in self.healthy] + [r for r in ranking
                                                           if r not in self.healthy]

    async def check_health(self, session: ClientSession) -> None:
        for replica in self.replicas:
            try:
                async with session.get(f"{replica}/", timeout=ClientTimeout(total=2)) as reply:
                    alive = reply.status < 500
            except (ClientError, asyncio.TimeoutError):
                alive = False
            if alive and replica not in self.healthy:
                log.info("replica %s is back", replica)
                self.healthy.add(replica)
            elif not alive and replica in self.healthy:
                log.warning("replica %s does not answer", replica)
                self.healthy.discard(replica)

    async def forward(self, request: web.Request) -> web.StreamResponse:
        refusal = admitted(request.method, request.raw_path, request.headers, request.remote)
        if refusal:
            log.warning("refused %s %s from %s (%d)", request.method, request.path,
                        request.remote, refusal)
            return web.json_response({"error": "not allowed"}, status=refusal)
        body = await request.read()
        sender = sender_of(request.path, dict(request.query), body)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP}
        session: ClientSession = request.app["client"]
        for replica in self.order(sender):
            try:
                async with session.request(
                    request.method, f"{replica}{request.rel_url}", data=body, headers=headers,
                    allow_redirects=False, timeout=ClientTimeout(total=self.timeout),
                ) as reply:
                    payload = await reply.read()
                    passed = {k: v for k, v in reply.headers.items()
                              if k.lower() not in _HOP_BY_HOP}
                    return web.Response(status=reply.status, body=payload, headers=passed)
            except ClientConnectorError as error:
                # Never reached: the next one in this sender's ranking takes the
                # conversation, its tracker is in PostgreSQL.
                log.warning("replica %s unreachable (%s); trying the next", replica, error)
                self.healthy.discard(replica)
            except (ClientError, asyncio.TimeoutError) as error:
                # Delivered, then lost: it may have been handled, so it is not sent again.
                # The channel's own retry (Telegram, WeChat) or the caller decides.
                log.warning("replica %s failed after delivery (%s)", replica, error)
                self.healthy.discard(replica)
                return web.json_response({"error": "the replica failed while answering"},
                                         status=502)
        return web.json_response({"error": "no Rasa replica answers"}, status=503)


def make_app(router: Router) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY)

    async def lifecycle(app: web.Application):  # type: ignore[no-untyped-def]
        # One connection per request: a pooled connection to a replica that has died
        # would fail after "delivery" and hide that the replica was simply unreachable.
        app["client"] = ClientSession(connector=TCPConnector(force_close=True))

        async def watch() -> None:
            while True:
                await router.check_health(app["client"])
                await asyncio.sleep(HEALTH_EVERY)

        watcher = asyncio.create_task(watch())
        yield
        watcher.cancel()
        await app["client"].close()

    app.cleanup_ctx.append(lifecycle)
    app.router.add_route("*", "/{tail:.*}", router.forward)
    return app


def replicas_from_environment() -> list[str]:
    """RASA_REPLICA_URLS (comma-separated); else RASA_REPLICAS processes from
    RASA_REPLICA_BASE_PORT, as `make run` starts them with honcho."""
    listed = [u.strip() for u in os.environ.get("RASA_REPLICA_URLS", "").split(",") if u.strip()]
    if listed:
        return listed
    count = int(os.environ.get("RASA_REPLICAS", "2"))
    base = int(os.environ.get("RASA_REPLICA_BASE_PORT", "5100"))
    return [f"http://127.0.0.1:{base + index}" for index in range(count)]


def serve(host: str, port: int, replicas: list[str]) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    print(f"router on http://{host}:{port}/ → {', '.join(replicas)}", flush=True)
    web.run_app(make_app(Router(replicas)), host=host, port=port, print=None)
