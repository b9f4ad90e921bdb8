"""Escalation rules: priority, due time, one queue entry per owner, what the owner is told."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from bot import store
from bot.handoff import escalate, waiting_message
from bot.handoff.complaints import complaint_escalation
from bot.tickets import TicketRequest, open_ticket
from bot.tickets.clocks import CENTRE_TZ
from bot.understanding.emotion import is_angry

MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=CENTRE_TZ)
MONDAY_21 = datetime(2026, 11, 23, 21, 0, tzinfo=CENTRE_TZ)


def test_each_reason_has_its_priority_and_due_time(database: str) -> None:
    asked = escalate("rest", "a", "asked", "转人工", MONDAY_10)
    assert (asked.priority, asked.due_at) == (2, MONDAY_10 + timedelta(minutes=10))
    urgent = escalate("rest", "b", "emergency", "煤气味", MONDAY_10, "BX-20261123-0001")
    assert (urgent.priority, urgent.due_at, urgent.ticket_number) == (1, MONDAY_10, "BX-20261123-0001")
    escalate("rest", "c", "not_understood", "。。。", MONDAY_10)
    assert [e.sender_id for e in store.waiting_escalations()] == ["b", "a", "c"]


def test_an_owner_waits_once_and_the_more_urgent_reason_wins(database: str) -> None:
    escalate("rest", "a", "not_understood", "。。。", MONDAY_10)
    raised = escalate("rest", "a", "angry", "气死了!!!", MONDAY_10 + timedelta(minutes=1))
    assert (raised.reason, raised.priority, raised.last_message) == ("angry", 2, "气死了!!!")
    assert len(store.waiting_escalations("rest", "a")) == 1


def test_the_owner_is_told_when_a_person_comes(database: str, monkeypatch) -> None:
    monkeypatch.setenv("CENTRE_OPENS", "08:30")
    monkeypatch.setenv("CENTRE_CLOSES", "17:30")
    during = waiting_message(escalate("rest", "a", "asked", "人工", MONDAY_10), MONDAY_10)
    assert "10分钟内" in during
    after = waiting_message(escalate("rest", "b", "asked", "人工", MONDAY_21), MONDAY_21)
    assert "非工作时间" in after and "明天 08:30" in after


def test_serious_and_repeated_complaints(database: str) -> None:
    def complaint(sender: str, text: str, at: datetime):
        return open_ticket(TicketRequest(category="complaint", channel="rest", sender_id=sender,
                                         description=text), now=at)

    serious = complaint("a", "保安打人了,我要报警", MONDAY_10)
    assert complaint_escalation(serious, store.tickets_of("rest", "a")) == "serious_complaint"
    first = complaint("b", "楼上装修太吵", MONDAY_10)
    assert complaint_escalation(first, store.tickets_of("rest", "b")) is None
    again = complaint("b", "还是太吵", MONDAY_10 + timedelta(days=3))
    assert complaint_escalation(again, store.tickets_of("rest", "b")) == "repeated_complaint"
    much_later = replace(again, number="TS-X", created_at=MONDAY_10 + timedelta(days=60))
    assert complaint_escalation(much_later, store.tickets_of("rest", "b")) is None, \
        "complaints two months apart are not a repeat"


@pytest.mark.parametrize(
    ("text", "angry"),
    [("你们物业到底管不管!!!", True), ("气死我了,报修一周没人来", True), ("什么破物业", True),
     ("怎么还没修好???", True), ("卫生间漏水了,麻烦来看看", False), ("谢谢!", False),
     ("装修押金什么时候退?", False)],
)
def test_clear_cases_of_anger(text: str, angry: bool) -> None:
    assert is_angry(text) is angry


def test_two_agents_racing_to_take_over_end_with_one_holder(database: str) -> None:
    queued = escalate("rest", "owner", "asked", "转人工", MONDAY_10)
    agents = [f"agent{i}" for i in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        won = list(pool.map(lambda login: store.take_over(queued.id, login), agents))
    assert won.count(True) == 1
    held = store.escalation(queued.id)
    assert held is not None and held.status == "held" and held.holder == agents[won.index(True)]
    assert store.waiting_escalations("rest", "owner") == []


def test_only_the_holder_hands_back(database: str) -> None:
    queued = escalate("rest", "owner", "asked", "转人工", MONDAY_10)
    assert store.take_over(queued.id, "wang")
    assert not store.hand_back(queued.id, "li", "不是我接的")
    assert store.hand_back(queued.id, "wang", "已电话联系业主,约好明早上门")
    returned = store.escalation(queued.id)
    assert returned is not None and returned.status == "returned"
    assert not store.take_over(queued.id, "li"), "a returned conversation is not taken again"
