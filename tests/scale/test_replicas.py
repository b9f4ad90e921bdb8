"""Two Rasa replicas on the machine's real engines (tracker on PostgreSQL, lock on Redis,
events on RabbitMQ) behind the router, started as `make run` starts them in production."""

from __future__ import annotations

import re
import uuid
from concurrent.futures import ThreadPoolExecutor

from pathlib import Path

import httpx
import pytest

from bot.deploy.router import ranked
from tests.scale.talk import REPAIR, analysed, consuming, say, turns, user_texts, wait_until

pytestmark = pytest.mark.model
NUMBER = re.compile(r"BX-\d{8}-\d{4}")


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
    assert {ranked(replicas.replica_urls, f"rest:{owner}")[0] for owner in owners} == set(
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
    from datetime import datetime, timedelta, timezone

    from bot import store
    from bot.tickets.clocks import CENTRE_TZ

    monkeypatch.setenv("DATABASE_URL", replicas.database_url)
    owner = f"stats-{uuid.uuid4().hex[:8]}"
    say(replicas.rasa_url, owner, "阿巴阿巴")          # not understood
    say(replicas.rasa_url, owner, "装修押金多久能退?")
    say(replicas.rasa_url, owner, "我要找人工客服")     # a hand-off
    start = datetime.now(timezone.utc) - timedelta(hours=1)
    end = start + timedelta(hours=2)

    with consuming(rabbitmq_url, replicas.events_queue):
        wait_until(lambda: len(analysed([owner])) >= 4, seconds=60)
    assert analysed([owner]) == [(owner, "message", "rest", "nlu_fallback", True),
                                 (owner, "message", "rest", "ask_procedure", False),
                                 (owner, "message", "rest", "request_human", False),
                                 (owner, "handoff", None, None, False)]
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
    moved = [o for o in owners if ranked(replicas.replica_urls, f"rest:{o}")[0] == victim]
    assert moved, "some conversations lived on the killed replica"
    for owner in owners:
        assert user_texts(survivor, owner) == list(REPAIR), owner


def test_nginx_passes_the_channels_and_nothing_else(replicas, tmp_path) -> None:
    """Debian's nginx with the configuration `python -m bot nginx-config` writes (the one in
    docs/deploy/, here without TLS): a whole web chat conversation through it, to the web
    chat server and on through the router; Rasa's API and REST channel are not there."""
    import shutil
    import subprocess
    import sys

    from bot.deploy.nginx import ProxySettings, render
    from tests.stack import WebVisitor
    from tools.stack import ROOT, free_port, quiet_env, wait_until_up

    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        pytest.skip("Debian's nginx is not installed (make install adds it where it runs as root)")
    port, webchat_port = free_port(), free_port()
    web_log = tmp_path / "webchat.log"
    webchat = subprocess.Popen(
        [sys.executable, "-m", "bot", "webchat", "--host", "127.0.0.1", "--port", str(webchat_port)],
        cwd=ROOT, env=quiet_env(RASA_URL=replicas.rasa_url, DATABASE_URL=replicas.database_url,
                                WEBCHAT_TRUSTED_PROXY="127.0.0.1"),
        stdout=web_log.open("w"), stderr=subprocess.STDOUT)
    router = replicas.rasa_url.removeprefix("http://")
    config = tmp_path / "nginx.conf"
    config.write_text(render(ProxySettings(listen=f"127.0.0.1:{port}", routers=(router,),
                                           webchats=(f"127.0.0.1:{webchat_port}",),
                                           runtime_dir=str(tmp_path), user="root")))
    log = tmp_path / "nginx.out"
    process = subprocess.Popen([nginx, "-c", str(config), "-g", "daemon off;"],
                               stdout=log.open("w"), stderr=subprocess.STDOUT)
    try:
        entry = f"http://127.0.0.1:{port}"
        wait_until_up(f"http://127.0.0.1:{webchat_port}/", webchat, web_log, seconds=60)
        wait_until_up(f"{entry}/", process, log, seconds=30)
        visitor = WebVisitor(entry)
        answers = [visitor.say(text) for text in REPAIR]
        assert NUMBER.search(" ".join(answers[-1])), answers
        assert user_texts(replicas.rasa_url, visitor.session, "web") == list(REPAIR)
        # Only the channels are public: Rasa's API and its REST channel are not behind nginx.
        assert httpx.post(f"{entry}/webhooks/rest/webhook", timeout=30,
                          json={"sender": "x", "message": "你好"}).status_code == 404
        assert httpx.get(f"{entry}/conversations/web:{visitor.session}/tracker",
                         timeout=30).status_code == 404
        assert httpx.put(f"{entry}/model", json={}, timeout=30).status_code == 404
        too_big = httpx.post(f"{entry}/webhooks/telegram/webhook",
                             content=b"x" * (3 * 1024 * 1024), timeout=30)
        assert too_big.status_code == 413, "refused at the door"
    finally:
        for running in (process, webchat):
            running.terminate()
            running.wait(timeout=20)
