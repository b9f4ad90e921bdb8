"""The machine's Redis and RabbitMQ for the scale-out tests: used where they answer,
skipped (saying why) where they do not. TEST_REDIS_URL / TEST_RABBITMQ_URL point elsewhere."""

from __future__ import annotations

import os

import pytest

from bot.deploy.engines import EngineUnreachable, Engines, check_reachable

REDIS_URL = os.environ.get("TEST_REDIS_URL", "").strip() or "redis://127.0.0.1:6379/15"
RABBITMQ_URL = (os.environ.get("TEST_RABBITMQ_URL", "").strip()
                or "amqp://guest:guest@127.0.0.1:5672/")


def _reachable(**urls: str | None) -> str | None:
    try:
        check_reachable(Engines(database_url=None, redis_url=urls.get("redis"),
                                rabbitmq_url=urls.get("rabbitmq"), actions_url=""))
        return None
    except EngineUnreachable as error:
        return str(error)


@pytest.fixture(scope="session")
def redis_url() -> str:
    problem = _reachable(redis=REDIS_URL)
    if problem:
        pytest.skip(f"no Redis to test against: {problem}")
    return REDIS_URL


@pytest.fixture(scope="session")
def rabbitmq_url() -> str:
    problem = _reachable(rabbitmq=RABBITMQ_URL)
    if problem:
        pytest.skip(f"no RabbitMQ to test against: {problem}")
    return RABBITMQ_URL
