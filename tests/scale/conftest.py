"""Two Rasa replicas behind the router on the machine's real engines: the tracker on a
PostgreSQL database of its own, the lock on Redis, the events on RabbitMQ. One stack per
test module, since the fault tests kill and restart things under it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.database import throwaway_postgres
from tools.stack import RunningStack, running_stack


@pytest.fixture(scope="module")
def replicas(trained_models: Path, redis_url: str, rabbitmq_url: str,
             tmp_path_factory) -> Iterator[RunningStack]:
    with throwaway_postgres() as database_url:
        workdir = tmp_path_factory.mktemp("replicas")
        engines = {"REDIS_URL": redis_url, "RABBITMQ_URL": rabbitmq_url,
                   "RASA_EVENTS_QUEUE": f"rasa_events_test_{uuid.uuid4().hex[:8]}"}
        with running_stack(trained_models, workdir, database_url, replicas=2,
                           engines=engines) as stack:
            yield stack
