"""The router, the public side of the production layout.

Against the real layout (tests/scale/conftest.py `replicas`: two Rasa replicas on
PostgreSQL, Redis and RabbitMQ behind the router), over real HTTP: Rasa's API without a
valid admin token is refused 401, changing the model 403 even with one, the web chat's
channel 401 without a token, and the REST channel 401 once a proxy has forwarded the
request (X-Forwarded-For); in each case nothing is written and owners are still answered.

At unit level, with two tiny fake replicas on localhost: a request the first replica
accepted and then hung up on is answered 502 and never sent to the second (it may have
been handled); a request the first could not even receive (nothing listening) goes to the
second.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import re
import uuid
from urllib.parse import urlsplit

import httpx
import pytest
from aiohttp import ClientSession, web

from bot.deploy.credentials import admin_headers
from bot.deploy.router import Router, make_app, ranked, sender_of
from bot.identity import Owner
from tests.scale.conftest import replicas  # noqa: F401 - the production layout, per module
from tests.security.attacks import (CALLER_NAMES, Recorder, caller, history, readable,
                                    said_by_owner)
from tools.stack import free_port

GREETING = "物业客户服务中心"


def rest(url: str, sender: str, message: str = "你好", **headers: str) -> httpx.Response:
    return httpx.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": message},
                      headers=headers, timeout=120)


def answered(url: str, sender: str) -> None:
    reply = rest(url, sender)
    assert reply.status_code == 200, reply.text[:300]
    assert GREETING in "\n".join(item.get("text") or "" for item in reply.json())


def raw(url: str, method: str, path: str, body: bytes | None = None,
        headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """One request with `path` sent byte for byte (httpx would normalise `..` away)."""
    where = urlsplit(url)
    connection = http.client.HTTPConnection(where.hostname, where.port, timeout=120)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        reply = connection.getresponse()
        return reply.status, reply.read()
    finally:
        connection.close()


# --- the production layout ------------------------------------------------------------------

@pytest.mark.model
@pytest.mark.parametrize("who", CALLER_NAMES)
def test_rasas_api_through_the_router_needs_an_admin_token(replicas, who: str) -> None:
    owner = f"router-{uuid.uuid4().hex[:8]}"
    answered(replicas.rasa_url, owner)  # a conversation worth reading
    conversation = Owner("rest", owner)
    headers, _ = caller(conversation.conversation_id, who)
    base = f"{replicas.rasa_url}/conversations/{conversation.conversation_id}"
    before = history(replicas.rasa_url, conversation)
    attempts = [
        httpx.get(f"{base}/tracker", headers=headers, timeout=60),
        httpx.post(f"{base}/tracker/events", json=[{"event": "pause"}], headers=headers,
                   timeout=60),
        httpx.put(f"{base}/tracker/events", json=[], headers=headers, timeout=60),
        httpx.post(f"{base}/trigger_intent", json={"name": "greet"}, headers=headers,
                   timeout=60),
        httpx.get(f"{replicas.rasa_url}/status", headers=headers, timeout=60),
    ]
    # The router admits only admin tokens: even Rasa's per-conversation "user" role is 401.
    assert [a.status_code for a in attempts] == [401] * len(attempts), [
        a.text[:200] for a in attempts]
    assert all("你好" not in readable(a) for a in attempts)
    assert history(replicas.rasa_url, conversation) == before
    answered(replicas.rasa_url, owner)  # not paused, not replaced


@pytest.mark.model
def test_the_admin_token_passes_the_router_so_the_refusals_mean_something(replicas) -> None:
    owner = f"router-{uuid.uuid4().hex[:8]}"
    answered(replicas.rasa_url, owner)
    reply = httpx.get(f"{replicas.rasa_url}/conversations/rest:{owner}/tracker",
                      headers=admin_headers("security-test"), timeout=60)
    assert reply.status_code == 200 and "你好" in readable(reply)


@pytest.mark.model
@pytest.mark.parametrize(("method", "path"), [
    ("PUT", "/model"), ("DELETE", "/model"), ("POST", "/model/train"),
    ("POST", "/model/test/intents"), ("PUT", "/model/"), ("PUT", "/%6Dodel")])
def test_the_router_refuses_model_changes_even_with_the_admin_token(
        replicas, method: str, path: str) -> None:
    def models() -> list[str | None]:
        return [httpx.get(f"{url}/status", headers=admin_headers("security-test"),
                          timeout=60).json().get("model_id") for url in replicas.replica_urls]

    before = models()
    with Recorder() as recorder:
        body = json.dumps({"model_server": {"url": f"{recorder.url}/models/evil.tar.gz"},
                           "config": "pipeline: []", "nlu": "nlu: []"}).encode()
        status, text = raw(replicas.rasa_url, method, path, body, {
            **admin_headers("security-test"), "Content-Type": "application/json"})
        assert status == 403, text[:300]
        assert recorder.seen == [], f"a replica called the attacker's server: {recorder.seen}"
    assert models() == before and all(before)
    answered(replicas.rasa_url, f"router-{uuid.uuid4().hex[:8]}")


@pytest.mark.model
@pytest.mark.parametrize("who", ["no token", "an admin token signed with another secret",
                                 "an expired admin token"])
def test_the_web_chat_channel_through_the_router_needs_the_admin_token(
        replicas, who: str) -> None:
    session = f"forged-{uuid.uuid4().hex[:8]}"
    headers, _ = caller(f"web:{session}", who)
    reply = httpx.post(f"{replicas.rasa_url}/webhooks/web/webhook", headers=headers,
                       json={"sender": session, "message": "你好"}, timeout=60)
    assert reply.status_code == 401, reply.text[:300]
    assert said_by_owner(replicas.rasa_url, Owner("web", session)) == []


@pytest.mark.model
@pytest.mark.parametrize("forwarded", [
    {"X-Forwarded-For": "203.0.113.9"},
    {"x-forwarded-for": "203.0.113.9"},
    {"X-Forwarded-For": "127.0.0.1"},  # a client claiming to be local
    {"X-Forwarded-For": "203.0.113.9, 127.0.0.1"},
], ids=["public", "lower case", "claims loopback", "chain"])
def test_rest_through_the_router_is_refused_once_a_proxy_forwarded_it(
        replicas, forwarded: dict) -> None:
    sender = f"outsider-{uuid.uuid4().hex[:8]}"
    reply = rest(replicas.rasa_url, sender, **forwarded)
    assert reply.status_code == 401, reply.text[:300]
    assert said_by_owner(replicas.rasa_url, Owner("rest", sender)) == []
    answered(replicas.rasa_url, sender)  # the same script on this host, not forwarded: fine


@pytest.mark.model
@pytest.mark.parametrize("path", ["/webhooks/telegram/../rest/webhook",
                                  "/webhooks/telegram/%2e%2e/rest/webhook",
                                  "/webhooks/wechat/%2E%2E/%2E%2E/webhooks/rest/webhook"],
                         ids=["dots", "encoded dots", "wechat, upper-case encoding"])
def test_rest_is_not_reached_through_a_public_prefix_with_dot_segments(
        replicas, path: str) -> None:
    sender = f"outsider-{uuid.uuid4().hex[:8]}"
    body = json.dumps({"sender": sender, "message": "你好"}).encode()
    status, text = raw(replicas.rasa_url, "POST", path, body, {
        "Content-Type": "application/json", "X-Forwarded-For": "203.0.113.9"})
    written = said_by_owner(replicas.rasa_url, Owner("rest", sender))
    assert (status, written) in ((400, []), (401, []), (403, []), (404, [])), (status, text[:200], written)


# --- failover, at unit level with fake replicas ---------------------------------------------

async def _no_health_checks(session) -> None:  # type: ignore[no-untyped-def]
    """The request itself, not the health check, meets the broken replica."""


async def _answering_replica(seen: list[dict]) -> tuple[web.AppRunner, str]:
    """Answers like Rasa's REST channel and records what it was asked."""
    async def any_request(request: web.Request) -> web.Response:
        seen.append({"path": request.path, "body": await request.json()})
        return web.json_response([{"recipient_id": "x", "text": "第二个副本的回答"}])

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", any_request)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, f"http://127.0.0.1:{port}"


