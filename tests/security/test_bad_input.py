"""Bad input from owners gets a polite answer, through the running assistant.

Real Rasa and action servers (tests/stack.py) over the REST channel, each test an owner of
its own:

- a blank message (empty, spaces, a full-width space, a zero-width space) used to fail in
  the intent classifier and got no answer at all; now it gets a prompt to write, outside a
  form and inside one (where the question is asked again), and never a hand-over;
- punctuation alone ("。") was read as `affirm` and confirmed a ticket; now it is unclear;
- a visit time beyond the centre's horizon (9999年1月1日上午) used to become the ticket's
  due time; now it is asked again, as a past or impossible time is.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta

import httpx
import pytest
import yaml

from bot import store
from bot.tickets.clocks import CENTRE_TZ
from bot.understanding.when import VISIT_HORIZON_DAYS
from tests.conftest import ROOT

pytestmark = pytest.mark.model
NUMBER = re.compile(r"(BX|TS|JY)-\d{8}-\d{4}")
RESPONSES = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]


def said(name: str) -> str:
    return RESPONSES[name][-1]["text"]


PROMPT = said("utter_empty_message")
EMPTY_ANSWER = said("utter_empty_answer")
ASK_PLACE = said("utter_ask_place")
ASK_PHONE = said("utter_ask_phone")
ASK_TIME = said("utter_ask_visit_time")
TOO_FAR = said("utter_time_too_far")
BLANKS = ["", " ", "   \n", "\u3000", "\t\r\n", "\u200b", "\ufeff ", "\u00a0\u3000"]


@pytest.fixture
def owner() -> str:
    return f"owner-{uuid.uuid4().hex[:8]}"


@pytest.fixture(autouse=True)
def same_database(stack, monkeypatch) -> None:
    """Let the test read the tickets and escalations the stack wrote."""
    monkeypatch.setenv("DATABASE_URL", stack.database_url)


def test_the_prompt_is_friendly_chinese() -> None:
    assert PROMPT == "您好，请问有什么可以帮您？请直接输入您的问题。"


@pytest.mark.parametrize("blank", BLANKS)
def test_a_blank_first_message_gets_the_prompt(stack, owner: str, blank: str) -> None:
    assert stack.texts(owner, blank) == [PROMPT]


def test_a_missing_or_null_message_gets_the_prompt(stack, owner: str) -> None:
    for body in ({"sender": owner}, {"sender": owner, "message": None}):
        reply = httpx.post(f"{stack.rasa_url}/webhooks/rest/webhook", json=body, timeout=60)
        reply.raise_for_status()
        assert [item.get("text") for item in reply.json()] == [PROMPT]


def test_blank_messages_in_a_row_are_each_answered_and_never_handed_over(stack,
                                                                           owner: str) -> None:
    assert "您好" in "".join(stack.texts(owner, "你好"))
    for blank in BLANKS[:4]:
        assert stack.texts(owner, blank) == [PROMPT]
    assert store.waiting_escalations("rest", owner) == []
    # And the conversation goes on as usual afterwards.
    assert ASK_PLACE in stack.texts(owner, "厨房下水道堵了")


def test_a_blank_answer_inside_the_form_is_prompted_and_the_question_asked_again(
        stack, owner: str) -> None:
    assert stack.texts(owner, "厨房下水道堵了") == [ASK_PLACE]
    for blank in ("  ", "\u3000", "\u200b"):
        assert stack.texts(owner, blank) == [EMPTY_ANSWER, ASK_PLACE]
    assert stack.texts(owner, "3栋501") == [ASK_PHONE]
    assert stack.texts(owner, "") == [EMPTY_ANSWER, ASK_PHONE]
    assert stack.texts(owner, "13800138000") == [ASK_TIME]
    assert stack.texts(owner, " \n ") == [EMPTY_ANSWER, ASK_TIME]
    summary = "\n".join(stack.texts(owner, "明天上午"))
    assert "核对" in summary
    again = stack.texts(owner, "   ")
    assert again[0] == EMPTY_ANSWER and "核对" in again[-1], "the summary is shown again"
    assert store.tickets_of("rest", owner) == [], "a blank answer confirms nothing"
    assert NUMBER.search("\n".join(stack.texts(owner, "对")))
    assert len(store.tickets_of("rest", owner)) == 1


def test_a_lone_full_stop_does_not_confirm_a_ticket(stack, owner: str) -> None:
    for message in ("客厅的灯不亮了", "6栋1单元301", "13600136000"):
        stack.texts(owner, message)
    assert "核对" in "\n".join(stack.texts(owner, "随时都可以"))
    for stray in ("。", "...", "？"):
        reply = "\n".join(stack.texts(owner, stray))
        assert not NUMBER.search(reply) and "核对" in reply, reply
    assert store.tickets_of("rest", owner) == []
    assert NUMBER.search("\n".join(stack.texts(owner, "对")))


def test_a_lone_full_stop_outside_a_form_is_unclear(stack, owner: str) -> None:
    reply = "\n".join(stack.texts(owner, "。"))
    assert "换个说法" in reply, reply


def test_a_visit_in_the_year_9999_is_asked_again_and_never_becomes_a_due_time(
        stack, owner: str) -> None:
    for message in ("厨房下水道堵了", "3栋501", "13800138000"):
        stack.texts(owner, message)
    assert stack.texts(owner, "9999年1月1日上午") == [TOO_FAR, ASK_TIME]
    assert f"{VISIT_HORIZON_DAYS}天" in TOO_FAR
    assert stack.texts(owner, "那就2099年5月1日下午吧") == [TOO_FAR, ASK_TIME]
    summary = "\n".join(stack.texts(owner, "明天上午"))
    assert "核对" in summary and "9999" not in summary and "2099" not in summary
    done = "\n".join(stack.texts(owner, "对"))
    number = NUMBER.search(done)
    assert number, done
    ticket = store.find_ticket(number.group(0))
    assert ticket is not None and ticket.preferred_start is not None
    tomorrow = (datetime.now(CENTRE_TZ) + timedelta(days=1)).date()
    assert ticket.preferred_start.astimezone(CENTRE_TZ).date() == tomorrow
    horizon = datetime.now(CENTRE_TZ) + timedelta(days=VISIT_HORIZON_DAYS + 1)
    for ticket in store.tickets_of("rest", owner):
        assert ticket.resolution_due < horizon, ticket.resolution_due
