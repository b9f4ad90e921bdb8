"""`make bench`: simulated owners holding real repair and complaint conversations.

Three measurements in one run, against the running stack of `make run` (Rasa server, action
server, SQLite):
  (a) 20 owners each writing every 2 seconds (starts spread over the 2 s): latency p50/p95/p99;
  (b) 20 owners writing back to back: saturation throughput in messages per second;
  (c) the in-process floor: the same conversations through Rasa's Agent, without HTTP.
It checks that every message got an answer and that each confirmed conversation wrote
exactly one ticket, and states the memory of the stack's processes.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import os
import platform
import pstats
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import aiohttp
import psutil
from tqdm import tqdm

from tools.stack import ROOT, quiet_env, running_stack

OWNERS = 20
INTERVAL_SECONDS = 2.0


def conversation(kind: int, owner: int) -> list[str]:
    """One owner's conversation; phone numbers differ so tickets can be told apart."""
    phone = f"139{owner:04d}{kind:04d}"
    if kind % 2 == 0:
        return ["你好,我家卫生间漏水了",
                f"{owner % 9 + 1}号楼{owner % 3 + 1}单元{(owner % 18) + 2}01,明天下午三点以后都在,电话{phone}",
                "对"]
    return ["楼上装修天天吵到晚上十点", f"{owner % 9 + 1}栋{(owner % 18) + 2}02", phone,
            "希望物业去管一管", "对"]


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    unanswered: int = 0
    seconds: float = 0.0

    def summary(self) -> dict[str, float]:
        ordered = sorted(self.latencies)

        def pct(p: float) -> float:
            return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else 0.0

        return {
            "messages": len(self.latencies),
            "unanswered": self.unanswered,
            "seconds": round(self.seconds, 2),
            "messages_per_second": round(len(self.latencies) / self.seconds, 1) if self.seconds else 0,
            "p50_ms": round(pct(0.50), 1),
            "p95_ms": round(pct(0.95), 1),
            "p99_ms": round(pct(0.99), 1),
            "mean_ms": round(statistics.fmean(ordered) * 1000, 1) if ordered else 0.0,
        }


async def _owner(session: aiohttp.ClientSession, url: str, sender: str, messages: list[str],
                 phase: Phase, bar: tqdm, start_delay: float, interval: float | None) -> None:
    await asyncio.sleep(start_delay)
    next_at = time.monotonic()
    for message in messages:
        if interval is not None:
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
            next_at += interval
        started = time.monotonic()
        async with session.post(url, json={"sender": sender, "message": message}) as reply:
            answers = await reply.json() if reply.status == 200 else []
        phase.latencies.append(time.monotonic() - started)
        if not answers:
            phase.unanswered += 1
        bar.update(1)


async def run_owners(rasa_url: str, phase: Phase, tag: str, rounds: int,
                     interval: float | None) -> list[str]:
    """All owners at once; returns the sender ids used."""
    scripts = {
        f"bench-{tag}-{owner}": [m for r in range(rounds) for m in conversation(r + owner, owner)]
        for owner in range(OWNERS)
    }
    total = sum(len(m) for m in scripts.values())
    url = f"{rasa_url}/webhooks/rest/webhook"
    connector = aiohttp.TCPConnector(limit=OWNERS)
    async with aiohttp.ClientSession(connector=connector,
                                     timeout=aiohttp.ClientTimeout(total=120)) as session:
        with tqdm(total=total, desc=phase.name, unit="msg", file=sys.stderr, mininterval=1) as bar:
            started = time.monotonic()
            await asyncio.gather(*(
                _owner(session, url, sender, messages, phase, bar,
                       start_delay=(i * interval / OWNERS) if interval else 0.0,
                       interval=interval)
                for i, (sender, messages) in enumerate(scripts.items())
            ))
            phase.seconds = time.monotonic() - started
    return list(scripts)


def in_process_floor(models: Path, endpoints: Path, rounds: int) -> Phase:
    """The same conversations through Rasa's Agent in this process: no REST, no HTTP client."""
    from rasa.core.agent import Agent
    from rasa.utils.endpoints import read_endpoint_config

    from bot.nlu.model import newest_model

    from bot.nlu.quiet import silence_rasa

    silence_rasa()
    phase = Phase("(c) in-process floor")
    action_endpoint = read_endpoint_config(str(endpoints), "action_endpoint")
    loop = asyncio.new_event_loop()
    agent = Agent.load(str(newest_model(models)), action_endpoint=action_endpoint)
    scripts = [(f"floor-{owner}", [m for r in range(rounds) for m in conversation(r + owner, owner)])
               for owner in range(OWNERS)]
    with tqdm(total=sum(len(m) for _, m in scripts), desc=phase.name, unit="msg",
              file=sys.stderr, mininterval=1) as bar:
        started = time.monotonic()
        for sender, messages in scripts:
            for message in messages:
                t0 = time.monotonic()
                answers = loop.run_until_complete(agent.handle_text(message, sender_id=sender))
                phase.latencies.append(time.monotonic() - t0)
                phase.unanswered += 0 if answers else 1
                bar.update(1)
        phase.seconds = time.monotonic() - started
    loop.close()
    return phase


def stack_memory_mb(processes: list[psutil.Process]) -> float:
    total = 0
    for process in processes:
        for member in [process, *process.children(recursive=True)]:
            try:
                total += member.memory_info().rss
            except psutil.NoSuchProcess:
                pass
    return round(total / 2**20, 1)


