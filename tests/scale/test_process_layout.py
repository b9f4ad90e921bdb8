"""The production layout started exactly as a centre starts it: honcho running
Procfile.scale with two Rasa replicas, the router, the action server, the analytics
consumer, the web chat, the console and the callback scheduler, on the real engines."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest

from tests.database import throwaway_postgres
from tests.scale.talk import REPAIR, analysed, say, user_texts, wait_until
from tools.stack import ROOT, free_port, quiet_env, wait_until_up

pytestmark = pytest.mark.model
HONCHO = Path(sys.executable).with_name("honcho")


def free_pair() -> int:
    """A port p with p and p+1 both free: honcho numbers the replicas' ports from it."""
    for _ in range(50):
        base = free_port()
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", base + 1))
            except OSError:
                continue
        return base
    raise RuntimeError("no two consecutive free ports")


def test_the_production_layout_serves_and_stops_cleanly(trained_models, redis_url, rabbitmq_url,
                                                        tmp_path, monkeypatch) -> None:
    with throwaway_postgres() as database_url:
        base, router = free_pair(), free_port()
        env = quiet_env(
            DATABASE_URL=database_url, REDIS_URL=redis_url, RABBITMQ_URL=rabbitmq_url,
            RASA_EVENTS_QUEUE=f"rasa_events_layout_{uuid.uuid4().hex[:8]}",
            MODELS_DIR=str(trained_models), ENDPOINTS_FILE=str(tmp_path / "endpoints.yml"),
            RASA_REPLICAS="2", RASA_REPLICA_BASE_PORT=str(base), RASA_PORT=str(router),
            ACTIONS_PORT=str(free_port()), WEBCHAT_PORT=str(free_port()),
            CONSOLE_PORT=str(free_port()), RASA_URL=f"http://127.0.0.1:{router}",
            ROUTER_HOST="127.0.0.1", WEBCHAT_HOST="127.0.0.1", CONSOLE_HOST="127.0.0.1")
        for step in (["db-upgrade"], ["endpoints"]):
            subprocess.run([sys.executable, "-m", "bot", *step], cwd=ROOT, env=env, check=True,
                           capture_output=True)
        log = tmp_path / "honcho.log"
        honcho = subprocess.Popen(
            [str(HONCHO), "start", "-f", "Procfile.scale", "-p", str(base), "-c", "rasa=2"],
            cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
            start_new_session=True)
        entry = f"http://127.0.0.1:{router}"
        try:
            for url in (f"http://127.0.0.1:{base}/", f"http://127.0.0.1:{base + 1}/",
                        f"{entry}/", f"http://127.0.0.1:{env['CONSOLE_PORT']}/"):
                wait_until_up(url, honcho, log, seconds=240)
            owner = f"layout-{uuid.uuid4().hex[:8]}"
            answers = [say(entry, owner, text) for text in REPAIR]
            assert "BX-" in " ".join(answers[-1]), answers
            assert user_texts(entry, owner) == list(REPAIR)

            monkeypatch.setenv("DATABASE_URL", database_url)
            wait_until(lambda: len(analysed([owner])) >= len(REPAIR), seconds=60)
            assert len(analysed([owner])) == len(REPAIR), "the analytics process consumed the events"
        finally:
            os.killpg(honcho.pid, signal.SIGINT)  # Ctrl-C, as at a terminal
            honcho.wait(timeout=60)
        with pytest.raises(httpx.HTTPError):
            httpx.get(f"{entry}/", timeout=2)
        output = log.read_text()
        assert "rasa.1" in output and "rasa.2" in output and "router.1" in output
