"""The data layer on SQLite and PostgreSQL: tickets, contacts, audit trail, numbering."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest

from bot import store
from bot.store import FlatAddress
from bot.tickets import (
    IllegalTransition,
    NotYourTicket,
    TicketRequest,
    move_ticket,
    open_ticket,
    ticket_for_owner,
)
from bot.tickets.clocks import CENTRE_TZ

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=CENTRE_TZ)
FLAT = FlatAddress("5", "2", "302")


def repair(sender: str = "u1", key: str | None = None, text: str = "卫生间漏水") -> TicketRequest:
    return TicketRequest(
        category="repair", channel="rest", sender_id=sender, description=text, flat=FLAT,
        phone="13800138000", request_key=key,
    )


def test_a_repair_is_numbered_routed_and_clocked(database: str) -> None:
    ticket = open_ticket(repair(), now=NOW)
    assert ticket.number == "BX-20261122-0001"
    assert (ticket.urgency, ticket.status, ticket.department_code) == ("urgent", "new", "engineering")
    assert ticket.resolution_due == NOW + timedelta(minutes=15)
    assert ticket.flat == FLAT
    assert ticket.created_at == NOW
    second = open_ticket(repair(text="楼道灯不亮"), now=NOW + timedelta(minutes=1))
    assert second.number == "BX-20261122-0002"
    complaint = open_ticket(
        TicketRequest(category="complaint", channel="rest", sender_id="u1", description="楼上装修太吵"),
        now=NOW,
    )
    assert complaint.number == "TS-20261122-0001"
    next_day = open_ticket(repair(), now=NOW + timedelta(days=1))
    assert next_day.number == "BX-20261123-0001"


def test_numbering_follows_the_centres_midnight(database: str) -> None:
    # 23:30 UTC on the 22nd is 07:30 on the 23rd in Shanghai.
    late_utc = datetime(2026, 11, 22, 23, 30, tzinfo=CENTRE_TZ).astimezone(CENTRE_TZ)
    ticket = open_ticket(repair(), now=late_utc.replace(hour=0, minute=30))
    assert ticket.number.startswith("BX-20261122-")


def test_the_same_request_is_written_once(database: str) -> None:
    first = open_ticket(repair(key="conv-1:form-1"), now=NOW)
    again = open_ticket(repair(key="conv-1:form-1"), now=NOW + timedelta(seconds=3))
    assert again.number == first.number
    assert len(store.tickets_of("rest", "u1")) == 1


def test_numbers_stay_unique_under_concurrency(database: str) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(lambda i: open_ticket(repair(sender=f"u{i}"), now=NOW).number, range(40)))
    assert sorted(numbers) == [f"BX-20261122-{n:04d}" for n in range(1, 41)]


def test_concurrent_retries_of_one_request_write_one_ticket(database: str) -> None:
    with ThreadPoolExecutor(max_workers=6) as pool:
        numbers = set(pool.map(lambda _: open_ticket(repair(key="same"), now=NOW).number, range(12)))
    assert len(numbers) == 1
    assert len(store.tickets_of("rest", "u1")) == 1


def test_lifecycle_is_enforced_and_audited(database: str) -> None:
    number = open_ticket(repair(), now=NOW).number
    move_ticket(number, "accepted", "张工", now=NOW + timedelta(minutes=2))
    with pytest.raises(IllegalTransition):
        move_ticket(number, "closed", "张工", now=NOW + timedelta(minutes=3))
    move_ticket(number, "in_progress", "张工", now=NOW + timedelta(minutes=10))
    resolved = move_ticket(number, "resolved", "张工", note="已更换水管", now=NOW + timedelta(hours=1))
    assert resolved.resolved_at == NOW + timedelta(hours=1)
    reopened = move_ticket(number, "reopened", "业主回访", now=NOW + timedelta(days=2))
    assert reopened.resolved_at is None
    trail = store.ticket_events(number)
    assert [(e.kind, e.from_status, e.to_status) for e in trail] == [
        ("created", None, "new"),
        ("status", "new", "accepted"),
        ("status", "accepted", "in_progress"),
        ("status", "in_progress", "resolved"),
        ("status", "resolved", "reopened"),
    ]
    assert trail[3].actor == "张工" and trail[3].note == "已更换水管"


def test_owners_see_only_their_own_tickets(database: str) -> None:
    mine = open_ticket(repair(sender="owner-a"), now=NOW)
    open_ticket(repair(sender="owner-a", text="门锁坏了"), now=NOW + timedelta(minutes=5))
    theirs = open_ticket(repair(sender="owner-b"), now=NOW)
    latest = ticket_for_owner("rest", "owner-a", None)
    assert latest is not None and latest.description == "门锁坏了"
    assert ticket_for_owner("rest", "owner-a", mine.number) == store.find_ticket(mine.number)
    with pytest.raises(NotYourTicket):
        ticket_for_owner("rest", "owner-a", theirs.number)
    assert ticket_for_owner("rest", "owner-a", "BX-20200101-0001") is None
    assert ticket_for_owner("rest", "nobody", None) is None


def test_a_contact_is_remembered_and_can_change(database: str) -> None:
    assert store.contact_profile("telegram", "42") is None
    store.remember_contact("telegram", "42", phone="13800138000", flat=FLAT)
    store.remember_contact("telegram", "42", name="王女士")
    profile = store.contact_profile("telegram", "42")
    assert profile is not None
    assert (profile.phone, profile.flat, profile.name) == ("13800138000", FLAT, "王女士")
    store.remember_contact("telegram", "42", flat=FlatAddress("7", None, "1101"))
    moved = store.contact_profile("telegram", "42")
    assert moved is not None and moved.flat == FlatAddress("7", None, "1101")
    assert store.contact_profile("wechat", "42") is None, "one identity per channel"


def test_emergencies_are_flagged_for_people(database: str) -> None:
    ticket = open_ticket(repair(text="厨房一股很浓的煤气味"), now=NOW)
    assert (ticket.urgency, ticket.escalated) == ("emergency", True)
    assert ticket.resolution_due == NOW + timedelta(minutes=10)
