"""The lock store on the machine's Redis: a conversation whose previous holder died (its
ticket left in the lock) is served once that ticket expires; Rasa's own store waits forever."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest
from rasa.core.lock_store import RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from bot.deploy.lock_store import PatientRedisLockStore


def stores(redis_url: str) -> tuple[RedisLockStore, PatientRedisLockStore]:
    from urllib.parse import urlsplit

    parts = urlsplit(redis_url)
    settings = {"port": parts.port or 6379, "db": int(parts.path.lstrip("/") or 0),
                "key_prefix": "locktest"}
    return (RedisLockStore(host=parts.hostname, **settings),
            PatientRedisLockStore(EndpointConfig(url=parts.hostname, **settings)))


async def serve(store: RedisLockStore, conversation: str, within: float) -> float:
    started = time.monotonic()

    async def take() -> None:
        async with store.lock(conversation, lock_lifetime=1, wait_time_in_seconds=0.1):
            pass

    await asyncio.wait_for(take(), timeout=within)
    return time.monotonic() - started


def test_a_dead_holders_ticket_delays_the_next_message_only_until_it_expires(redis_url) -> None:
    rasas, ours = stores(redis_url)
    conversation = f"dead-holder-{uuid.uuid4().hex[:6]}"
    ours.issue_ticket(conversation, 1)  # a replica took the lock and died
    waited = asyncio.run(serve(ours, conversation, within=10))
    assert 0.5 < waited < 5, waited
    assert ours.get_lock(conversation) is None, "cleaned up after"

    stuck = f"dead-holder-{uuid.uuid4().hex[:6]}"
    rasas.issue_ticket(stuck, 1)
    with pytest.raises(asyncio.TimeoutError):
        asyncio.run(serve(rasas, stuck, within=4))  # why PatientRedisLockStore exists
    rasas.delete_lock(stuck)


def test_a_live_holder_is_still_waited_for(redis_url) -> None:
    _, ours = stores(redis_url)
    conversation = f"live-holder-{uuid.uuid4().hex[:6]}"

    async def both() -> list[str]:
        order: list[str] = []

        async def holder() -> None:
            async with ours.lock(conversation, lock_lifetime=5, wait_time_in_seconds=0.05):
                order.append("first in")
                await asyncio.sleep(0.5)
                order.append("first out")

        async def waiter() -> None:
            await asyncio.sleep(0.1)
            async with ours.lock(conversation, lock_lifetime=5, wait_time_in_seconds=0.05):
                order.append("second in")

        await asyncio.gather(holder(), waiter())
        return order

    assert asyncio.run(both()) == ["first in", "first out", "second in"]
