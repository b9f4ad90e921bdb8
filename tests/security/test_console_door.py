"""The agents' console's front door: sign-in throttling per login and per client address
(kept in the database, audited, lifted after the lock time), the security headers on every
answer, and ids that cannot exist answering 404 in Chinese.

Over real HTTP against the console as `make run` starts it (tests/stack.py), each test from a
loopback source address of its own (127.x.y.z), so the per-address locks it provokes touch
no other test; the lock's end and a trusted proxy over real HTTP against a console served
in-process with an injected clock; the rule itself on the store, on SQLite and PostgreSQL,
with the time given, never waited for.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re
import secrets
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from aiohttp import web

from bot import store, texts
from bot.console import add_agent
from bot.console.accounts import SignInLocked, throttle_key, throttled_sign_in
from bot.console.server import client_address, make_app, trusted_proxies
from bot.store import SignInRule

PASSWORD = "door pass 2026"
WRONG = "not the password"
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=timezone.utc)
RULE = SignInRule()
LOCKED_15 = texts.CONSOLE_SIGN_IN_LOCKED.format(minutes=15)
STATIC = Path(__file__).resolve().parents[2] / "bot" / "console" / "static"
_used_addresses: set[str] = {"127.0.0.1"}


def fresh_address() -> str:
    """A loopback address no other test in this run speaks from."""
    while True:
        address = ("127." + ".".join(str(secrets.randbelow(254) + 1) for _ in range(3)))
        if address not in _used_addresses:
            _used_addresses.add(address)
            return address


@contextmanager
def door(base: str, address: str) -> Iterator[httpx.Client]:
    """A browser's worth of client, connecting from `address`."""
    with httpx.Client(base_url=base, timeout=60,
                      transport=httpx.HTTPTransport(local_address=address)) as client:
        yield client


def attempt(client: httpx.Client, login: str, password: str,
            forwarded_for: str | None = None) -> httpx.Response:
    headers = {"X-Console": "1"}
    if forwarded_for is not None:
        headers["X-Forwarded-For"] = forwarded_for
    return client.post("/api/sign-in", json={"login": login, "password": password},
                       headers=headers)


def chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def assert_refused_without_session(answer: httpx.Response, client: httpx.Client,
                                   message: str = LOCKED_15) -> None:
    assert answer.status_code == 429, answer.text
    assert answer.json() == {"error": message}
    assert "set-cookie" not in answer.headers
    assert not client.cookies


class Clock:
    """The console's time, moved by the test."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@contextmanager
def serving(app: web.Application) -> Iterator[str]:
    """`app` on a real local port, in a thread of its own, e.g. http://127.0.0.1:PORT."""
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app)
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0)
    loop.run_until_complete(site.start())
    port = runner.addresses[0][1]
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=30)
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()


