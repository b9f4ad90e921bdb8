"""Talking to the scaled-out assistant over REST, and reading back what its tracker kept."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
from sqlalchemy import select

from bot import store
from bot.analytics.consumer import consume
from bot.handoff.conversation import RasaConversations
from bot.identity import Owner, owner_of
from bot.store.models import ConversationEvent

REPAIR = ("你好,我家卫生间漏水了", "5号楼2单元302,明天下午三点以后都在,电话13800138000", "对")


def say(url: str, sender: str, text: str) -> list[str]:
    reply = httpx.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                       timeout=120)
    reply.raise_for_status()
    return [item.get("text", "") for item in reply.json()]


def events_of(url: str, sender: str, channel: str = "rest") -> list[dict]:
    """The conversation's events, read through Rasa's API (or the router) as the console."""
    return RasaConversations(url, timeout=60).history(Owner(channel, sender))


def user_texts(url: str, sender: str, channel: str = "rest") -> list[str]:
    return [e["text"] for e in events_of(url, sender, channel) if e.get("event") == "user"]


def turns(url: str, sender: str) -> list[tuple[str, int]]:
    """(owner message, how many assistant messages followed it before the next one)."""
    events = events_of(url, sender)
    seen: list[list] = []
    for event in events:
        if event.get("event") == "user":
            seen.append([event["text"], 0])
        elif event.get("event") == "bot" and seen:
            seen[-1][1] += 1
    return [(text, count) for text, count in seen]


@contextmanager
def consuming(rabbitmq_url: str, queue: str) -> Iterator[None]:
    """The analytics consumer running in a thread of this process for the block."""
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    worker = threading.Thread(target=loop.run_until_complete, daemon=True,
                              args=(consume(rabbitmq_url, queue, stop),))
    worker.start()
    try:
        yield
    finally:
        loop.call_soon_threadsafe(stop.set)
        worker.join(timeout=30)


def analysed(senders: list[str]) -> list[tuple[str, str, str | None, str | None, bool]]:
    """What the analytics kept for these senders: (sender, kind, channel, intent, fallback)."""
    conversations = [Owner("rest", sender).conversation_id for sender in senders]
    with store.session_scope() as session:
        rows = session.execute(select(ConversationEvent).where(
            ConversationEvent.sender_id.in_(conversations)).order_by(ConversationEvent.at)).scalars()
        return [(owner_of(r.sender_id).sender_id, r.kind, r.channel, r.intent, r.fallback)
                for r in rows]


def wait_until(done: Callable[[], bool], seconds: float) -> None:
    """Until `done()` or the time is up; the caller asserts what it expected."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not done():
        time.sleep(0.5)
