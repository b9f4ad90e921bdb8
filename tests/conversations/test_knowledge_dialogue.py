"""Procedural questions in conversation: answers, follow-ups in context, unknown → inquiry."""

from __future__ import annotations

import re
import uuid

import pytest

from bot import store

pytestmark = pytest.mark.model


@pytest.fixture(autouse=True)
def same_database(stack, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", stack.database_url)


def test_an_answer_and_its_follow_up(stack) -> None:
    owner = f"owner-{uuid.uuid4().hex[:8]}"
    first = "\n".join(stack.texts(owner, "装修要怎么申请?"))
    assert "装修" in first and "还想了解装修的其他手续吗" in first
    follow_up = "\n".join(stack.texts(owner, "那要多久?"))
    assert follow_up.splitlines()[1].startswith("时间要求"), follow_up
    assert "工作日" in follow_up


def test_an_unknown_question_becomes_an_inquiry_ticket(stack) -> None:
    owner = f"owner-{uuid.uuid4().hex[:8]}"
    reply = "\n".join(stack.texts(owner, "业主委员会换届选举要走什么流程?"))
    number = re.search(r"ZX-\d{8}-\d{4}", reply)
    assert number and "1个工作日" in reply, reply
    ticket = store.find_ticket(number.group(0))
    assert ticket is not None and ticket.category == "inquiry"
    assert ticket.description == "业主委员会换届选举要走什么流程?"
