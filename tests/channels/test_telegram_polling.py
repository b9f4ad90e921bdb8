"""Telegram without a public address: the Rasa server polls the (fake) Bot API itself."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.channels.fake_telegram import FakeTelegram
from tests.telegram_stack import TOKEN, message_update
from tools.stack import running_stack

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def polling(trained_models: Path, tmp_path_factory) -> Iterator[FakeTelegram]:
    fake = FakeTelegram(TOKEN)
    fake.start()
    settings = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": fake.base_url}
    saved = {key: os.environ.get(key) for key in (*settings, "TELEGRAM_WEBHOOK_URL")}
    os.environ.update(settings)
    os.environ.pop("TELEGRAM_WEBHOOK_URL", None)
    try:
        with running_stack(trained_models, tmp_path_factory.mktemp("polling")):
            yield fake
    finally:
        fake.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def test_updates_are_fetched_and_answered_without_a_webhook(polling: FakeTelegram) -> None:
    chat = 7101
    polling.pending_updates.append(message_update(chat, text="你好"))
    deadline = time.monotonic() + 60
    while not polling.texts_to(chat) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert any("物业客户服务中心" in text for text in polling.texts_to(chat))
    assert "deleteWebhook" in polling.calls and "getUpdates" in polling.calls
