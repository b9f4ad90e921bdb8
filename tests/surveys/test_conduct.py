"""One callback from the first question to its outcome, on both engines: every answer kept,
a dissatisfied owner's ticket reopened and queued for the agents' console, refusals and
do-not-disturb honoured, a late answer still counted."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from bot import store, texts
from bot.console.desk import Desk
from bot.handoff.conversation import RasaConversations
from bot.store import AgentRecord
from bot.surveys import conduct
from bot.surveys.planning import plan_due
from bot.tickets import TicketRequest, move_ticket, open_ticket
from bot.tickets.clocks import CENTRE_TZ
from tools.stack import free_port

MONDAY_15 = datetime(2027, 1, 11, 15, 0, tzinfo=CENTRE_TZ)


def started_ticket_callback(sender: str = "owner-1") -> tuple[int, str]:
    ticket = open_ticket(TicketRequest("repair", "telegram", sender, "卫生间地漏堵了",
                                       urgency="normal"), now=MONDAY_15 - timedelta(hours=6))
    move_ticket(ticket.number, "accepted", "工程部", now=MONDAY_15 - timedelta(hours=5))
    move_ticket(ticket.number, "resolved", "工程部", now=MONDAY_15 - timedelta(hours=4))
    plan_due(MONDAY_15)
    [callback] = store.claim_due(MONDAY_15, "test")
    return callback.id, ticket.number


def converse(callback_id: int, *answers: str) -> conduct.Step:
    step = conduct.Step()
    for offset, text in enumerate(answers):
        step = conduct.answer(callback_id, text, MONDAY_15 + timedelta(minutes=offset))
    return step


def test_a_satisfied_owner_is_thanked_and_every_answer_is_kept(database) -> None:
    callback_id, number = started_ticket_callback()
    opening = conduct.opening(callback_id)
    assert number in opening.text and "卫生间地漏堵了" in opening.text
    assert opening.buttons == texts.CALLBACK_CONSENT_BUTTONS
    first = conduct.answer(callback_id, "方便", MONDAY_15)
    assert first.prompt and first.prompt.buttons == ("很满意", "满意", "一般", "不满意", "很不满意")
    end = converse(callback_id, "很满意", "挺好的", "非常满意", "希望以后维修前先打个电话")
    assert end.outcome == "answered" and end.prompt is None
    assert "感谢" in end.say[0]
    answers = [(a.question, a.scale, a.text) for a in store.answers_of(callback_id)]
    assert answers == [("consent", None, "方便"), ("result", 5, "很满意"), ("process", 4, "挺好的"),
                       ("person", 5, "非常满意"), ("suggestions", None, "希望以后维修前先打个电话")]
    assert store.callback(callback_id).status == "answered"
    assert store.find_ticket(number).status == "resolved", "nothing to reopen"


def test_a_dissatisfied_answer_reopens_the_ticket_and_reaches_the_console(database) -> None:
    callback_id, number = started_ticket_callback("owner-2")
    end = converse(callback_id, "方便", "不满意", "一般", "满意", "修完地漏还是返味,师傅也没清理现场")
    assert end.outcome == "answered"
    assert number in end.say[0] and "致歉" in end.say[0]
    asked = [a.question for a in store.answers_of(callback_id)]
    assert "which_part" in asked and "suggestions" not in asked
    ticket = store.find_ticket(number)
    assert ticket.status == "reopened"
    reopened = [e for e in store.ticket_events(number) if e.to_status == "reopened"]
    assert "还是返味" in reopened[0].note and reopened[0].actor == texts.CALLBACK_ACTOR
    agent = AgentRecord(1, "wang", "王丽", "agent", True, MONDAY_15)
    desk = Desk(RasaConversations(f"http://127.0.0.1:{free_port()}", timeout=1),
                clock=lambda: MONDAY_15)
    [entry] = [e for e in desk.queue(agent) if e.escalation.sender_id == "owner-2"]
    assert (entry.escalation.reason, entry.escalation.ticket_number) == (
        "callback_dissatisfied", number)
    assert "还是返味" in entry.escalation.last_message


def test_an_unclear_answer_is_asked_again(database) -> None:
    callback_id, _ = started_ticket_callback()
    conduct.answer(callback_id, "方便", MONDAY_15)
    step = conduct.answer(callback_id, "你们物业电话多少", MONDAY_15)
    assert step.outcome is None and texts.CALLBACK_SCALE_HINT in step.say[0]
    assert step.prompt.text.startswith("第1个问题")
    assert [a.question for a in store.answers_of(callback_id)] == ["consent"]


def test_declining_and_do_not_disturb(database) -> None:
    callback_id, _ = started_ticket_callback("owner-busy")
    step = conduct.answer(callback_id, "现在不方便", MONDAY_15)
    assert step.outcome == "refused" and store.callback(callback_id).status == "refused"
    with pytest.raises(conduct.CallbackClosed):
        conduct.answer(callback_id, "满意", MONDAY_15)

    other, _ = started_ticket_callback("owner-stop")
    step = conduct.answer(other, "以后不要再打扰我", MONDAY_15)
    assert step.outcome == "refused" and step.say == (texts.CALLBACK_DO_NOT_DISTURB,)
    assert store.callback(other).do_not_disturb


def test_an_answer_after_we_gave_up_still_counts(database) -> None:
    callback_id, _ = started_ticket_callback("owner-late")
    conduct.answer(callback_id, "好的", MONDAY_15)
    store.finish_callback(callback_id, "unreachable", MONDAY_15 + timedelta(days=2))
    resumed = conduct.opening(callback_id)
    assert resumed.text.startswith(texts.CALLBACK_RESUMING) and "第1个问题" in resumed.text
    end = converse(callback_id, "满意", "满意", "满意", "没有")
    assert end.outcome == "answered"
    assert store.callback(callback_id).status == "answered"


def test_a_living_callback_that_wants_a_visit_opens_a_linked_complaint(database) -> None:
    store.set_owner_dates("telegram", "owner-new", None, date(2026, 10, 8))
    plan_due(MONDAY_15)
    [callback] = store.claim_due(MONDAY_15, "test")
    assert callback.kind == "living"
    end = converse(callback.id, "方便", "满意", "阳台推拉门关不严", "需要", "阳台门漏风")
    assert end.outcome == "answered"
    [ticket] = store.tickets_of("telegram", "owner-new")
    assert ticket.category == "complaint" and "阳台推拉门关不严" in ticket.description
    [queued] = store.waiting_escalations("telegram", "owner-new")
    assert (queued.reason, queued.ticket_number) == ("callback_dissatisfied", ticket.number)
