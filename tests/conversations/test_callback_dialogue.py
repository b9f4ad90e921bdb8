"""Callbacks in the running assistant (Rasa's external events and the callback form), to an
owner on Telegram: an owner in the middle of something is not interrupted, a question in the
middle of a callback is answered and the callback goes on, a new request sets it aside for
tomorrow."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from bot import store
from bot.handoff.conversation import RasaConversations
from bot.identity import Owner
from bot.surveys.scheduler import Scheduler
from bot.tickets import TicketRequest, move_ticket, open_ticket
from tests.telegram_stack import TelegramOwner

pytestmark = pytest.mark.model


@pytest.fixture
def stack(telegram_stack):
    return telegram_stack


@pytest.fixture
def owner(telegram_stack, fake, monkeypatch) -> TelegramOwner:
    monkeypatch.setenv("DATABASE_URL", telegram_stack.database_url)
    monkeypatch.setenv("CALLBACK_HOURS", "00:00-23:59")
    monkeypatch.setenv("CALLBACK_DELAY_HOURS", "0")
    return TelegramOwner(telegram_stack, fake, 800_000 + uuid.uuid4().int % 100_000)


def resolved_ticket(owner: TelegramOwner) -> str:
    now = datetime.now(timezone.utc)
    ticket = open_ticket(TicketRequest("repair", "telegram", owner.sender, "楼道灯不亮",
                                       urgency="normal"), now=now - timedelta(hours=3))
    move_ticket(ticket.number, "accepted", "工程部", now=now - timedelta(hours=2))
    move_ticket(ticket.number, "resolved", "工程部", now=now - timedelta(hours=1))
    return ticket.number


def tick(stack, at: datetime | None = None):
    moment = at or datetime.now(timezone.utc)
    return Scheduler(RasaConversations(stack.rasa_url), worker="test", clock=lambda: moment).tick()


def callback_for(number: str):
    return next(c for c in store.callbacks_for("ticket") if c.ticket_number == number)


def last_bot_text(stack, owner: TelegramOwner) -> str:
    events = RasaConversations(stack.rasa_url).history(Owner("telegram", owner.sender))
    return [e.get("text") for e in events if e.get("event") == "bot"][-1]


def test_an_owner_in_the_middle_of_a_request_is_called_back_later(stack, owner) -> None:
    number = resolved_ticket(owner)
    owner.texts("我家客厅的灯不亮了")  # the ticket form is asking where
    report = tick(stack)
    callback = callback_for(number)
    assert callback.id in report.deferred
    assert (callback.status, callback.attempts) == ("scheduled", 0)
    assert callback.next_attempt_at > datetime.now(timezone.utc) + timedelta(minutes=20)


def test_a_question_in_the_middle_is_answered_and_the_callback_goes_on(stack, owner) -> None:
    number = resolved_ticket(owner)
    report = tick(stack)
    assert callback_for(number).id in report.started
    assert number in last_bot_text(stack, owner)
    assert any("第1个问题" in t for t in owner.texts("可以"))
    answered = " ".join(owner.texts("装修押金什么时候能退?"))
    assert "押金" in answered and "第1个问题" in answered, "answered, then the question again"
    for text in ("满意", "满意", "满意"):
        owner.texts(text)
    closing = " ".join(owner.texts("没有"))
    assert "感谢" in closing
    assert store.callback(callback_for(number).id).status == "answered"


def test_a_new_request_sets_the_callback_aside_until_tomorrow(stack, owner) -> None:
    number = resolved_ticket(owner)
    tick(stack)
    owner.texts("方便")
    replies = " ".join(owner.texts("厨房水管爆了,水流了一地"))
    assert "回访稍后再说" in replies
    callback = callback_for(number)
    assert callback.status == "scheduled"
    assert callback.next_attempt_at > datetime.now(timezone.utc) + timedelta(hours=20)
    assert [a.question for a in store.answers_of(callback.id)] == ["consent"]
    # The repair goes on as any other: written at once (a burst pipe) or asked about.
    assert "BX-" in replies or "楼栋" in replies, replies


def test_asking_for_a_person_hands_the_callback_to_an_agent(stack, owner) -> None:
    number = resolved_ticket(owner)
    tick(stack)
    owner.texts("方便")
    owner.texts("我要找人工客服")
    callback = callback_for(number)
    assert callback.status == "handed_to_person"
    [queued] = store.waiting_escalations("telegram", owner.sender)
    assert queued.reason == "asked"


def test_an_answer_after_the_session_ended_still_counts(stack, owner) -> None:
    """An owner who answers the next day comes back in a new Rasa session: the callback is
    still open and the answer goes to it."""
    import httpx

    from bot.deploy.credentials import admin_headers

    number = resolved_ticket(owner)
    tick(stack)
    assert any("第1个问题" in t for t in owner.texts("方便"))
    # What Rasa does after an hour's silence, done now.
    httpx.post(f"{stack.rasa_url}/conversations/telegram:{owner.sender}/execute",
               json={"name": "action_session_start"}, headers=admin_headers("test"),
               timeout=60).raise_for_status()
    assert any("第2个问题" in t for t in owner.texts("满意"))
    callback = callback_for(number)
    assert [a.question for a in store.answers_of(callback.id)] == ["consent", "result"]
