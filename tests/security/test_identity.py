"""Writing as somebody else, over real HTTP on the running assistant with Telegram on.

The victim is a Telegram owner with a repair ticket and a stored phone number. The attacker
posts to Rasa's REST channel with the victim's chat id as `sender` and
`input_channel=telegram`, and to the web chat with no cookie, forged cookies, and the
victim's chat id as `sender` in the query and the body. Each time the victim's ticket and
phone stay private, nothing is filed or changed in their name, their Telegram conversation
gets no foreign messages, and an agent's reply still reaches them on Telegram, never the web.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Iterator

import httpx
import pytest

from bot import store, texts
from bot.deploy.credentials import sign
from bot.handoff.conversation import RasaConversations
from bot.identity import Owner
from tests.security.attacks import (NUMBER, OTHER_SECRET, Victim, Visitor, history,
                                    private_webchat, said_by_owner)

pytestmark = pytest.mark.model


@pytest.fixture(autouse=True)
def same_database(telegram_stack, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", telegram_stack.database_url)


@pytest.fixture(scope="module")
def webchat_on_telegram_stack(telegram_stack) -> Iterator[str]:
    """The web chat server talking to the same Rasa as the victim's Telegram."""
    with private_webchat(telegram_stack, "webchat-identity") as url:
        yield url


def rest(stack, sender: str, message: str, **extra: object) -> list[str]:
    reply = httpx.post(f"{stack.rasa_url}/webhooks/rest/webhook",
                       json={"sender": sender, "message": message, **extra}, timeout=60)
    assert reply.status_code == 200, reply.text[:300]
    return [item.get("text") or "" for item in reply.json()]


def private_parts(victim: Victim) -> list[str]:
    """What the victim's ticket would reveal: its number, their phone, its status."""
    ticket = store.find_ticket(victim.number)
    return [victim.number, victim.phone, texts.STATUS_LABELS[ticket.status],
            ticket.department_name]


# --- REST: `sender` and `input_channel` name nobody ------------------------------------

@pytest.mark.parametrize("sender", ["{chat}", "telegram:{chat}"],
                         ids=["chat id", "conversation id"])
def test_rest_with_a_telegram_owners_id_learns_nothing_and_files_nothing_in_their_name(
        telegram_stack, fake, victim: Victim, sender: str) -> None:
    sender = sender.format(chat=victim.chat)
    tickets_before = [t.number for t in store.tickets_of("telegram", str(victim.chat))]
    tracker_before = history(telegram_stack.rasa_url, victim.conversation)
    telegram_before = list(fake.texts_to(victim.chat))
    impostor = dict(input_channel="telegram", metadata={"chat": {"id": victim.chat}})

    mine = "\n".join(rest(telegram_stack, sender, "我的报修进度怎么样了", **impostor))
    assert [part for part in private_parts(victim) if part in mine] == [], mine
    # Naming the victim's ticket number gets "not yours", and nothing about the ticket.
    by_number = "\n".join(rest(telegram_stack, sender, f"{victim.number} 进度怎么样", **impostor))
    assert "不是您名下" in by_number, by_number
    assert [p for p in private_parts(victim)[1:] if p in by_number] == [], by_number

    # Filing a repair "as" the victim, with another phone number.
    answers = [rest(telegram_stack, sender, text, **impostor) for text in
               ("我家卫生间漏水了", "5号楼2单元302", "13012345678", "明天上午", "对")]
    said = "\n".join("\n".join(a) for a in answers)
    assert victim.phone not in said, "the victim's stored phone was offered to the impostor"
    filed = NUMBER.search("\n".join(answers[-1]))
    assert filed, answers[-1]

    assert [t.number for t in store.tickets_of("telegram", str(victim.chat))] == tickets_before
    assert store.contact_profile("telegram", str(victim.chat)).phone == victim.phone
    [own] = store.tickets_of("rest", sender)
    assert own.number == filed.group(0) and own.phone == "13012345678", "filed as rest:<sender>"
    assert history(telegram_stack.rasa_url, victim.conversation) == tracker_before
    assert fake.texts_to(victim.chat) == telegram_before, "nothing sent to the victim"


