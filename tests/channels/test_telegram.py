"""Telegram end to end: python-telegram-bot inside the real Rasa server, against a fake
Telegram Bot API on localhost. Updates are posted to the webhook as Telegram would."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot import store
from tests.telegram_stack import SECRET, button_update, message_update, post, say

pytestmark = pytest.mark.model


def user_texts(stack, chat: int) -> list[str]:
    from bot.handoff.conversation import RasaConversations
    from bot.identity import Owner

    events = RasaConversations(stack.rasa_url).history(Owner("telegram", str(chat)))
    return [e["text"] for e in events if e["event"] == "user"]


@pytest.fixture(autouse=True)
def same_database(telegram_stack, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", telegram_stack.database_url)


def test_a_repair_over_telegram_with_a_photo_ends_in_a_ticket(telegram_stack, fake) -> None:
    chat = 7001
    fake.files["leak-photo-id"] = b"\xff\xd8 a photo of the leak"
    photo = [{"file_id": "small-id", "file_unique_id": "s", "width": 90, "height": 90},
             {"file_id": "leak-photo-id", "file_unique_id": "l", "width": 1280, "height": 960}]
    assert "照片已收到" in say(telegram_stack, fake, chat, message_update(chat, photo=photo))
    first = say(telegram_stack, fake, chat, message_update(chat, text="你好,我家卫生间漏水了"))
    assert "楼栋" in first
    summary = say(telegram_stack, fake, chat, message_update(
        chat, text="5号楼2单元302,明天下午三点以后都在,电话13800138000"))
    assert "5栋2单元302室" in summary
    keyboard = fake.sent[-1].get("reply_markup") or {}
    assert [row[0]["callback_data"] for row in keyboard.get("inline_keyboard", [])] == [
        "/affirm", "/deny"]
    done = say(telegram_stack, fake, chat, button_update(chat, "/affirm"))
    number = re.search(r"BX-\d{8}-\d{4}", done)
    assert number, done
    ticket = store.find_ticket(number.group(0))
    assert ticket is not None and (ticket.channel, ticket.sender_id) == ("telegram", str(chat))
    [(kind, reference, path)] = store.attachments_of(number.group(0))
    assert (kind, reference) == ("photo", "leak-photo-id")
    assert path is not None and Path(path).read_bytes() == fake.files["leak-photo-id"]
    # The owner's photo is readable by the service's user only, its folder likewise.
    assert Path(path).stat().st_mode & 0o777 == 0o600
    assert Path(path).parent.stat().st_mode & 0o777 == 0o700
    assert "answerCallbackQuery" in fake.calls


def test_a_shared_contact_gives_the_phone(telegram_stack, fake) -> None:
    chat = 7002
    say(telegram_stack, fake, chat, message_update(chat, text="厨房下水道堵了,3栋501"))
    asked_time = say(telegram_stack, fake, chat, message_update(
        chat, contact={"phone_number": "+8613900139000", "first_name": "业主"}))
    assert "上门" in asked_time
    summary = say(telegram_stack, fake, chat, message_update(chat, text="随时都可以"))
    assert "13900139000" in summary


def test_voice_is_kept_and_the_owner_asked_to_type(telegram_stack, fake) -> None:
    chat = 7003
    reply = say(telegram_stack, fake, chat, message_update(
        chat, voice={"file_id": "voice-1", "file_unique_id": "v", "duration": 3}))
    assert "文字" in reply


def test_a_redelivered_update_is_handled_once(telegram_stack, fake) -> None:
    chat = 7004
    update = message_update(chat, text="你好")
    first = say(telegram_stack, fake, chat, update)
    assert first
    assert say(telegram_stack, fake, chat, update) == ""
    assert user_texts(telegram_stack, chat) == ["你好"]


@pytest.mark.parametrize(
    ("secret", "raw", "status"),
    [("wrong-secret", None, 403), (None, None, 403), (SECRET, b"{not json", 400),
     (SECRET, b'{"no_update_id": 1}', 400),
     (SECRET, b'{"update_id": 1, "message": "' + b"x" * (1024 * 1024) + b'"}', 413)],
)
def test_bad_requests_are_refused_and_change_nothing(telegram_stack, fake, secret, raw,
                                                     status) -> None:
    before = (store.inbound_count("telegram"), len(fake.sent))
    body = message_update(7005, text="你好") if raw is None else None
    assert post(telegram_stack, body, secret=secret, raw=raw).status_code == status
    assert (store.inbound_count("telegram"), len(fake.sent)) == before


def test_a_429_is_retried_after_retry_after_and_nothing_is_lost(telegram_stack, fake) -> None:
    chat = 7006
    fake.throttle_next = 2
    reply = say(telegram_stack, fake, chat, message_update(chat, text="你好"))
    assert "物业客户服务中心" in reply
    assert fake.throttle_next == 0
    assert store.outbound_failures("telegram") == []


def test_an_undeliverable_reply_is_recorded_not_lost(telegram_stack, fake) -> None:
    chat = 7007
    fake.refuse_next = 1
    assert post(telegram_stack, message_update(chat, text="你好")).status_code == 200
    failures = [f for f in store.outbound_failures("telegram") if f[0] == str(chat)]
    assert len(failures) == 1
    assert "物业客户服务中心" in failures[0][1] and "blocked" in failures[0][2]


def test_a_person_takes_over_speaks_and_hands_back(telegram_stack, fake) -> None:
    """While paused the assistant is silent but keeps every owner message; an agent's reply
    reaches the owner on Telegram; after resume the assistant answers again."""
    from bot.handoff.conversation import RasaConversations
    from bot.identity import Owner

    chat = 7008
    rasa = RasaConversations(telegram_stack.rasa_url)
    owner = Owner("telegram", str(chat))
    assert say(telegram_stack, fake, chat, message_update(chat, text="你好"))
    rasa.pause(owner)
    assert say(telegram_stack, fake, chat, message_update(chat, text="我要找人工,别让机器人回了")) == ""
    before = len(fake.texts_to(chat))
    rasa.say(owner, "您好,我是客服小王,您的问题我来跟进。", agent_name="wang")
    assert fake.texts_to(chat)[before:] == ["您好,我是客服小王,您的问题我来跟进。"]
    assert "我要找人工,别让机器人回了" in user_texts(telegram_stack, chat)
    rasa.resume(owner)
    assert "物业客户服务中心" in say(telegram_stack, fake, chat, message_update(chat, text="你好"))


def test_an_update_whose_replica_died_is_handled_once_on_retry(telegram_stack, fake) -> None:
    """A claim another replica holds is answered 503 (Telegram retries later); once its
    lease has run out the retry is handled, once."""
    from datetime import datetime, timedelta, timezone

    chat = 7200
    update = message_update(chat, text="你好")
    # Another replica claimed this update a moment ago and is still working on it.
    store.claim_delivery("telegram", str(update["update_id"]), str(chat), "text",
                         datetime.now(timezone.utc), timedelta(seconds=30))
    assert post(telegram_stack, update).status_code == 503
    assert fake.texts_to(chat) == [], "not handled twice"
    # That replica died: its claim is older than the lease.
    stale = message_update(chat, text="你好")
    store.claim_delivery("telegram", str(stale["update_id"]), str(chat), "text",
                         datetime.now(timezone.utc) - timedelta(minutes=5), timedelta(seconds=30))
    assert say(telegram_stack, fake, chat, stale), "the retry is answered"
    before = len(fake.texts_to(chat))
    assert post(telegram_stack, stale).status_code == 200
    assert len(fake.texts_to(chat)) == before, "and only once"


def test_a_callback_over_telegram_with_buttons_and_free_text(telegram_stack, fake,
                                                             monkeypatch) -> None:
    """The scheduler starts the callback through Rasa; the owner answers with buttons and
    in their own words; a so-so answer reopens the ticket for an agent."""
    from datetime import datetime, timedelta, timezone

    from bot.handoff.conversation import RasaConversations
    from bot.surveys.scheduler import Scheduler
    from bot.tickets import TicketRequest, move_ticket, open_ticket

    monkeypatch.setenv("CALLBACK_HOURS", "00:00-23:59")
    monkeypatch.setenv("CALLBACK_DELAY_HOURS", "0")
    chat = 7100
    now = datetime.now(timezone.utc)
    ticket = open_ticket(TicketRequest("repair", "telegram", str(chat), "阳台下水管漏水",
                                       urgency="normal"), now=now - timedelta(hours=3))
    move_ticket(ticket.number, "accepted", "工程部", now=now - timedelta(hours=2))
    move_ticket(ticket.number, "resolved", "工程部", now=now - timedelta(hours=1))
    before = len(fake.texts_to(chat))
    report = Scheduler(RasaConversations(telegram_stack.rasa_url), worker="test",
                       clock=lambda: now).tick()
    [callback] = [c for c in store.callbacks_for("ticket") if c.ticket_number == ticket.number]
    assert callback.id in report.started
    opening = "\n".join(fake.texts_to(chat)[before:])
    assert ticket.number in opening and "方便" in opening

    def buttons() -> list[str]:
        keyboard = fake.sent[-1].get("reply_markup") or {}
        return [row[0]["callback_data"] for row in keyboard.get("inline_keyboard", [])]

    assert buttons() == ["方便", "现在不方便"]
    assert "第1个问题" in say(telegram_stack, fake, chat, button_update(chat, "方便"))
    assert buttons() == ["很满意", "满意", "一般", "不满意", "很不满意"]
    assert "第2个问题" in say(telegram_stack, fake, chat, button_update(chat, "很满意"))
    assert "第3个问题" in say(telegram_stack, fake, chat, message_update(chat, text="还行吧,就是慢了点"))
    assert "哪方面" in say(telegram_stack, fake, chat, button_update(chat, "满意"))
    closing = say(telegram_stack, fake, chat, message_update(chat, text="师傅约好上午来,下午才到"))
    assert ticket.number in closing and "致歉" in closing
    answers = [(a.question, a.scale) for a in store.answers_of(callback.id)]
    assert answers == [("consent", None), ("result", 5), ("process", 3), ("person", 4),
                       ("which_part", None)]
    assert store.callback(callback.id).status == "answered"
    assert store.find_ticket(ticket.number).status == "reopened"
    [queued] = store.waiting_escalations("telegram", str(chat))
    assert queued.reason == "callback_dissatisfied"
    # The assistant is itself again afterwards.
    assert "楼栋" in say(telegram_stack, fake, chat, message_update(chat, text="我家厨房灯坏了"))
