"""An owner writes on Telegram while PostgreSQL is down for a few seconds: they are told
we are on it, then answered once the database is back; the message is kept once."""

from __future__ import annotations

import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot import texts
from tests.channels.fake_telegram import FakeTelegram
from tests.scale.talk import user_texts
from tests.telegram_stack import HEADER, SECRET, TOKEN, message_update
from tests.database import throwaway_postgres
from tests.engines import restart_postgres
from tools.stack import RunningStack, running_stack

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def telegram_on_engines(trained_models: Path, redis_url: str, rabbitmq_url: str,
                        tmp_path_factory) -> Iterator[tuple[RunningStack, FakeTelegram]]:
    fake = FakeTelegram(TOKEN)
    fake.start()
    try:
        with throwaway_postgres() as database_url:
            settings = {
                "REDIS_URL": redis_url, "RABBITMQ_URL": rabbitmq_url,
                "RASA_EVENTS_QUEUE": f"rasa_events_tg_{uuid.uuid4().hex[:8]}",
                "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_SECRET": SECRET,
                "TELEGRAM_WEBHOOK_URL": "https://centre.example/webhooks/telegram/webhook",
                "TELEGRAM_API_BASE_URL": fake.base_url, "TELEGRAM_APOLOGY_SECONDS": "2",
            }
            with running_stack(trained_models, tmp_path_factory.mktemp("tg-engines"),
                               database_url, replicas=2, engines=settings) as stack:
                yield stack, fake
    finally:
        fake.stop()


def test_a_database_restart_gets_an_apology_then_the_answer(telegram_on_engines) -> None:
    stack, fake = telegram_on_engines
    chat = 9100
    update = message_update(chat, text="装修押金多久能退?")
    outage = threading.Thread(target=restart_postgres, kwargs={"down_for": 5.0})
    outage.start()
    deadline = time.monotonic() + 30
    while subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"]).returncode == 0:
        assert time.monotonic() < deadline, "PostgreSQL did not stop"
        time.sleep(0.1)
    reply = httpx.post(f"{stack.rasa_url}/webhooks/telegram/webhook", json=update,
                       headers={HEADER: SECRET}, timeout=120)
    outage.join()
    assert reply.status_code == 200, reply.text
    said = fake.texts_to(chat)
    assert said[0] == texts.STILL_WORKING, said
    assert any("押金" in text for text in said[1:]), said
    # Telegram delivering the same update again changes nothing.
    again = httpx.post(f"{stack.rasa_url}/webhooks/telegram/webhook", json=update,
                       headers={HEADER: SECRET}, timeout=60)
    assert again.status_code == 200 and fake.texts_to(chat) == said
    assert user_texts(stack.rasa_url, str(chat), "telegram") == ["装修押金多久能退?"]