# --- the web chat: the cookie decides, never a `sender` --------------------------------

def other_secret_cookie(session: str) -> str:
    mac = hmac.new(OTHER_SECRET.encode(), session.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{session}.{mac}"


FORGED_COOKIES = {
    "a bare session id": lambda real: real.rsplit(".", 1)[0],
    "a changed session under the old signature": lambda real: "A" + real[1:],
    "a changed signature": lambda real: real[:-1] + ("0" if real[-1] != "0" else "1"),
    "signed with another secret": lambda real: other_secret_cookie(uuid.uuid4().hex),
    "signed for another purpose": lambda real: sign(uuid.uuid4().hex, "RASA_JWT_SECRET"),
    "empty": lambda real: "",
}


@pytest.mark.parametrize("cookie", [None, *FORGED_COOKIES], ids=["no cookie", *FORGED_COOKIES])
def test_the_web_chat_without_a_valid_session_cookie_is_refused(
        telegram_stack, webchat_on_telegram_stack: str, watched: Victim,
        cookie: str | None) -> None:
    real = Visitor(webchat_on_telegram_stack).client.cookies.get("webchat_session")
    cookies = {} if cookie is None else {"webchat_session": FORGED_COOKIES[cookie](real)}
    before = history(telegram_stack.rasa_url, watched.conversation)
    with httpx.Client(base_url=webchat_on_telegram_stack, cookies=cookies, timeout=60) as http:
        sent = http.post("/api/message", params={"sender": str(watched.chat)},
                         json={"message": "我的报修进度怎么样了", "sender": str(watched.chat)})
        read = http.get("/api/updates", params={"after": "0", "sender": str(watched.chat)})
        cursor = http.get("/api/updates")
    for reply in (sent, read, cursor):
        assert reply.status_code == 401, reply.text[:300]
        assert reply.json() == {"error": texts.WEBCHAT_NO_SESSION}
    assert history(telegram_stack.rasa_url, watched.conversation) == before


def test_a_sender_in_the_web_chat_request_is_ignored_and_agent_replies_stay_on_telegram(
        telegram_stack, fake, webchat_on_telegram_stack: str, victim: Victim) -> None:
    """The attacker names the victim everywhere a request could; the victim's agent replies
    are never returned to them, and the next agent reply still reaches Telegram."""
    rasa = RasaConversations(telegram_stack.rasa_url)
    first = f"您好,我是客服小王,{victim.number} 已派师傅处理。"
    rasa.say(victim.conversation, first, agent_name="wang")
    assert first in fake.texts_to(victim.chat)

    attacker = Visitor(webchat_on_telegram_stack)
    names = {"sender": str(victim.chat), "sender_id": f"telegram:{victim.chat}",
             "conversation_id": f"telegram:{victim.chat}", "input_channel": "telegram"}
    updates = attacker.client.get("/api/updates", params={"after": "0", **names})
    assert updates.status_code == 200
    assert updates.json()["messages"] == [], "another owner's agent replies were returned"
    reply = attacker.client.post("/api/message", params=names,
                                 json={"message": "我的报修进度怎么样了", **names})
    assert reply.status_code == 200, reply.text[:300]
    answered = "\n".join(item.get("text") or "" for item in reply.json())
    assert [p for p in private_parts(victim) if p in answered] == [], answered
    assert "我的报修进度怎么样了" not in said_by_owner(telegram_stack.rasa_url, victim.conversation)
    assert said_by_owner(telegram_stack.rasa_url, Owner("web", attacker.session)) == [
        "我的报修进度怎么样了"], "the message went to the attacker's own web conversation"

    # The agent's next reply: to the victim's Telegram, not to the web chat that just wrote.
    second = "师傅下午三点到,请保持电话畅通。"
    before = len(fake.texts_to(victim.chat))
    rasa.say(victim.conversation, second, agent_name="wang")
    assert fake.texts_to(victim.chat)[before:] == [second]
    later = attacker.client.get("/api/updates", params={"after": "0", **names}).json()
    assert later["messages"] == []
    assert second not in str(history(telegram_stack.rasa_url, Owner("web", attacker.session)))