@pytest.fixture
def accounts(stack, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Two agents and a supervisor with fresh logins on the stack's database."""
    monkeypatch.setenv("DATABASE_URL", stack.database_url)
    tag = uuid.uuid4().hex[:6]
    return {key: add_agent(f"{key}-door-{tag}", f"{name}{tag}", role, PASSWORD).login
            for key, name, role in (("wang", "王丽", "agent"), ("li", "李强", "agent"),
                                    ("zhao", "赵敏", "supervisor"))}


# --- over HTTP, against the console as `make run` starts it ---

@pytest.mark.model
def test_five_wrong_passwords_lock_the_login_even_for_the_right_one(console, accounts) -> None:
    login, address = accounts["wang"], fresh_address()
    with door(console, address) as client:
        wrong = [attempt(client, login, WRONG) for _ in range(5)]
        assert [answer.status_code for answer in wrong] == [401, 401, 401, 401, 429]
        assert {answer.json()["error"] for answer in wrong[:4]} == {texts.CONSOLE_SIGN_IN_FAILED}
        assert wrong[4].json()["error"] == LOCKED_15
        right = attempt(client, login, PASSWORD)
        assert_refused_without_session(right, client)
        assert right.json()["error"] == "登录失败次数过多，请15分钟后再试。"
        assert 840 <= int(right.headers["Retry-After"]) <= 900
        assert client.get("/api/me").status_code == 401
    # The lock is the login's: the right password from elsewhere is refused too.
    with door(console, fresh_address()) as elsewhere:
        assert_refused_without_session(attempt(elsewhere, login, PASSWORD), elsewhere)

    # The lock-out is in the console's audit trail, with the address it came from.
    audited = store.console_events(kind="sign_in_locked", subject=f"login:{login}")
    assert len(audited) == 1
    assert audited[0].actor == address
    assert login in audited[0].text and address in audited[0].text and chinese(audited[0].text)

    # After the lock time (the store asked with a later time, no waiting) the right password
    # signs in, and the login's failures are forgotten.
    now = datetime.now(timezone.utc)
    later = now + RULE.lock + timedelta(seconds=1)
    assert store.sign_in_locked_until(login, address, now) is not None
    assert store.sign_in_locked_until(login, address, later) is None
    signed = throttled_sign_in(login, PASSWORD, fresh_address(), later)
    assert signed is not None and signed[1].login == login
    assert store.sign_in_failure_count(login=login) == 0


@pytest.mark.model
def test_an_unknown_login_is_answered_like_a_known_one(console, accounts) -> None:
    def five_then_right(login: str) -> list[tuple[int, dict]]:
        with door(console, fresh_address()) as client:
            answers = [attempt(client, login, WRONG) for _ in range(5)]
            answers.append(attempt(client, login, PASSWORD))
            assert not client.cookies
            return [(answer.status_code, answer.json()) for answer in answers]

    known = five_then_right(accounts["li"])
    unknown = five_then_right(f"ghost-{uuid.uuid4().hex[:6]}")
    assert known == unknown
    assert [status for status, _ in unknown] == [401, 401, 401, 401, 429, 429]


@pytest.mark.model
def test_one_address_is_locked_across_logins(console, accounts) -> None:
    address, tag = fresh_address(), uuid.uuid4().hex[:6]
    logins = [accounts["wang"], f"ghost-{tag}-1", accounts["li"], f"ghost-{tag}-2",
              f"ghost-{tag}-3"]
    with door(console, address) as client:
        statuses = [attempt(client, login, WRONG).status_code for login in logins]
        assert statuses == [401, 401, 401, 401, 429]
        # A login that never failed is refused from this address, right password or not...
        assert_refused_without_session(attempt(client, accounts["zhao"], PASSWORD), client)
        # ...and a forwarded-for header the console was not told to trust changes nothing.
        spoofed = attempt(client, accounts["zhao"], PASSWORD, forwarded_for="198.51.100.23")
        assert_refused_without_session(spoofed, client)
    # The same accounts sign in from another address (each failed only once).
    with door(console, fresh_address()) as elsewhere:
        assert attempt(elsewhere, accounts["zhao"], PASSWORD).status_code == 200
        assert attempt(elsewhere, accounts["wang"], PASSWORD).status_code == 200
    audited = store.console_events(subject=f"address:{address}")
    assert [event.kind for event in audited] == ["sign_in_locked"]
    assert audited[0].actor == address and address in audited[0].text


class _PageParts(HTMLParser):
    """What a Content-Security-Policy without 'unsafe-inline' would block in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str | None] = []
        self.styles: list[str | None] = []
        self.inline: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "script":
            self.scripts.append(named.get("src"))
            self._in_script = True
        if tag == "link" and named.get("rel") == "stylesheet":
            self.styles.append(named.get("href"))
        if tag == "style":
            self.inline.append("<style>")
        self.inline += [f"{tag} {name}" for name, _ in attrs
                        if name.startswith("on") or name == "style"]
        self.inline += [f"{tag} {name}" for name, value in attrs
                        if (value or "").strip().lower().startswith("javascript:")]

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline.append("inline script")


def _policy(answer: httpx.Response) -> dict[str, str]:
    policy = answer.headers["Content-Security-Policy"]
    return {part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
            for part in policy.split(";") if part.strip()}


def assert_door_headers(answer: httpx.Response) -> None:
    assert answer.headers["X-Frame-Options"] == "DENY", answer.url
    assert answer.headers["X-Content-Type-Options"] == "nosniff", answer.url
    assert answer.headers["Referrer-Policy"] == "no-referrer", answer.url
    policy = _policy(answer)
    assert policy["frame-ancestors"] == "'none'", answer.url
    assert "'unsafe-inline'" not in answer.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in answer.headers["Content-Security-Policy"]


@pytest.mark.model
def test_every_answer_carries_the_security_headers(console, accounts) -> None:
    with door(console, fresh_address()) as client:
        answers = [client.get(path) for path in (
            "/", "/static/console.js", "/static/console.css", "/api/me", "/api/queue",
            "/api/no-such-thing", "/no-such-page", "/static/no-such-file.js")]
        answers.append(attempt(client, f"ghost-{uuid.uuid4().hex[:6]}", WRONG))
        answers.append(client.post("/api/sign-in", json={}))  # no X-Console header: 403
        assert [answer.status_code for answer in answers] == [
            200, 200, 200, 401, 401, 404, 404, 404, 401, 403]
        for answer in answers:
            assert_door_headers(answer)
            assert _policy(answer) == {
                "default-src": "'none'", "script-src": "'self'", "style-src": "'self'",
                "img-src": "'self'", "connect-src": "'self'", "form-action": "'self'",
                "base-uri": "'none'", "frame-ancestors": "'none'"}
        api = [answer for answer in answers if answer.url.path.startswith("/api/")]
        assert all(answer.headers["Cache-Control"] == "no-store" for answer in api)
        # Even the router's own 404 under /api/ answers in Chinese JSON.
        assert chinese(answers[5].json()["error"])

        # The page works under that policy: its script and style are the console's own files.
        page = _PageParts()
        page.feed(answers[0].content.decode("utf-8"))
        assert page.scripts == ["/static/console.js"] and page.styles == ["/static/console.css"]
        assert page.inline == []
        assert (STATIC / "index.html").read_bytes() == answers[0].content

        # The monthly report is one self-contained page: its inline style is allowed by its
        # hash alone, its charts as data: images, and no script at all.
        assert attempt(client, accounts["zhao"], PASSWORD).status_code == 200
        report = client.get("/report", params={"month": "2026-11"})
        assert report.status_code == 200
        assert_door_headers(report)
        policy = _policy(report)
        styles = re.findall(r"<style>(.*?)</style>", report.text, re.DOTALL)
        assert styles
        digests = {"'sha256-" + base64.b64encode(hashlib.sha256(style.encode()).digest())
                   .decode() + "'" for style in styles}
        assert set(policy["style-src"].split()) == digests
        assert policy["img-src"] == "data:" and "script-src" not in policy
        assert policy["default-src"] == "'none'"


ABSURD_IDS = ["99999999999999999999", "2147483648", "0", "-1", "abc", "1e3", "١٢", "%20%37",
              "1.5", "0x10", "%00", "9" * 400]


@pytest.mark.model
def test_ids_that_cannot_exist_answer_404_in_chinese(console, accounts) -> None:
    with door(console, fresh_address()) as client:
        assert attempt(client, accounts["zhao"], PASSWORD).status_code == 200
        headers = {"X-Console": "1"}
        for raw in ABSURD_IDS + ["2147483647"]:  # the largest id there could be, but is not
            answer = client.get(f"/api/escalations/{raw}")
            assert answer.status_code == 404, (raw, answer.text)
            assert answer.json() == {"error": texts.CONSOLE_ESCALATION_NOT_FOUND}, raw
            for action, body in (("take", {}), ("reply", {"text": "您好"}),
                                 ("note", {"text": "备注"}), ("hand-back", {"summary": "完毕"}),
                                 ("reassign", {"agent": accounts["li"]})):
                answer = client.post(f"/api/escalations/{raw}/{action}", json=body,
                                     headers=headers)
                assert answer.status_code == 404, (raw, action, answer.text)
                assert answer.json() == {"error": texts.CONSOLE_ESCALATION_NOT_FOUND}
        for number in ["%00", "x" * 400, "BX-2026%0A1123", "工单一", "..%2f..%2fetc",
                       "BX-99999999-9999"]:
            paths = [f"/api/tickets/{number}"] + [f"/api/tickets/{number}/{action}"
                                                  for action in ("status", "department", "note")]
            for path in paths:
                answer = (client.get(path) if path.count("/") == 3 else
                          client.post(path, json={"status": "accepted", "department": "cleaning",
                                                  "text": "备注"}, headers=headers))
                assert answer.status_code == 404, (path, answer.text)
                assert chinese(answer.json()["error"]), path
        # Unknown routes and methods under /api/ answer in Chinese JSON too.
        for answer in (client.post("/api/escalations/1/explode", json={}, headers=headers),
                       client.get("/api/escalations/"), client.get("/api/escalations/1/take")):
            assert answer.status_code in (404, 405), answer.url
            assert chinese(answer.json()["error"])
        # What no database keeps (NUL, lone surrogates) is a bad request, never a 500.
        assert client.get("/api/tickets", params={"number": "\x00"}).status_code == 400
        assert client.get("/api/tickets", params={"phone": "1" * 1000}).status_code == 400
        assert client.post("/api/tickets/BX-20261203-0001/note", content=b'{"text": "a\\u0000"}',
                           headers=headers).status_code == 400
        assert attempt(client, "wang\x00", WRONG).status_code == 400
        lone = client.post("/api/sign-in", content=b'{"login": "x", "password": "\\ud800"}',
                           headers=headers)
        assert lone.status_code == 400 and chinese(lone.json()["error"])
    with door(console, fresh_address()) as anonymous:  # still: sign in first, then 404
        assert anonymous.get("/api/escalations/99999999999999999999").status_code == 401


# --- over HTTP, against a console served here with its clock in the test's hands ---

def test_the_lock_lifts_after_its_time_and_a_success_clears_the_failures(database: str) -> None:
    clock = Clock(NOW)
    add_agent("wang.li", "王丽", "agent", PASSWORD, now=NOW)
    with serving(make_app(clock=clock, proxies=())) as base, door(base, fresh_address()) as client:
        for _ in range(4):
            assert attempt(client, "wang.li", WRONG).status_code == 401
        assert attempt(client, "Wang.Li ", PASSWORD).status_code == 200  # forgets those four
        client.cookies.clear()
        for _ in range(4):
            assert attempt(client, "wang.li", WRONG).status_code == 401
        assert attempt(client, "wang.li", WRONG).status_code == 429
        clock.advance(minutes=14)
        nearly = attempt(client, "wang.li", PASSWORD)
        assert_refused_without_session(nearly, client,
                                       texts.CONSOLE_SIGN_IN_LOCKED.format(minutes=1))
        assert nearly.headers["Retry-After"] == "60"
        clock.advance(minutes=1)
        signed = attempt(client, "wang.li", PASSWORD)
        assert signed.status_code == 200, signed.text
        assert "console_session" in client.cookies
        assert client.get("/api/me").json()["agent"]["login"] == "wang.li"
        assert_door_headers(signed)
    assert len(store.console_events(kind="sign_in_locked")) == 2  # the login and the address


def test_behind_a_trusted_proxy_the_forwarded_client_is_counted(database: str) -> None:
    clock = Clock(NOW)
    add_agent("wang.li", "王丽", "agent", PASSWORD, now=NOW)
    app = make_app(clock=clock, proxies=trusted_proxies("127.0.0.0/8"))
    with serving(app) as base, door(base, fresh_address()) as proxy:
        statuses = [attempt(proxy, f"ghost-{n}", WRONG, "203.0.113.5").status_code
                    for n in range(5)]
        assert statuses == [401, 401, 401, 401, 429]
        # What the client wrote itself stands left of what the proxy appended: no way out.
        assert attempt(proxy, "wang.li", PASSWORD, "198.51.100.1, 203.0.113.5").status_code == 429
        # Another client behind the same proxy is not locked out.
        assert attempt(proxy, "wang.li", PASSWORD, "203.0.113.6").status_code == 200
    audited = store.console_events(kind="sign_in_locked")
    assert [(event.actor, event.subject) for event in audited] == [
        ("203.0.113.5", "address:203.0.113.5")]


def test_the_client_address_is_the_peer_unless_a_trusted_proxy_forwards_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONSOLE_TRUSTED_PROXY", raising=False)
    assert trusted_proxies() == ()
    assert client_address("203.0.113.9", ["198.51.100.1"], ()) == "203.0.113.9"
    monkeypatch.setenv("CONSOLE_TRUSTED_PROXY", "127.0.0.1, 10.0.0.0/8")
    trusted = trusted_proxies()
    assert client_address("203.0.113.9", ["198.51.100.1"], trusted) == "203.0.113.9"
    assert client_address("127.0.0.1", ["198.51.100.1"], trusted) == "198.51.100.1"
    assert client_address("127.0.0.1", ["198.51.100.1, 10.1.2.3"], trusted) == "198.51.100.1"
    assert client_address("127.0.0.1", ["198.51.100.1", "10.1.2.3"], trusted) == "198.51.100.1"
    assert client_address("127.0.0.1", ["anything, 198.51.100.1"], trusted) == "198.51.100.1"
    assert client_address("127.0.0.1", ["198.51.100.1:4711"], trusted) == "127.0.0.1"
    assert client_address("127.0.0.1", [], trusted) == "127.0.0.1"
    assert client_address("::ffff:203.0.113.9", [], ()) == "203.0.113.9"
    assert client_address("2001:db8:1:2:3:4:5:6", [], ()) == "2001:db8:1:2::/64"
    assert client_address(None, [], ()) == "unknown"
    with pytest.raises(ValueError) as refused:
        trusted_proxies("localhost")
    assert "CONSOLE_TRUSTED_PROXY" in str(refused.value) and chinese(str(refused.value))


# --- the rule on the store, the time given ---

def test_the_fifth_failure_in_the_window_locks_for_the_lock_time(database: str) -> None:
    for n in range(4):
        at = NOW + timedelta(minutes=3 * n)
        assert store.begin_sign_in("wang", "203.0.113.1", at).refused_until is None
        assert store.sign_in_failed("wang", "203.0.113.1", at) is None
    fifth = NOW + timedelta(minutes=14)
    assert store.begin_sign_in("wang", "203.0.113.2", fifth).refused_until is None
    until = store.sign_in_failed("wang", "203.0.113.2", fifth)
    assert until == fifth + RULE.lock
    # Refused for the login from anywhere, and for nobody else...
    for moment in (fifth, fifth + timedelta(minutes=14, seconds=59)):
        assert store.begin_sign_in("wang", "198.51.100.7", moment) == store.Attempt(None, until)
    assert store.sign_in_locked_until("li", "198.51.100.7", fifth) is None
    # ...until the lock time is over.
    assert store.sign_in_locked_until("wang", "198.51.100.7", until) is None
    assert store.begin_sign_in("wang", "198.51.100.7", until).refused_until is None


def test_failures_older_than_the_window_are_not_counted(database: str) -> None:
    for n in range(4):
        store.begin_sign_in("wang", f"203.0.113.{n}", NOW)
        store.sign_in_failed("wang", f"203.0.113.{n}", NOW)
    later = NOW + RULE.window
    store.begin_sign_in("wang", "203.0.113.9", later)
    assert store.sign_in_failed("wang", "203.0.113.9", later) is None
    assert store.sign_in_failure_count(login="wang") == 1  # the old ones are forgotten too


def test_a_success_forgets_the_logins_failures_but_not_the_addresses(database: str) -> None:
    address = "203.0.113.1"
    for login in ("wang", "wang", "wang", "ghost"):
        store.begin_sign_in(login, address, NOW)
        store.sign_in_failed(login, address, NOW)
    store.begin_sign_in("wang", address, NOW)
    store.sign_in_succeeded("wang")
    assert store.sign_in_failure_count(login="wang") == 0
    assert store.sign_in_failure_count(address=address) == 1
    # So four more failures from there make five for the address: locked.
    for n in range(3):
        store.begin_sign_in(f"other-{n}", address, NOW)
        assert store.sign_in_failed(f"other-{n}", address, NOW) is None
    store.begin_sign_in("other-3", address, NOW)
    assert store.sign_in_failed("other-3", address, NOW) == NOW + RULE.lock
    assert store.sign_in_locked_until("wang", address, NOW) == NOW + RULE.lock
    assert store.sign_in_locked_until("wang", "203.0.113.2", NOW) is None


def test_attempts_are_counted_before_any_password_is_checked(database: str) -> None:
    """Eight guesses begun before any of them has been checked (as parallel requests would):
    the sixth is refused without a password check and locks; later ones meet the lock."""
    begun = [store.begin_sign_in("wang", f"203.0.113.{n}", NOW) for n in range(8)]
    assert [a.refused_until for a in begun] == [None] * 5 + [NOW + RULE.lock] * 3
    assert [a.id is not None for a in begun] == [True] * 6 + [False] * 2
    # The five that went on fail in their turn; the lock stands, written once.
    for n in range(5):
        assert store.sign_in_failed("wang", f"203.0.113.{n}", NOW) == NOW + RULE.lock
    audited = store.console_events(kind="sign_in_locked")
    assert [(e.subject, e.actor) for e in audited] == [("login:wang", "203.0.113.5")]


def test_parallel_guesses_get_no_more_password_checks_than_the_rule_allows(
        database: str) -> None:
    """Twelve guesses at once, each in its own thread and database connection: whatever the
    interleaving, no more than five reach a password check, and one lock-out is audited."""
    gate = threading.Barrier(12)

    def guess(n: int) -> store.Attempt:
        gate.wait(timeout=30)
        return store.begin_sign_in("wang", f"203.0.113.{n}", NOW)

    with ThreadPoolExecutor(12) as pool:
        begun = list(pool.map(guess, range(12)))
    assert len([a for a in begun if a.refused_until is None]) <= RULE.failures
    assert len([a for a in begun if a.refused_until == NOW + RULE.lock]) >= 12 - RULE.failures
    assert [e.subject for e in store.console_events(kind="sign_in_locked")] == ["login:wang"]


def test_a_lock_out_is_audited_once_in_chinese(database: str) -> None:
    from bot.console.accounts import describe_lock_out

    for _ in range(5):
        store.begin_sign_in("wang", "203.0.113.1", NOW, RULE, describe_lock_out)
        store.sign_in_failed("wang", "203.0.113.1", NOW, RULE, describe_lock_out)
    # A racing process whose failure also made five finds the lock there and writes nothing.
    assert store.sign_in_failed("wang", "203.0.113.1", NOW, RULE,
                                describe_lock_out) == NOW + RULE.lock
    audited = store.console_events(kind="sign_in_locked")
    assert sorted(e.subject for e in audited) == ["address:203.0.113.1", "login:wang"]
    by_subject = {e.subject: e for e in audited}
    assert by_subject["login:wang"].text == texts.CONSOLE_AUDIT_LOGIN_LOCKED.format(
        key="wang", window=15, failures=5, minutes=15, address="203.0.113.1")
    assert by_subject["address:203.0.113.1"].text == texts.CONSOLE_AUDIT_ADDRESS_LOCKED.format(
        key="203.0.113.1", window=15, failures=5, minutes=15)
    assert all(e.at == NOW and e.actor == "203.0.113.1" for e in audited)


def test_known_and_unknown_logins_meet_the_same_throttle(database: str) -> None:
    add_agent("wang.li", "王丽", "agent", PASSWORD, now=NOW)

    def outcomes(login: str, address: str) -> list[str]:
        seen = []
        for _ in range(6):
            try:
                seen.append(repr(throttled_sign_in(login, WRONG, address, NOW)))
            except SignInLocked as locked:
                seen.append(locked.message)
        return seen

    known, unknown = outcomes("wang.li", "203.0.113.1"), outcomes("nobody", "203.0.113.2")
    assert known == unknown == ["None"] * 4 + [LOCKED_15] * 2
    with pytest.raises(SignInLocked):  # the right password, too
        throttled_sign_in("wang.li", PASSWORD, "198.51.100.1", NOW + timedelta(minutes=1))
    signed = throttled_sign_in("wang.li", PASSWORD, "198.51.100.1", NOW + RULE.lock)
    assert signed is not None and signed[1].login == "wang.li"


def test_the_throttle_key_is_the_login_as_looked_up() -> None:
    assert throttle_key(" Wang.Li ") == "wang.li"
    for odd in ("wang li", "x" * 65, "wang\x00", "wang\u200b\u0007", "\ud800"):
        key = throttle_key(odd)
        assert key.startswith("#") and len(key) == 41 and key.isprintable(), odd
    assert throttle_key("wang li") == throttle_key("WANG LI")
    assert throttle_key("wang li") != throttle_key("wang  li")
