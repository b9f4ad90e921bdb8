"""Start the assistant's processes (action server, Rasa server) the way `make run` does, on
free local ports, for the end-to-end tests and the benchmark."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def quiet_env(**extra: str) -> dict[str, str]:
    """The environment every Rasa process gets here: quiet, offline, project on the path."""
    env = dict(os.environ)
    env.update(
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="3",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, log: Path, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited early:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not come up in {seconds} s:\n{log.read_text()[-3000:]}")


@dataclass
class RunningStack:
    rasa_url: str
    database_url: str
    workdir: Path
    endpoints: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)


@contextmanager
def running_stack(models: Path, workdir: Path, database_url: str | None = None) -> Iterator[RunningStack]:
    """Action server and Rasa server on a database of their own, stopped on exit."""
    database_url = database_url or f"sqlite:///{workdir / 'assistant.db'}"
    env = quiet_env(DATABASE_URL=database_url)
    subprocess.run([sys.executable, "-m", "bot", "db-upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    action_port, rasa_port = free_port(), free_port()
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n')
    commands = {
        "actions": [sys.executable, "-m", "rasa", "run", "actions", "--actions", "actions",
                    "--port", str(action_port)],
        "rasa": [sys.executable, "-m", "rasa", "run", "--enable-api", "--model", str(models),
                 "--port", str(rasa_port), "--endpoints", str(endpoints),
                 "--credentials", str(ROOT / "credentials.yml")],
    }
    stack = RunningStack(f"http://127.0.0.1:{rasa_port}", database_url, workdir, endpoints)
    try:
        for name, command in commands.items():
            log = workdir / f"{name}.log"
            stack.processes[name] = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
            )
        wait_until_up(f"http://127.0.0.1:{action_port}/health", stack.processes["actions"],
                      workdir / "actions.log")
        wait_until_up(f"{stack.rasa_url}/status", stack.processes["rasa"], workdir / "rasa.log")
        yield stack
    finally:
        for process in stack.processes.values():
            process.terminate()
        for process in stack.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
