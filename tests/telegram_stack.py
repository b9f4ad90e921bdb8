"""The running assistant with its Telegram channel on, against a fake Telegram Bot API on
localhost (python-telegram-bot runs for real inside the Rasa server), once per run."""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.channels.fake_telegram import FakeTelegram
from tools.stack import RunningStack, running_stack

TOKEN = "123456:TEST-TOKEN"
SECRET = "webhook-secret-for-tests"
HEADER = "X-Telegram-Bot-Api-Secret-Token"
_ids = itertools.count(1000)


@pytest.fixture(scope="session")
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram(TOKEN)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def telegram_stack(fake: FakeTelegram, trained_models: Path,
                   tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    workdir = tmp_path_factory.mktemp("telegram")
    settings = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_SECRET": SECRET,
                "TELEGRAM_WEBHOOK_URL": "https://centre.example/webhooks/telegram/webhook",
                "TELEGRAM_API_BASE_URL": fake.base_url,
                "ATTACHMENTS_DIR": str(workdir / "attachments")}
    saved = {key: os.environ.get(key) for key in settings}
    os.environ.update(settings)
    try:
        with running_stack(trained_models, workdir) as stack:
            yield stack
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def message_update(chat: int, **content) -> dict:
    return {"update_id": next(_ids), "message": {
        "message_id": next(_ids), "date": int(time.time()),
        "chat": {"id": chat, "type": "private"},
        "from": {"id": chat, "is_bot": False, "first_name": "业主"}, **content}}


def button_update(chat: int, data: str) -> dict:
    return {"update_id": next(_ids), "callback_query": {
        "id": str(next(_ids)), "chat_instance": "x", "data": data,
        "from": {"id": chat, "is_bot": False, "first_name": "业主"},
        "message": {"message_id": next(_ids), "date": int(time.time()),
                    "chat": {"id": chat, "type": "private"}, "text": "请核对"}}}


def post(stack, body, secret: str | None = SECRET, raw: bytes | None = None) -> httpx.Response:
    headers = {HEADER: secret} if secret is not None else {}
    url = f"{stack.rasa_url}/webhooks/telegram/webhook"
    if raw is not None:
        return httpx.post(url, content=raw, headers=headers | {"Content-Type": "application/json"},
                          timeout=60)
    return httpx.post(url, json=body, headers=headers, timeout=60)


def say(stack, fake: FakeTelegram, chat: int, update: dict) -> str:
    before = len(fake.texts_to(chat))
    reply = post(stack, update)
    assert reply.status_code == 200, reply.text
    return "\n".join(fake.texts_to(chat)[before:])


class TelegramOwner:
    """One owner writing to the centre's Telegram bot."""

    def __init__(self, stack: RunningStack, fake: FakeTelegram, chat: int) -> None:
        self.stack, self.fake, self.chat = stack, fake, chat

    @property
    def sender(self) -> str:
        return str(self.chat)

    def texts(self, text: str) -> list[str]:
        before = len(self.fake.texts_to(self.chat))
        reply = post(self.stack, message_update(self.chat, text=text))
        assert reply.status_code == 200, reply.text
        return self.fake.texts_to(self.chat)[before:]
