"""Whole conversations through Rasa's REST channel, as an owner holds them.

Runs the real Rasa server and action server (tests/stack.py) on the test model and a fresh
SQLite database; each test is one owner (its own sender id).
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest

from bot import store
from bot.tickets.intake import doubtful_danger

pytestmark = pytest.mark.model
NUMBER = re.compile(r"(BX|TS|JY)-\d{8}-\d{4}")


@pytest.fixture
def owner() -> str:
    return f"owner-{uuid.uuid4().hex[:8]}"


@pytest.fixture(autouse=True)
def same_database(stack, monkeypatch) -> None:
    """Let the test read the tickets the stack wrote."""
    monkeypatch.setenv("DATABASE_URL", stack.database_url)


def joined(replies: list[str]) -> str:
    return "\n".join(replies)


def report(stack, owner: str, message: str) -> str:
    """The first message of a repair; when its words hint at a danger the assistant asks
    one safety question first (bot.understanding.urgency.doubtful_danger), answered here
    with a no, and the reply to that answer is returned."""
    reply = joined(stack.texts(owner, message))
    if doubtful_danger(message):
        assert "？" in reply and "楼栋" not in reply, reply
        reply = joined(stack.texts(owner, "没有，不严重"))
    return reply


def test_the_repair_conversation_from_the_issue(stack, owner: str) -> None:
    first = report(stack, owner, "你好,我家卫生间漏水了")
    assert "楼栋" in first and "房号" in first, first
    summary = joined(stack.texts(owner, "5号楼2单元302,明天下午三点以后都在,电话13800138000"))
    assert "5栋2单元302室" in summary and "13800138000" in summary and "15:00" in summary
    assert store.tickets_of("rest", owner) == [], "nothing is written before the owner confirms"
    done = joined(stack.texts(owner, "对"))
    number = NUMBER.search(done)
    assert number and number.group(1) == "BX", done
    assert "紧急程度：急" in done and "15分钟内" in done
    ticket = store.find_ticket(number.group(0))
    assert ticket is not None
    assert (ticket.flat.building, ticket.flat.unit, ticket.flat.room) == ("5", "2", "302")
    assert (ticket.phone, ticket.urgency, ticket.status) == ("13800138000", "urgent", "new")


def test_a_correction_and_a_question_in_the_middle(stack, owner: str) -> None:
    assert "楼栋" in joined(stack.texts(owner, "厨房下水道堵了"))
    assert "手机" in joined(stack.texts(owner, "3栋501"))
    assert "不太对" in joined(stack.texts(owner, "138001"))
    assert "上门" in joined(stack.texts(owner, "13800138000"))
    interrupted = joined(stack.texts(owner, "装修押金什么时候退?"))
    assert "押金" in interrupted and "上门" in interrupted, "answers, then asks again"
    assert "核对" in joined(stack.texts(owner, "后天上午"))
    assert "哪一项需要修改" in joined(stack.texts(owner, "不对"))
    corrected = joined(stack.texts(owner, "电话改成13912345678"))
    assert "13912345678" in corrected and "13800138000" not in corrected
    number = NUMBER.search(joined(stack.texts(owner, "对")))
    assert number
    ticket = store.find_ticket(number.group(0))
    assert ticket is not None and ticket.phone == "13912345678"
    assert ticket.preferred_start is not None


def test_cancel_writes_nothing(stack, owner: str) -> None:
    stack.texts(owner, "楼道灯坏了好几天")
    assert "取消" in joined(stack.texts(owner, "算了,不用了"))
    assert store.tickets_of("rest", owner) == []


def test_an_emergency_is_written_at_once_with_a_safety_instruction(stack, owner: str) -> None:
    replies = joined(stack.texts(owner, "厨房一股很浓的煤气味"))
    assert "不要开关" in replies and "打开门窗" in replies
    number = NUMBER.search(replies)
    assert number, "the ticket is written before any question"
    ticket = store.find_ticket(number.group(0))
    assert ticket is not None and ticket.urgency == "emergency" and ticket.escalated
    assert "手机" in replies or "位置" in replies or "楼栋" in replies
    stack.texts(owner, "7栋1单元1101")
    stack.texts(owner, "13800138000")
    updated = store.find_ticket(number.group(0))
    assert updated is not None and updated.phone == "13800138000"
    assert updated.flat is not None and updated.flat.room == "1101"


def test_a_complaint_promises_contact_within_two_hours(stack, owner: str) -> None:
    stack.texts(owner, "楼上装修天天吵到晚上十点")
    stack.texts(owner, "5栋2单元302")
    stack.texts(owner, "13800138000")
    assert "核对" in joined(stack.texts(owner, "希望物业去管一管"))
    done = joined(stack.texts(owner, "对"))
    assert "TS-" in done and "2小时" in done


def complain(stack, owner: str, about: str) -> str:
    """A whole complaint conversation; the ticket number."""
    for message in (about, "5栋2单元302", "13800138000", "希望物业尽快处理"):
        stack.texts(owner, message)
    number = NUMBER.search(joined(stack.texts(owner, "对")))
    assert number and number.group(1) == "TS"
    return number.group(0)


def test_a_serious_complaint_goes_to_a_person_at_once(stack, owner: str) -> None:
    number = complain(stack, owner, "保安动手打人,我要投诉,已经报警了")
    [queued] = store.waiting_escalations("rest", owner)
    assert (queued.reason, queued.priority, queued.ticket_number) == (
        "serious_complaint", 1, number)


def test_a_second_complaint_within_a_month_goes_to_a_person(stack, owner: str) -> None:
    complain(stack, owner, "楼下垃圾桶好几天没人清理")
    assert store.waiting_escalations("rest", owner) == []
    second = complain(stack, owner, "地下车库的灯坏了一个月没人修,投诉")
    [queued] = store.waiting_escalations("rest", owner)
    assert (queued.reason, queued.priority, queued.ticket_number) == (
        "repeated_complaint", 2, second)


def test_status_by_number_and_latest_and_only_ones_own(stack, owner: str) -> None:
    stack.texts(owner, "建议小区多装几个充电桩")
    number = NUMBER.search(joined(stack.texts(owner, "对")))
    assert number and number.group(1) == "JY"
    by_number = joined(stack.texts(owner, f"{number.group(0)}进度怎么样"))
    assert number.group(0) in by_number and "已登记" in by_number
    latest = joined(stack.texts(owner, "查一下我的工单"))
    assert number.group(0) in latest
    stranger = joined(stack.texts(f"stranger-{owner}", f"{number.group(0)}进度怎么样"))
    assert "不是您名下" in stranger


def test_the_flat_and_phone_are_remembered(stack, owner: str) -> None:
    for message in ("门锁坏了", "9栋3单元602", "13700137000", "随时都可以", "对"):
        stack.texts(owner, message)
    asked = joined(stack.texts(owner, "阳台的晾衣架掉了一根杆"))
    assert "上门" in asked and "楼栋" not in asked and "手机" not in asked, "only the time is asked"
    summary = joined(stack.texts(owner, "周五上午"))
    assert "9栋3单元602室" in summary and "13700137000" in summary


def test_two_unclear_messages_offer_a_person(stack, owner: str) -> None:
    first = joined(stack.texts(owner, "阿巴阿巴"))
    assert "换个说法" in first
    second = joined(stack.texts(owner, "。。。"))
    assert "客服专员" in second
    [queued] = store.waiting_escalations("rest", owner)
    assert (queued.reason, queued.last_message, queued.priority) == ("not_understood", "。。。", 3)


def test_asking_for_a_person_queues_the_conversation(stack, owner: str) -> None:
    reply = joined(stack.texts(owner, "帮我转人工客服"))
    assert "客服专员" in reply
    [queued] = store.waiting_escalations("rest", owner)
    assert (queued.reason, queued.priority) == ("asked", 2)


def test_an_emergency_is_first_in_the_queue(stack, owner: str) -> None:
    replies = joined(stack.texts(owner, "电梯里困了人快来,3栋2单元电梯"))
    number = NUMBER.search(replies)
    assert number
    [queued] = store.waiting_escalations("rest", owner)
    assert (queued.reason, queued.priority, queued.ticket_number) == ("emergency", 1, number.group(0))
    assert store.waiting_escalations()[0].priority == 1


def test_an_angry_owner_gets_an_apology_and_a_person(stack, owner: str) -> None:
    reply = joined(stack.texts(owner, "楼上天天装修吵死了,你们物业到底管不管!!!"))
    assert "非常理解您的心情" in reply
    [queued] = store.waiting_escalations("rest", owner)
    assert queued.reason == "angry"


def test_a_repeated_confirmation_writes_one_ticket(stack, owner: str) -> None:
    for message in ("客厅的灯不亮了", "6栋1单元301", "13600136000", "随时都可以"):
        stack.texts(owner, message)
    assert NUMBER.search(joined(stack.texts(owner, "对")))
    again = joined(stack.texts(owner, "对"))  # a channel retry of the same answer
    assert not NUMBER.search(again)
    assert len(store.tickets_of("rest", owner)) == 1


def test_a_database_failure_apologises_and_keeps_the_answers(stack, owner: str) -> None:
    """With the database gone at the moment of writing, the owner hears an apology; once it
    is back, confirming again writes the ticket with everything said before."""
    report(stack, owner, "厨房水龙头一直滴水")
    stack.texts(owner, "8栋2单元702")
    stack.texts(owner, "13500135000")
    assert "核对" in joined(stack.texts(owner, "周五下午"))
    database = Path(stack.database_url.removeprefix("sqlite:///"))
    aside = {path: path.with_name(path.name + ".aside")
             for path in database.parent.glob(database.name + "*")}
    for path, moved in aside.items():
        path.rename(moved)
    try:
        failed = joined(stack.texts(owner, "对"))
    finally:
        for leftover in database.parent.glob(database.name + "*"):
            if not leftover.name.endswith(".aside"):
                leftover.unlink()
        for path, moved in aside.items():
            moved.rename(path)
    assert "系统暂时出了点问题" in failed and not NUMBER.search(failed)
    number = NUMBER.search(joined(stack.texts(owner, "对")))
    assert number
    ticket = store.find_ticket(number.group(0))
    assert ticket is not None
    assert (ticket.phone, ticket.flat.room, ticket.description) == ("13500135000", "702", "厨房水龙头一直滴水")
