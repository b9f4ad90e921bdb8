"""Claims on deliveries across processes: a replay is recognised, a delivery another
process is handling is left to it, and one whose process died is taken over once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

from bot import store

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
LEASE = timedelta(seconds=30)


def claim(at: datetime, update: str = "u-1") -> str:
    return store.claim_delivery("telegram", update, "chat-1", "text", at, LEASE)


def test_new_then_in_progress_then_handled(database) -> None:
    assert claim(NOW) == "new"
    assert claim(NOW + timedelta(seconds=5)) == "in_progress"
    store.finish_delivery("telegram", "u-1", NOW + timedelta(seconds=6))
    assert claim(NOW + timedelta(minutes=5)) == "handled"


def test_a_claim_left_by_a_dead_process_is_taken_over_once(database) -> None:
    assert claim(NOW) == "new"  # ...and the process dies before finishing
    later = NOW + LEASE + timedelta(seconds=1)
    with ThreadPoolExecutor(6) as pool:
        outcomes = list(pool.map(lambda _: claim(later), range(6)))
    assert sorted(outcomes) == ["in_progress"] * 5 + ["new"]
    store.finish_delivery("telegram", "u-1", later)
    assert claim(later + timedelta(minutes=1)) == "handled"


def test_a_failed_handling_gives_the_claim_up_for_the_next_delivery(database) -> None:
    assert claim(NOW) == "new"
    store.release_delivery("telegram", "u-1")
    assert claim(NOW + timedelta(seconds=1)) == "new", "handled on the next delivery"
    store.finish_delivery("telegram", "u-1", NOW + timedelta(seconds=2))
    store.release_delivery("telegram", "u-1")
    assert claim(NOW + timedelta(seconds=3)) == "handled", "a finished one is never given up"
