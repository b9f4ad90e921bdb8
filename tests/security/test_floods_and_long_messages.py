"""Floods and oversized messages, over real HTTP on the running assistant with Telegram on.

- A web chat session, or an address, that sends more than its limit a minute is answered
  429 "您发送得太快了，请稍后再试。" and its extra message never reaches the assistant, while
  another visitor is still answered. A flooding Telegram chat is told the same on Telegram,
  while another chat is answered as usual.
- A 100,000-character message through REST, Telegram and the web chat is answered with the
  notice that only the first 2,000 characters were read, while a second owner writing at
  the same moment is answered too.

The web chat here is a server of this module's own behind a "proxy" on 127.0.0.1, each
visitor with an address of its own, so these floods slow nobody else down. Nothing is
measured by time: every owner is answered, or told to slow down, and that is asserted.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from bot import texts
from bot.channels.floods import PER_ADDRESS, PER_SENDER
from bot.channels.limits import MAX_TEXT_CHARS
from bot.handoff.conversation import RasaConversations
from bot.identity import Owner
from tests.security.attacks import Visitor, new_address, new_chat, private_webchat, said_by_owner
from tests.telegram_stack import TelegramOwner

pytestmark = pytest.mark.model
SLOW_DOWN = texts.TOO_MANY_MESSAGES
CUT = texts.MESSAGE_CUT.format(limit=MAX_TEXT_CHARS)
GREETING = "物业客户服务中心"
# What an owner might paste: Chinese and Latin mixed, 100,000 characters, about 120 KB of
# UTF-8 (under the channels' 256 KiB body limit).
LONG = ("我家卫生间漏水了 water is leaking through the bathroom ceiling, please help! "
        * 2000)[:100_000]


@pytest.fixture(scope="module")
def webchat(telegram_stack) -> Iterator[str]:
    with private_webchat(telegram_stack, "webchat-floods") as url:
        yield url


def test_the_long_message_is_what_the_tests_say_it_is() -> None:
    assert len(LONG) == 100_000 and len(LONG.encode()) < 256 * 1024
    assert "请稍后再试" in SLOW_DOWN


# --- floods ------------------------------------------------------------------------------

def test_a_flooding_web_session_is_asked_to_slow_down_and_others_are_answered(
        telegram_stack, webchat: str) -> None:
    limit = PER_SENDER[0]
    flooder = Visitor(webchat)
    for n in range(limit):
        assert flooder.say(f"你好,第{n}条"), n
    refused = flooder.post("你好,多出来的一条")
    assert refused.status_code == 429
    assert refused.json() == {"error": SLOW_DOWN}
    conversation = Owner("web", flooder.session)
    kept = said_by_owner(telegram_stack.rasa_url, conversation)
    assert len(kept) == limit and "你好,多出来的一条" not in kept, "it never reached Rasa"
    # Another browser is answered; so is another browser at the flooder's own address
    # (the address is far from its own limit).
    assert GREETING in "\n".join(Visitor(webchat).say("你好"))
    assert GREETING in "\n".join(Visitor(webchat, flooder.address).say("你好"))


def test_a_flooding_address_is_asked_to_slow_down_and_others_are_answered(
        telegram_stack, webchat: str) -> None:
    """A script opening new sessions to get round the per-session limit."""
    limit, per_session = PER_ADDRESS[0], PER_SENDER[0]
    address = new_address()
    sent = 0
    while sent < limit:
        visitor = Visitor(webchat, address)
        for _ in range(min(per_session, limit - sent)):
            assert visitor.say(f"你好,第{sent}条"), sent
            sent += 1
    fresh = Visitor(webchat, address)
    refused = fresh.post("你好,多出来的一条")
    assert refused.status_code == 429 and refused.json() == {"error": SLOW_DOWN}
    assert said_by_owner(telegram_stack.rasa_url, Owner("web", fresh.session)) == []
    assert GREETING in "\n".join(Visitor(webchat).say("你好"))


def test_a_flooding_telegram_chat_is_asked_to_slow_down_and_another_chat_is_answered(
        telegram_stack, fake) -> None:
    """The flooder's conversation is paused (as while an agent has it), so its allowed
    messages are recorded without replies: Telegram's per-chat send rate would otherwise
    space twenty replies a second apart. The guard sits before Rasa either way."""
    limit = PER_SENDER[0]
    flooder = TelegramOwner(telegram_stack, fake, new_chat())
    conversation = Owner("telegram", flooder.sender)
    RasaConversations(telegram_stack.rasa_url).pause(conversation)
    for n in range(limit):
        assert flooder.texts(f"你好,第{n}条") == [], n
    assert flooder.texts("你好,多出来的一条") == [SLOW_DOWN]
    kept = said_by_owner(telegram_stack.rasa_url, conversation)
    assert len(kept) == limit and "你好,多出来的一条" not in kept, "it never reached Rasa"
    other = TelegramOwner(telegram_stack, fake, new_chat())
    assert GREETING in "\n".join(other.texts("你好"))


# --- long messages -------------------------------------------------------------------------

def both_at_once(long_one, short_one) -> tuple:
    with ThreadPoolExecutor(2) as pool:
        long_reply, short_reply = pool.submit(long_one), pool.submit(short_one)
        return long_reply.result(timeout=120), short_reply.result(timeout=120)


def rest(stack, sender: str, message: str) -> list[str]:
    reply = httpx.post(f"{stack.rasa_url}/webhooks/rest/webhook",
                       json={"sender": sender, "message": message}, timeout=120)
    assert reply.status_code == 200, reply.text[:300]
    return [item.get("text") or "" for item in reply.json()]


def test_a_100000_character_message_over_rest_is_cut_with_a_notice(telegram_stack) -> None:
    long_owner, other = f"long-{uuid.uuid4().hex[:8]}", f"other-{uuid.uuid4().hex[:8]}"
    long_replies, other_replies = both_at_once(lambda: rest(telegram_stack, long_owner, LONG),
                                               lambda: rest(telegram_stack, other, "你好"))
    assert long_replies[0] == CUT and len(long_replies) > 1, long_replies
    assert GREETING in "\n".join(other_replies) and CUT not in other_replies
    [read] = said_by_owner(telegram_stack.rasa_url, Owner("rest", long_owner))
    assert read == LONG[:MAX_TEXT_CHARS], "the assistant read the first 2,000 characters"


def test_a_100000_character_message_over_telegram_is_cut_with_a_notice(telegram_stack,
                                                                       fake) -> None:
    long_owner = TelegramOwner(telegram_stack, fake, new_chat())
    other = TelegramOwner(telegram_stack, fake, new_chat())
    long_replies, other_replies = both_at_once(lambda: long_owner.texts(LONG),
                                               lambda: other.texts("你好"))
    assert long_replies[0] == CUT and len(long_replies) > 1, long_replies
    assert GREETING in "\n".join(other_replies) and CUT not in other_replies
    [read] = said_by_owner(telegram_stack.rasa_url, Owner("telegram", long_owner.sender))
    assert read == LONG[:MAX_TEXT_CHARS]


def test_a_long_message_the_web_chat_accepts_is_cut_with_a_notice(telegram_stack,
                                                                 webchat: str) -> None:
    """10,000 characters (about 12 KB): the page forwards it and Rasa cuts it."""
    long_owner, other = Visitor(webchat), Visitor(webchat)
    long_replies, other_replies = both_at_once(lambda: long_owner.say(LONG[:10_000]),
                                               lambda: other.say("你好"))
    assert long_replies[0] == CUT and len(long_replies) > 1, long_replies
    assert GREETING in "\n".join(other_replies) and CUT not in other_replies
    [read] = said_by_owner(telegram_stack.rasa_url, Owner("web", long_owner.session))
    assert read == LONG[:MAX_TEXT_CHARS]


def test_a_100000_character_message_over_the_web_chat_is_cut_with_a_notice(
        telegram_stack, webchat: str) -> None:
    long_owner, other = Visitor(webchat), Visitor(webchat)
    long_reply, other_replies = both_at_once(lambda: long_owner.post(LONG),
                                             lambda: other.say("你好"))
    assert GREETING in "\n".join(other_replies), "the other visitor is answered meanwhile"
    assert long_reply.status_code == 200, (long_reply.status_code, long_reply.text[:200])
    assert long_reply.json()[0].get("text") == CUT, long_reply.json()
