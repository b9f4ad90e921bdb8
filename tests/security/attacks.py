"""What the security tests replay attacks with: forged credentials, a server that records
whether anyone called it, a private web chat server, and an owner with something to steal.

Every attack goes over real HTTP to the running stack (tests/telegram_stack.py,
tests/scale/conftest.py); the tests then check, as a user would notice, that nothing was
written, paused, sent or loaded."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import jwt
from aiohttp import web

from bot.deploy.credentials import JWT_METHOD, RASA_JWT_SECRET, admin_token, secret
from bot.handoff.conversation import RasaConversations
from bot.identity import Owner
from tests.channels.fake_server import ThreadedServer
from tests.telegram_stack import TelegramOwner, button_update, post
from tests.stack import serve
from tools.stack import free_port

NUMBER = re.compile(r"(BX|TS|JY)-\d{8}-\d{4}")
OTHER_SECRET = "not-the-centre's-secret-" + "x" * 40


def new_chat() -> int:
    """A Telegram chat id no other test uses (the stack lives for the whole run)."""
    return 10**9 + uuid.uuid4().int % 10**9


def new_address() -> str:
    """A client address of its own (X-Forwarded-For through a trusted proxy), so that one
    test's flood never counts against another's visitors."""
    value = uuid.uuid4().int
    return f"10.{value % 250 + 1}.{value // 250 % 250 + 1}.{value // 62500 % 250 + 1}"


def _signed(payload: dict, key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {jwt.encode(payload, key, algorithm=JWT_METHOD)}"}


def forged_callers(victim: str) -> list[tuple[str, dict[str, str], int]]:
    """(who, their headers, the status Rasa must refuse them with) for an attack on the
    conversation `victim`: nobody, a token signed with another secret, an admin token that
    expired (one seen in a log), and a real "user" token for another conversation."""
    now = int(time.time())
    admin = {"user": {"username": "attacker", "role": "admin"}, "iat": now, "exp": now + 300}
    another = {"user": {"username": f"{victim}-not", "role": "user"}, "iat": now,
               "exp": now + 300}
    return [
        ("no token", {}, 401),
        ("a garbage bearer token", {"Authorization": "Bearer not-a-jwt"}, 401),
        ("an admin token signed with another secret", _signed(admin, OTHER_SECRET), 401),
        ("an expired admin token", {"Authorization": "Bearer " + admin_token(
            "leaked", now=now - 3600)}, 401),
        ("a user token for another conversation", _signed(another, secret(RASA_JWT_SECRET)),
         403),
    ]


CALLER_NAMES = [name for name, _, _ in forged_callers("x")]


def caller(victim: str, name: str) -> tuple[dict[str, str], int]:
    [(headers, status)] = [(h, s) for n, h, s in forged_callers(victim) if n == name]
    return headers, status


def other_algorithm_token() -> dict[str, str]:
    """An admin token that names another algorithm ("none": no signature at all)."""
    payload = {"user": {"username": "attacker", "role": "admin"}}
    return {"Authorization": f"Bearer {jwt.encode(payload, None, algorithm='none')}"}


def wait_for(done: Callable[[], bool], seconds: float = 30) -> bool:
    """Poll `done()` until it holds or the deadline passes; the caller asserts."""
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


@dataclass
class Recorder:
    """A local HTTP server that records every request and answers 404: the model server an
    attacker asks Rasa to download a model from. Nobody may ever call it."""

    port: int = field(default_factory=free_port)
    seen: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _any(self, request: web.Request) -> web.Response:
        self.seen.append(f"{request.method} {request.path_qs}")
        return web.Response(status=404)

    def __enter__(self) -> "Recorder":
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._any)
        self._server = ThreadedServer(app, self.port, "model server")
        self._server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop()


def readable(reply: httpx.Response) -> str:
    """A reply's body as a person would read it (Rasa escapes Chinese in its JSON)."""
    import json

    try:
        return json.dumps(reply.json(), ensure_ascii=False)
    except ValueError:
        return reply.text


def model_files(*folders: Path) -> set[str]:
    """Every model archive under these folders (a model Rasa trained or downloaded)."""
    return {str(p) for folder in folders if folder.exists() for p in folder.rglob("*.tar.gz")}


def history(rasa_url: str, owner: Owner) -> list[dict]:
    return RasaConversations(rasa_url).history(owner)


def said_by_owner(rasa_url: str, owner: Owner) -> list[str]:
    return [e.get("text") for e in history(rasa_url, owner) if e.get("event") == "user"]


@dataclass
class Victim:
    """A Telegram owner who filed a ticket and left a phone number: what an attacker wants."""

    owner: TelegramOwner
    number: str
    phone: str

    @property
    def chat(self) -> int:
        return self.owner.chat

    @property
    def conversation(self) -> Owner:
        return Owner("telegram", str(self.chat))


def telegram_victim(stack, fake) -> Victim:
    """A new Telegram owner with a repair ticket and their phone stored (as in
    tests/channels/test_telegram.py); DATABASE_URL must name the stack's database."""
    from bot import store

    chat = new_chat()
    phone = f"139{uuid.uuid4().int % 10**8:08d}"
    owner = TelegramOwner(stack, fake, chat)
    assert "楼栋" in "\n".join(owner.texts("你好,我家卫生间漏水了"))
    assert phone in "\n".join(owner.texts(f"5号楼2单元302,明天下午三点以后都在,电话{phone}"))
    before = len(fake.texts_to(chat))
    assert post(stack, button_update(chat, "/affirm")).status_code == 200
    number = NUMBER.search("\n".join(fake.texts_to(chat)[before:]))
    assert number, fake.texts_to(chat)[before:]
    profile = store.contact_profile("telegram", str(chat))
    assert profile is not None and profile.phone == phone
    return Victim(owner, number.group(0), phone)


@contextmanager
def private_webchat(stack, name: str) -> Iterator[str]:
    """`python -m bot webchat` against `stack`'s Rasa, behind a "proxy" on 127.0.0.1
    (WEBCHAT_TRUSTED_PROXY), so each visitor may come from an address of its own. Its flood
    counters are its own: floods here cannot slow down another module's visitors."""
    yield from serve(stack, "webchat", name, WEBCHAT_TRUSTED_PROXY="127.0.0.1")


class Visitor:
    """One browser on the web chat from an address of its own (as nginx forwards it)."""

    def __init__(self, webchat: str, address: str | None = None) -> None:
        self.address = address or new_address()
        self.client = httpx.Client(base_url=webchat, timeout=60,
                                   headers={"X-Forwarded-For": self.address})
        self.client.get("/").raise_for_status()

    @property
    def session(self) -> str:
        from bot.deploy.credentials import unsign

        value = unsign(self.client.cookies.get("webchat_session"))
        assert value, "the page set no session cookie"
        return value

    def post(self, message: str, **extra: object) -> httpx.Response:
        return self.client.post("/api/message", json={"message": message, **extra})

    def say(self, message: str) -> list[str]:
        reply = self.post(message)
        assert reply.status_code == 200, (reply.status_code, reply.text[:300])
        return [item.get("text", "") for item in reply.json()]