def tickets_per_sender(database_url: str, senders: list[str]) -> dict[str, int]:
    os.environ["DATABASE_URL"] = database_url
    from bot import store

    return {sender: len(store.tickets_of("rest", sender, limit=100)) for sender in senders}


def scale_out(models: Path, rounds: int, out: Path) -> int:
    """The same owners back to back against 1 and then 2 Rasa replicas behind the router, on
    the real engines (PostgreSQL tracker, Redis lock, RabbitMQ broker), side by side with the
    in-process floor."""
    from tools.databases import postgres_problem, throwaway_database

    server = os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("TEST_DATABASE_URL") \
        or "postgresql://postgres@127.0.0.1:5432/postgres"
    engines = {"REDIS_URL": os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/14",
               "RABBITMQ_URL": os.environ.get("RABBITMQ_URL") or "amqp://guest:guest@127.0.0.1:5672/",
               "RASA_EVENTS_QUEUE": "rasa_events_bench"}
    problem = postgres_problem(server)
    if problem:
        print(f"bench: the scale-out mode needs PostgreSQL ({server}): {problem}", file=sys.stderr)
        return 2
    rows: dict[str, dict] = {}
    for replicas in (1, 2):
        with tempfile.TemporaryDirectory() as tmp, throwaway_database(server, "assistant_bench") as db, \
                running_stack(models, Path(tmp), db, replicas=replicas, engines=engines,
                              router=True) as stack:
            print(f"bench: {replicas} replica(s) behind the router at {stack.rasa_url}",
                  file=sys.stderr)
            steady = Phase(f"{replicas} replica(s), one message every 2 s")
            asyncio.run(run_owners(stack.rasa_url, steady, f"steady{replicas}", rounds,
                                   INTERVAL_SECONDS))
            saturation = Phase(f"{replicas} replica(s), back to back")
            asyncio.run(run_owners(stack.rasa_url, saturation, f"burst{replicas}", rounds, None))
            rows[f"{replicas}_replica"] = {"steady": steady.summary(),
                                           "saturation": saturation.summary()}
            if replicas == 1:
                rows["floor"] = in_process_floor(models, stack.endpoints, rounds).summary()
    results = {"date": date.today().isoformat(),
               "machine": f"{platform.machine()}, {psutil.cpu_count()} cores",
               "engines": "PostgreSQL tracker, Redis lock, RabbitMQ broker, router", **rows}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(results, ensure_ascii=False, indent=2))
    lost = sum(row[phase]["unanswered"] for key, row in rows.items() if key != "floor"
               for phase in ("steady", "saturation"))
    return 1 if lost else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default=str(ROOT / "models"))
    parser.add_argument("--rounds", type=int, default=3, help="conversations per owner and phase")
    parser.add_argument("--out", default=str(ROOT / "reports" / "bench.json"))
    parser.add_argument("--profile", action="store_true",
                        help="profile the in-process floor (cProfile) into reports/bench-profile.txt")
    parser.add_argument("--scale-out", action="store_true",
                        help="1 vs 2 Rasa replicas on PostgreSQL/Redis/RabbitMQ (reports/bench-scale-out.json)")
    args = parser.parse_args(argv)
    os.environ.update(quiet_env())
    if args.scale_out:
        return scale_out(Path(args.models), args.rounds,
                         Path(args.out).with_name("bench-scale-out.json"))

    with tempfile.TemporaryDirectory() as tmp, running_stack(Path(args.models), Path(tmp)) as stack:
        print(f"bench: stack up at {stack.rasa_url}; {OWNERS} owners, {args.rounds} "
              "conversations each per phase", file=sys.stderr)
        steady = Phase("(a) 20 owners, one message every 2 s")
        steady_senders = asyncio.run(run_owners(stack.rasa_url, steady, "steady", args.rounds,
                                                INTERVAL_SECONDS))
        saturation = Phase("(b) 20 owners back to back")
        burst_senders = asyncio.run(run_owners(stack.rasa_url, saturation, "burst", args.rounds,
                                               None))
        processes = [psutil.Process(p.pid) for p in stack.processes.values()]
        memory = stack_memory_mb(processes)
        if args.profile:
            profiler = cProfile.Profile()
            floor = profiler.runcall(in_process_floor, Path(args.models), stack.endpoints, args.rounds)
            report = io.StringIO()
            pstats.Stats(profiler, stream=report).sort_stats("cumulative").print_stats(40)
            (Path(args.out).parent / "bench-profile.txt").write_text(report.getvalue())
        else:
            floor = in_process_floor(Path(args.models), stack.endpoints, args.rounds)
        written = tickets_per_sender(stack.database_url, steady_senders + burst_senders)

    expected = args.rounds  # every conversation ends with "对": one ticket each
    duplicates = {s: n for s, n in written.items() if n != expected}
    results = {
        "date": date.today().isoformat(),
        "machine": f"{platform.machine()}, {psutil.cpu_count()} cores, "
                   f"{round(psutil.virtual_memory().total / 2**30)} GiB, Python {platform.python_version()}",
        "steady": steady.summary(),
        "saturation": saturation.summary(),
        "floor": floor.summary(),
        "saturation_vs_floor": round(
            saturation.summary()["messages_per_second"] / floor.summary()["messages_per_second"], 2),
        "stack_memory_mb": memory,
        "tickets_wrong_count": duplicates,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(results, ensure_ascii=False, indent=2))
    lost = steady.unanswered + saturation.unanswered + floor.unanswered
    if lost or duplicates:
        print(f"bench: {lost} unanswered messages, ticket counts off for {len(duplicates)} owners",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
