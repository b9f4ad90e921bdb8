"""The running assistant for end-to-end tests (tools/stack.py), once per run."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bot.handoff.conversation import RasaConversations
from bot.identity import Owner
from tools.stack import ROOT, RunningStack, free_port, quiet_env, running_stack, wait_until_up


@dataclass
class Stack:
    rasa_url: str
    database_url: str
    workdir: Path

    def say(self, sender: str, message: str) -> list[dict]:
        reply = httpx.post(
            f"{self.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": message}, timeout=60,
        )
        reply.raise_for_status()
        return reply.json()

    def texts(self, sender: str, message: str) -> list[str]:
        return [item.get("text", "") for item in self.say(sender, message)]

    def events(self, sender: str, channel: str = "rest") -> list[dict]:
        """Every event Rasa keeps for an owner's conversation, read as the console does."""
        return RasaConversations(self.rasa_url).history(Owner(channel, sender))

    def bot_texts(self, sender: str, channel: str = "rest") -> list[str]:
        return [e.get("text") for e in self.events(sender, channel) if e.get("event") == "bot"]


class WebVisitor:
    """One browser on the web chat: it gets its session cookie from the page, as a browser
    does, and then writes and reads the centre's replies with it."""

    def __init__(self, webchat: str) -> None:
        self.client = httpx.Client(base_url=webchat, timeout=60)
        page = self.client.get("/")
        page.raise_for_status()

    @property
    def session(self) -> str:
        from bot.deploy.credentials import unsign

        value = unsign(self.client.cookies.get("webchat_session"))
        assert value, "the page set no session cookie"
        return value

    def say(self, message: str) -> list[str]:
        reply = self.client.post("/api/message", json={"message": message})
        reply.raise_for_status()
        return [item.get("text", "") for item in reply.json()]

    def updates(self, after: float | None = None) -> dict:
        params = {} if after is None else {"after": str(after)}
        reply = self.client.get("/api/updates", params=params)
        reply.raise_for_status()
        return reply.json()


@pytest.fixture(scope="session")
def stack(trained_models: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    workdir = tmp_path_factory.mktemp("stack")
    with running_stack(trained_models, workdir) as running:
        yield Stack(running.rasa_url, running.database_url, workdir)


def serve(stack: "Stack | RunningStack", command: str, name: str,
           **settings: str) -> Iterator[str]:
    """`python -m bot <command>` on a free port, talking to the test stack's Rasa and
    database, as `make run` starts it (with `settings` added to its environment)."""
    port = free_port()
    log = stack.workdir / f"{name}.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", command, "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=quiet_env(RASA_URL=stack.rasa_url, DATABASE_URL=stack.database_url,
                                **settings),
        stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/", process, log, seconds=60)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="session")
def webchat(stack: Stack) -> Iterator[str]:
    """The owners' web chat page, e.g. http://127.0.0.1:PORT (no trailing slash)."""
    yield from serve(stack, "webchat", "webchat")


@pytest.fixture(scope="session")
def console(stack: Stack) -> Iterator[str]:
    """The agents' console, e.g. http://127.0.0.1:PORT (no trailing slash)."""
    yield from serve(stack, "console", "console")
