"""Start the assistant's processes (action server, Rasa server) the way `make run` does, on
free local ports, for the end-to-end tests and the benchmark."""

from __future__ import annotations

import os
import secrets
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


# The stack's secrets (bot/deploy/credentials.py), fresh for each run and known to this
# process too, so tests and the benchmark call Rasa's API as the console does.
for _name in ("RASA_JWT_SECRET", "ACTIONS_TOKEN", "WEBCHAT_SECRET"):
    os.environ.setdefault(_name, secrets.token_hex(32))


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
    rasa_url: str  # where owners' traffic goes: the router when there are replicas
    database_url: str
    workdir: Path
    endpoints: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    replica_urls: list[str] = field(default_factory=list)
    events_queue: str | None = None  # the RabbitMQ queue Rasa publishes to, when it does

    def stop(self, name: str) -> None:
        """Kill one process, as a crash would (no clean shutdown)."""
        self.processes[name].kill()
        self.processes[name].wait(timeout=20)


@contextmanager
def running_stack(models: Path, workdir: Path, database_url: str | None = None,
                  replicas: int = 1, engines: dict[str, str] | None = None,
                  router: bool | None = None) -> Iterator[RunningStack]:
    """Action server and Rasa server(s) on a database of their own, stopped on exit.

    `engines` (REDIS_URL, RABBITMQ_URL) put Rasa on the real engines, with the tracker on
    `database_url` when that is PostgreSQL; with `replicas` > 1 a router spreads the traffic
    by sender, as in production (`make run` with those variables set); `router=True` puts
    it in front of a single replica too (for comparing like with like)."""
    routed = replicas > 1 if router is None else router
    from bot.deploy.engines import Engines, write_endpoints_file

    database_url = database_url or f"sqlite:///{workdir / 'assistant.db'}"
    env = quiet_env(DATABASE_URL=database_url, **(engines or {}))
    if engines:
        env.setdefault("TICKET_LOCK_LIFETIME", "20")  # as Procfile.scale sets it
    subprocess.run([sys.executable, "-m", "bot", "db-upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    action_port = free_port()
    rasa_ports = [free_port() for _ in range(replicas)]
    endpoints = workdir / "endpoints.yml"
    configured = Engines(
        database_url=database_url if engines and database_url.startswith("postgresql") else None,
        redis_url=(engines or {}).get("REDIS_URL"), rabbitmq_url=(engines or {}).get("RABBITMQ_URL"),
        actions_url=f"http://127.0.0.1:{action_port}/webhook",
        events_queue=(engines or {}).get("RASA_EVENTS_QUEUE") or "rasa_events")
    write_endpoints_file(endpoints, configured)
    commands = {
        "actions": [sys.executable, "-m", "bot", "actions-server", "--port", str(action_port)],
    }
    for index, port in enumerate(rasa_ports):
        commands[f"rasa{index}" if replicas > 1 else "rasa"] = [
            sys.executable, "-m", "bot", "rasa-server", "--model", str(models),
            "--port", str(port), "--endpoints", str(endpoints),
            "--credentials", str(ROOT / "credentials.yml")]
    replica_urls = [f"http://127.0.0.1:{port}" for port in rasa_ports]
    entry = replica_urls[0]
    if routed:
        router_port = free_port()
        commands["router"] = [sys.executable, "-m", "bot", "router", "--host", "127.0.0.1",
                              "--port", str(router_port)]
        env["RASA_REPLICA_URLS"] = ",".join(replica_urls)
        entry = f"http://127.0.0.1:{router_port}"
    stack = RunningStack(entry, database_url, workdir, endpoints, replica_urls=replica_urls,
                         events_queue=configured.events_queue if configured.rabbitmq_url else None)
    try:
        for name, command in commands.items():
            log = workdir / f"{name}.log"
            stack.processes[name] = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
            )
        wait_until_up(f"http://127.0.0.1:{action_port}/health", stack.processes["actions"],
                      workdir / "actions.log")
        for name, url in zip([n for n in commands if n.startswith("rasa")], replica_urls):
            wait_until_up(f"{url}/", stack.processes[name], workdir / f"{name}.log")
        if routed:
            wait_until_up(f"{entry}/", stack.processes["router"], workdir / "router.log")
        yield stack
    finally:
        for process in stack.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in stack.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
