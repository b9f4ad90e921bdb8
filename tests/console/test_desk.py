"""The console's rules on both engines: ticket search with overdue marks, status and
department changes in the audit trail with the agent's name, who may act on a held
conversation, and a take-over undone when the assistant cannot be paused."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot import store
from bot.console import add_agent
from bot.console.desk import AssistantUnavailable, Conflict, Desk, Forbidden, NotFound, Refused
from bot.handoff import escalate
from bot.handoff.conversation import RasaConversations
from bot.store import FlatAddress, TicketQuery
from bot.tickets import TicketRequest, open_ticket
from bot.tickets.clocks import CENTRE_TZ
from tools.stack import free_port

MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=CENTRE_TZ)
PASSWORD = "correct horse 42"


def nowhere() -> RasaConversations:
    """A Rasa address where nothing listens: the assistant is down."""
    return RasaConversations(f"http://127.0.0.1:{free_port()}", timeout=2)


def at(moment: datetime) -> Desk:
    return Desk(nowhere(), clock=lambda: moment)


@pytest.fixture
def people(database: str):
    wang = add_agent("wang", "王丽", "agent", PASSWORD)
    li = add_agent("li", "李强", "agent", PASSWORD)
    boss = add_agent("zhao", "赵敏", "supervisor", PASSWORD)
    return wang, li, boss


def seeded_tickets() -> dict[str, str]:
    """Three owners' tickets opened Monday 09:00; numbers by what they are."""
    leak = open_ticket(TicketRequest(
        "repair", "telegram", "owner-a", "卫生间漏水", urgency="normal",
        flat=FlatAddress("5", "2", "302"), phone="13800138000"), now=MONDAY_9)
    noise = open_ticket(TicketRequest(
        "complaint", "wechat", "owner-b", "楼上装修太吵", flat=FlatAddress("7", None, "1101"),
        phone="13900139000"), now=MONDAY_9)
    idea = open_ticket(TicketRequest(
        "suggestion", "rest", "owner-c", "希望增加快递柜", location="小区南门"), now=MONDAY_9)
    return {"leak": leak.number, "noise": noise.number, "idea": idea.number}


def numbers(views) -> set[str]:
    return {view.ticket.number for view in views}


def test_tickets_are_found_by_number_flat_phone_status_and_category(people) -> None:
    wang = people[0]
    made = seeded_tickets()
    desk = at(MONDAY_9 + timedelta(minutes=5))
    assert numbers(desk.search(wang, TicketQuery(number=made["leak"]))) == {made["leak"]}
    assert numbers(desk.search(wang, TicketQuery(number=made["noise"][-4:]))) >= {made["noise"]}
    assert numbers(desk.search(wang, TicketQuery(building="5", unit="2", room="302"))) == {made["leak"]}
    assert numbers(desk.search(wang, TicketQuery(building="7", room="1101"))) == {made["noise"]}
    assert numbers(desk.search(wang, TicketQuery(phone="13900139000"))) == {made["noise"]}
    assert numbers(desk.search(wang, TicketQuery(category="suggestion"))) == {made["idea"]}
    assert numbers(desk.search(wang, TicketQuery(statuses=("new",)))) == set(made.values())
    assert numbers(desk.search(wang, TicketQuery(statuses=("closed",)))) == set()
    assert numbers(desk.search(wang, TicketQuery(phone="13700000000"))) == set()


def test_overdue_tickets_are_marked_by_their_clocks(people) -> None:
    wang = people[0]
    made = seeded_tickets()
    # 09:30: the repair and the suggestion should have been dispatched within 10 minutes,
    # the complaint has two hours for first contact.
    early = at(MONDAY_9 + timedelta(minutes=30))
    late = {view.ticket.number: view.late for view in early.search(wang, TicketQuery())}
    assert late == {made["leak"]: "response", made["noise"]: None, made["idea"]: "response"}
    # Tuesday 10:00: the repair was due by the end of Monday, the complaint's 24-hour reply
    # has passed; the suggestion has one working day, until Tuesday 09:00.
    tuesday = at(MONDAY_9 + timedelta(hours=25))
    overdue = tuesday.search(wang, TicketQuery(), overdue_only=True)
    assert {view.ticket.number: view.late for view in overdue} == {
        made["leak"]: "resolution", made["noise"]: "resolution", made["idea"]: "resolution"}
    # A resolved ticket is no longer late, whatever the clock says.
    store.change_status(made["leak"], "accepted", "test", MONDAY_9, lambda a, b: None)
    store.change_status(made["leak"], "resolved", "test", MONDAY_9, lambda a, b: None)
    assert made["leak"] not in numbers(tuesday.search(wang, TicketQuery(), overdue_only=True))


