"""The running assistant for end-to-end tests (tools/stack.py), once per run."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tools.stack import running_stack


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
