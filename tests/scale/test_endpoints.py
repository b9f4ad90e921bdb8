"""`python -m bot endpoints`: Rasa's endpoints from the environment, checked at start-up."""

from __future__ import annotations

import stat
import subprocess
import sys

import yaml

from tools.stack import ROOT, free_port, quiet_env

ENGINE_VARIABLES = ("DATABASE_URL", "REDIS_URL", "RABBITMQ_URL")


def endpoints(tmp_path, **variables: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in quiet_env().items() if k not in ENGINE_VARIABLES} | variables
    return subprocess.run([sys.executable, "-m", "bot", "endpoints", "--out",
                           str(tmp_path / "endpoints.yml")], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def test_without_engines_everything_stays_embedded_and_says_so(tmp_path) -> None:
    done = endpoints(tmp_path)
    assert done.returncode == 0, done.stderr
    assert "embedded default" in done.stdout and "in memory" in done.stdout
    written = yaml.safe_load((tmp_path / "endpoints.yml").read_text())
    assert set(written) == {"action_endpoint"}


def test_an_engine_that_does_not_answer_stops_the_start_with_one_sentence(tmp_path) -> None:
    port = free_port()
    done = endpoints(tmp_path, REDIS_URL=f"redis://:secret-pw@127.0.0.1:{port}/0")
    assert done.returncode == 1
    assert f"Redis (REDIS_URL) at 127.0.0.1:{port} does not answer" in done.stderr
    assert "Traceback" not in done.stderr and "secret-pw" not in done.stderr
    assert not (tmp_path / "endpoints.yml").exists()


def test_the_real_engines_are_configured_as_rasas_own_stores(tmp_path, redis_url, rabbitmq_url,
                                                            postgres_url) -> None:
    done = endpoints(tmp_path, DATABASE_URL=postgres_url, REDIS_URL=redis_url,
                     RABBITMQ_URL=rabbitmq_url)
    assert done.returncode == 0, done.stderr
    assert "PostgreSQL" in done.stdout and "Redis" in done.stdout and "RabbitMQ" in done.stdout
    path = tmp_path / "endpoints.yml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600, "it may hold passwords"
    written = yaml.safe_load(path.read_text())
    assert written["tracker_store"]["type"] == "bot.deploy.tracker_store.PatientSQLTrackerStore"
    assert written["tracker_store"]["dialect"] == "postgresql"
    assert written["lock_store"]["type"] == "bot.deploy.lock_store.PatientRedisLockStore"
    assert written["event_broker"]["type"] == "pika"