async def _hanging_up_replica(seen: list[str]) -> tuple[asyncio.AbstractServer, str]:
    """Reads the whole request, then closes the connection without a word (as a replica
    that died while answering). A bare asyncio server: an aiohttp one always answers."""
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
        body = await reader.readexactly(int(length.group(1))) if length else b""
        seen.append(head.split(b"\r\n", 1)[0].decode() + " " + body.decode())
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"


def _sender_ranking_first(first: str, both: list[str]) -> str:
    """A REST sender whose conversation the router ranks on `first` (read as it reads it)."""
    def conversation(sender: str) -> str:
        body = json.dumps({"sender": sender, "message": "你好"}).encode()
        return sender_of("/webhooks/rest/webhook", {}, body)

    return next(f"owner-{n}" for n in range(1000)
                if ranked(both, conversation(f"owner-{n}"))[0] == first)


async def _through_router(replica_urls: list[str], sender: str,
                          router: Router | None = None) -> tuple[int, object]:
    router = router or Router(replica_urls, timeout=20)
    router.check_health = _no_health_checks  # type: ignore[method-assign]
    runner = web.AppRunner(make_app(router))
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        async with ClientSession() as client:
            async with client.post(f"http://127.0.0.1:{port}/webhooks/rest/webhook",
                                   json={"sender": sender, "message": "你好"}) as reply:
                return reply.status, await reply.json(content_type=None)
    finally:
        await runner.cleanup()


def test_a_request_a_replica_accepted_and_then_hung_up_on_is_502_and_never_resent() -> None:
    async def scenario() -> tuple[int, object, list[str], list[dict]]:
        hung_up_on, second_saw = [], []
        server, first = await _hanging_up_replica(hung_up_on)
        runner, second = await _answering_replica(second_saw)
        try:
            status, body = await _through_router(
                [first, second], _sender_ranking_first(first, [first, second]))
        finally:
            server.close()
            await runner.cleanup()
        return status, body, hung_up_on, second_saw

    status, body, hung_up_on, second_saw = asyncio.run(scenario())
    assert status == 502, body
    assert len(hung_up_on) == 1 and "POST /webhooks/rest/webhook" in hung_up_on[0]
    assert second_saw == [], "a request that reached a replica was sent again"


def test_a_request_no_replica_received_goes_to_the_next() -> None:
    async def scenario() -> tuple[int, object, list[dict], str, Router, str]:
        second_saw: list[dict] = []
        nobody = f"http://127.0.0.1:{free_port()}"  # nothing listens there
        runner, second = await _answering_replica(second_saw)
        sender = _sender_ranking_first(nobody, [nobody, second])
        router = Router([nobody, second], timeout=20)
        try:
            status, body = await _through_router([nobody, second], sender, router)
        finally:
            await runner.cleanup()
        return status, body, second_saw, sender, router, nobody

    status, body, second_saw, sender, router, nobody = asyncio.run(scenario())
    assert status == 200 and body == [{"recipient_id": "x", "text": "第二个副本的回答"}]
    assert second_saw == [{"path": "/webhooks/rest/webhook",
                           "body": {"sender": sender, "message": "你好"}}]
    assert nobody not in router.healthy, "the request itself met the dead replica first"
