"""The running assistant for end-to-end tests (tools/stack.py), once per run."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tools.stack import ROOT, free_port, quiet_env, running_stack, wait_until_up


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


@pytest.fixture(scope="session")
def stack(trained_models: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    workdir = tmp_path_factory.mktemp("stack")
    with running_stack(trained_models, workdir) as running:
        yield Stack(running.rasa_url, running.database_url, workdir)


def _serve(stack: Stack, command: str, name: str) -> Iterator[str]:
    """`python -m bot <command>` on a free port, talking to the test stack's Rasa and
    database, as `make run` starts it."""
    port = free_port()
    log = stack.workdir / f"{name}.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", command, "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=quiet_env(RASA_URL=stack.rasa_url, DATABASE_URL=stack.database_url),
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
    yield from _serve(stack, "webchat", "webchat")


@pytest.fixture(scope="session")
def console(stack: Stack) -> Iterator[str]:
    """The agents' console, e.g. http://127.0.0.1:PORT (no trailing slash)."""
    yield from _serve(stack, "console", "console")