def test_status_and_department_changes_carry_the_agents_name(people) -> None:
    wang = people[0]
    made = seeded_tickets()
    desk = at(MONDAY_9 + timedelta(minutes=3))
    desk.set_status(wang, made["noise"], "accepted", "已电话联系业主")
    moved = desk.set_department(wang, made["noise"], "security", "涉及夜间施工,请秩序维护部处理")
    assert (moved.department_code, moved.responsible) == ("security", "秩序维护部值班主管")
    desk.note_ticket(wang, made["noise"], "业主希望晚上八点后不要施工")
    view, events = desk.ticket(wang, made["noise"])
    mine = [e for e in events if e.actor == "王丽(wang)"]
    assert [e.kind for e in mine] == ["status", "department", "note"]
    assert "客户服务中心 → 秩序维护部" in mine[1].note


def test_an_illegal_status_or_unknown_department_or_ticket_is_refused(people) -> None:
    wang = people[0]
    made = seeded_tickets()
    desk = at(MONDAY_9)
    with pytest.raises(Conflict, match="已登记"):
        desk.set_status(wang, made["leak"], "closed")
    with pytest.raises(Refused, match="没有这个部门"):
        desk.set_department(wang, made["leak"], "kitchen")
    with pytest.raises(NotFound):
        desk.set_status(wang, "BX-20990101-0001", "accepted")
    with pytest.raises(Refused, match="不能为空"):
        desk.note_ticket(wang, made["leak"], "   ")
    assert store.find_ticket(made["leak"]).status == "new"


def test_only_the_holder_speaks_and_only_supervisors_reassign(people) -> None:
    wang, li, boss = people
    queued = escalate("rest", "owner-x", "asked", "转人工", MONDAY_9)
    assert store.take_over(queued.id, "wang", MONDAY_9)  # held (pausing is tested end to end)
    desk = at(MONDAY_9)
    with pytest.raises(Forbidden, match="王丽"):
        desk.reply(li, queued.id, "您好,我来处理")
    with pytest.raises(Forbidden, match="王丽"):
        desk.hand_back(li, queued.id, "结束")
    with pytest.raises(Conflict, match="王丽"):
        desk.take_over(li, queued.id)
    with pytest.raises(PermissionError, match="主管"):
        desk.reassign(wang, queued.id, "li")
    with pytest.raises(Refused, match="nobody"):
        desk.reassign(boss, queued.id, "nobody")
    desk.reassign(boss, queued.id, "li")
    assert store.escalation(queued.id).holder == "li"
    events = store.escalation_events(queued.id)
    assert [(e.actor, e.kind) for e in events] == [("赵敏(zhao)", "reassigned")]
    with pytest.raises(Refused, match="小结"):
        desk.hand_back(li, queued.id, "")
    with pytest.raises(NotFound):
        desk.detail(li, 999_999)


def test_a_take_over_is_undone_when_the_assistant_cannot_be_paused(people) -> None:
    wang = people[0]
    queued = escalate("rest", "owner-y", "asked", "转人工", MONDAY_9)
    with pytest.raises(AssistantUnavailable):
        at(MONDAY_9).take_over(wang, queued.id)
    back = store.escalation(queued.id)
    assert (back.status, back.holder) == ("waiting", None)
    # The queue still shows it, and the detail says the conversation could not be fetched.
    detail = at(MONDAY_9).detail(wang, queued.id)
    assert detail.conversation == [] and detail.conversation_error


def test_notes_go_to_both_trails_and_never_to_the_owner(people) -> None:
    wang = people[0]
    made = seeded_tickets()
    queued = escalate("telegram", "owner-a", "emergency", "漏水很大", MONDAY_9, made["leak"])
    at(MONDAY_9).note(wang, queued.id, "业主说已关总阀")
    assert [(e.kind, e.text) for e in store.escalation_events(queued.id)] == [
        ("note", "业主说已关总阀")]
    notes = [e for e in store.ticket_events(made["leak"]) if e.kind == "handoff"]
    assert [(e.actor, e.note) for e in notes] == [("王丽(wang)", "业主说已关总阀")]
