"""The machine's Redis and RabbitMQ for the scale-out tests: used where they answer,
skipped (saying why) where they do not. TEST_REDIS_URL / TEST_RABBITMQ_URL point elsewhere."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

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


def _answering(engine: str, url: str) -> str:
    problem = _reachable(**{engine: url})
    if problem:
        pytest.skip(f"no {engine} to test against: {problem}")
    return url


@pytest.fixture(scope="session")
def redis_url() -> str:
    return _answering("redis", REDIS_URL)


@pytest.fixture(scope="session")
def rabbitmq_url() -> str:
    return _answering("rabbitmq", RABBITMQ_URL)


def _wait_for(check, seconds: float = 60) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise RuntimeError("the service did not come back in time")


def restart_redis(url: str, down_for: float = 1.0) -> None:
    """Stop the machine's Redis and start it again (as the machine starts it), losing its
    data like a real restart without persistence."""
    if not (shutil.which("redis-cli") and shutil.which("redis-server")):
        pytest.skip("redis-cli / redis-server are not on this machine: cannot restart Redis")
    port = str(urlsplit(url).port or 6379)
    subprocess.run(["redis-cli", "-p", port, "shutdown", "nosave"], capture_output=True,
                   timeout=30)
    _wait_for(lambda: _reachable(redis=url) is not None, 30)
    time.sleep(down_for)
    subprocess.run(["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1",
                    "--port", port, "--save", "", "--appendonly", "no",
                    "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log"],
                   check=True, capture_output=True, timeout=30)
    _wait_for(lambda: _reachable(redis=url) is None)


def restart_rabbitmq(url: str, down_for: float = 2.0) -> None:
    """Stop RabbitMQ's broker application and start it again (the node stays up)."""
    if not shutil.which("rabbitmqctl"):
        pytest.skip("rabbitmqctl is not on this machine: cannot restart RabbitMQ")
    subprocess.run(["rabbitmqctl", "stop_app"], check=True, capture_output=True, timeout=120)
    time.sleep(down_for)
    subprocess.run(["rabbitmqctl", "start_app"], check=True, capture_output=True, timeout=120)
    _wait_for(lambda: _reachable(rabbitmq=url) is None)


def restart_postgres(down_for: float = 3.0) -> None:
    """Stop the machine's PostgreSQL cluster for `down_for` seconds and start it again."""
    clusters = sorted(Path("/etc/postgresql").glob("*/main")) if Path("/etc/postgresql").exists() else []
    if not (clusters and shutil.which("pg_ctlcluster")):
        pytest.skip("no local PostgreSQL cluster (pg_ctlcluster) to restart on this machine")
    version = clusters[-1].parent.name
    subprocess.run(["pg_ctlcluster", version, "main", "stop", "-m", "fast"], check=True,
                   capture_output=True, timeout=60)
    time.sleep(down_for)
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],
                   check=True, capture_output=True, timeout=60)
    _wait_for(lambda: subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"]).returncode == 0)
