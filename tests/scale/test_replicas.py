"""Two Rasa replicas on the machine's real engines (tracker on PostgreSQL, lock on Redis,
events on RabbitMQ) behind the router, started as `make run` starts them in production."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from bot.deploy.router import ranked
from tests.database import throwaway_postgres
from tools.stack import RunningStack, running_stack

pytestmark = pytest.mark.model
NUMBER = re.compile(r"BX-\d{8}-\d{4}")
EVENTS_QUEUE = f"rasa_events_test_{uuid.uuid4().hex[:8]}"
REPAIR = ("你好,我家卫生间漏水了", "5号楼2单元302,明天下午三点以后都在,电话13800138000", "对")


@pytest.fixture(scope="module")
def replicas(trained_models: Path, redis_url: str, rabbitmq_url: str,
             tmp_path_factory) -> Iterator[RunningStack]:
    with throwaway_postgres() as database_url:
        workdir = tmp_path_factory.mktemp("replicas")
        engines = {"REDIS_URL": redis_url, "RABBITMQ_URL": rabbitmq_url,
                   "RASA_EVENTS_QUEUE": EVENTS_QUEUE}
        with running_stack(trained_models, workdir, database_url, replicas=2,
                           engines=engines) as stack:
            yield stack


def say(url: str, sender: str, text: str) -> list[str]:
    reply = httpx.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                       timeout=120)
    reply.raise_for_status()
    return [item.get("text", "") for item in reply.json()]


def user_texts(url: str, sender: str) -> list[str]:
    events = httpx.get(f"{url}/conversations/{sender}/tracker", timeout=60).json()["events"]
    return [e["text"] for e in events if e.get("event") == "user"]


def turns(url: str, sender: str) -> list[tuple[str, int]]:
    """(owner message, how many assistant messages followed it before the next one)."""
    events = httpx.get(f"{url}/conversations/{sender}/tracker", timeout=60).json()["events"]
    seen: list[list] = []
    for event in events:
        if event.get("event") == "user":
            seen.append([event["text"], 0])
        elif event.get("event") == "bot" and seen:
            seen[-1][1] += 1
    return [(text, count) for text, count in seen]


def test_one_conversation_alternating_between_replicas_is_whole(replicas) -> None:
    """Each message to the other replica: both read and write the one tracker on PostgreSQL."""
    first, second = replicas.replica_urls
    owner = f"alt-{uuid.uuid4().hex[:8]}"
    answers = [say((first, second)[index % 2], owner, text) for index, text in enumerate(REPAIR)]
    assert all(answers), answers
    assert NUMBER.search(" ".join(answers[-1])), answers[-1]
    for url in (first, second):
        assert user_texts(url, owner) == list(REPAIR)
    assert all(count >= 1 for _, count in turns(first, owner))


def test_many_owners_through_the_router_are_each_answered_in_order(replicas) -> None:
    owners = [f"load-{n}-{uuid.uuid4().hex[:6]}" for n in range(12)]
    assert {ranked(replicas.replica_urls, owner)[0] for owner in owners} == set(
        replicas.replica_urls), "the owners are spread over both replicas"

    def converse(owner: str) -> list[list[str]]:
        return [say(replicas.rasa_url, owner, text) for text in REPAIR]

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(converse, owners))
    for owner, answers in zip(owners, results):
        assert NUMBER.search(" ".join(answers[-1])), (owner, answers)
        assert user_texts(replicas.rasa_url, owner) == list(REPAIR)


def test_messages_of_one_conversation_arriving_together_are_handled_one_after_another(
        replicas) -> None:
    owner = f"burst-{uuid.uuid4().hex[:8]}"
    texts = [f"请问装修押金多久能退?第{n}次问" for n in range(6)]
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda text: say(replicas.rasa_url, owner, text), texts))
    assert all(answers), "every message answered"
    seen = turns(replicas.rasa_url, owner)
    assert sorted(text for text, _ in seen) == sorted(texts), "each kept exactly once"
    assert all(count >= 1 for _, count in seen), "each answered before the next was read"


def test_the_event_broker_feeds_the_conversation_analytics(replicas, rabbitmq_url,
                                                           monkeypatch) -> None:
    """Rasa publishes every event to RabbitMQ; the consumer keeps owner messages (with
    channel, intent, fallback) and hand-offs in the database, each once."""
    import asyncio
    import threading
    import time
    from datetime import datetime, timedelta, timezone

    from bot import store
    from bot.analytics.consumer import consume
    from bot.tickets.clocks import CENTRE_TZ

    monkeypatch.setenv("DATABASE_URL", replicas.database_url)
    owner = f"stats-{uuid.uuid4().hex[:8]}"
    say(replicas.rasa_url, owner, "阿巴阿巴")          # not understood
    say(replicas.rasa_url, owner, "装修押金多久能退?")
    say(replicas.rasa_url, owner, "我要找人工客服")     # a hand-off

    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    worker = threading.Thread(target=loop.run_until_complete,
                              args=(consume(rabbitmq_url, EVENTS_QUEUE, stop),), daemon=True)
    worker.start()
    start = datetime.now(timezone.utc) - timedelta(hours=1)
    end = start + timedelta(hours=2)

    def mine() -> list[tuple[str, str | None, str | None, bool]]:
        from sqlalchemy import select

        from bot.store.models import ConversationEvent

        with store.session_scope() as session:
            rows = session.execute(select(ConversationEvent).where(
                ConversationEvent.sender_id == owner).order_by(ConversationEvent.at)).scalars()
            return [(r.kind, r.channel, r.intent, r.fallback) for r in rows]

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(mine()) < 4:
        time.sleep(0.5)
    loop.call_soon_threadsafe(stop.set)
    worker.join(timeout=30)
    assert mine() == [("message", "rest", "nlu_fallback", True),
                      ("message", "rest", "ask_procedure", False),
                      ("message", "rest", "request_human", False),
                      ("handoff", None, None, False)]
    today = [r for r in store.daily_activity(start, end, CENTRE_TZ) if r.channel == "rest"]
    assert sum(r.messages for r in today) >= 3 and sum(r.handoffs for r in today) >= 1


def test_a_killed_replica_leaves_the_other_answering(replicas) -> None:
    owners = [f"kill-{n}-{uuid.uuid4().hex[:6]}" for n in range(8)]
    for owner in owners:
        say(replicas.rasa_url, owner, REPAIR[0])
    victim = replicas.replica_urls[0]
    replicas.stop("rasa0")
    for owner in owners:
        assert say(replicas.rasa_url, owner, REPAIR[1]), owner
        assert NUMBER.search(" ".join(say(replicas.rasa_url, owner, REPAIR[2]))), owner
    survivor = replicas.replica_urls[1]
    moved = [o for o in owners if ranked(replicas.replica_urls, o)[0] == victim]
    assert moved, "some conversations lived on the killed replica"
    for owner in owners:
        assert user_texts(survivor, owner) == list(REPAIR), owner
