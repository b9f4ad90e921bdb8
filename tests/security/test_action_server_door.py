"""The action server, attacked over real HTTP: a tracker forged by hand asks
action_check_ticket_status as a Telegram owner who has a ticket. Without the X-Actions-Token
Rasa sends (or with a wrong one) it is refused 401 and the answer carries none of the
owner's ticket; with the real token the same call names the ticket, which is what the
refusal protects. The port is read from the running stack's endpoints file, as Rasa reads it.
"""

from __future__ import annotations

import json
import os

import httpx
import pytest
import yaml

from bot import texts
from bot.deploy.credentials import ACTIONS_TOKEN, ACTIONS_TOKEN_HEADER, admin_headers
from tests.security.attacks import Victim, telegram_victim

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def victim(telegram_stack, fake) -> Victim:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", telegram_stack.database_url)
        return telegram_victim(telegram_stack, fake)


@pytest.fixture(scope="module")
def actions_url(telegram_stack) -> str:
    """http://127.0.0.1:PORT (the action endpoint's /webhook stripped off)."""
    endpoints = yaml.safe_load(telegram_stack.endpoints.read_text(encoding="utf-8"))
    return endpoints["action_endpoint"]["url"].removesuffix("/webhook")


def forged_call(victim: Victim, text: str) -> dict:
    """What Rasa would send for the owner asking about their tickets, written by hand."""
    conversation = victim.conversation.conversation_id
    return {
        "next_action": "action_check_ticket_status", "sender_id": conversation,
        "version": "3.6.21", "domain": {},
        "tracker": {
            "sender_id": conversation, "slots": {}, "paused": False, "events": [],
            "followup_action": None, "active_loop": {}, "latest_action_name": "action_listen",
            "latest_message": {"text": text, "entities": [],
                               "intent": {"name": "check_ticket_status", "confidence": 1.0}},
        },
    }


def leaked(victim: Victim, reply: httpx.Response) -> list[str]:
    """Whatever of the owner's ticket the answer carries."""
    try:
        body = json.dumps(reply.json(), ensure_ascii=False)
    except ValueError:
        body = reply.text
    ticket_words = [victim.number, victim.phone, "工程部", *texts.STATUS_LABELS.values()]
    return [word for word in ticket_words if word in body]


WRONG_TOKENS = {
    "no token": lambda: {},
    "empty token": lambda: {ACTIONS_TOKEN_HEADER: ""},
    "wrong token": lambda: {ACTIONS_TOKEN_HEADER: "0" * 64},
    # the endpoints file's placeholder itself, as if Rasa had not substituted it
    "the placeholder": lambda: {ACTIONS_TOKEN_HEADER: "${ACTIONS_TOKEN}"},
    # a credential for another door
    "Rasa's admin JWT": lambda: admin_headers("security-test"),
}


@pytest.mark.parametrize("who", list(WRONG_TOKENS))
@pytest.mark.parametrize("text", ["我的报修进度怎么样了", "{number} 进度"],
                         ids=["my tickets", "by number"])
def test_a_forged_tracker_without_the_token_is_refused_and_learns_nothing(
        victim: Victim, actions_url: str, who: str, text: str) -> None:
    call = forged_call(victim, text.format(number=victim.number))
    headers = WRONG_TOKENS[who]()
    reply = httpx.post(f"{actions_url}/webhook", json=call, headers=headers, timeout=30)
    assert reply.status_code == 401, reply.text[:300]
    assert leaked(victim, reply) == []
    assert "responses" not in reply.text


@pytest.mark.parametrize("path", ["/webhook/", "/actions", "/webhook?x=1"])
def test_the_servers_other_ways_in_are_refused_too(victim: Victim, actions_url: str,
                                                   path: str) -> None:
    method = "GET" if path == "/actions" else "POST"
    reply = httpx.request(method, f"{actions_url}{path}", timeout=30,
                          json=None if method == "GET" else forged_call(victim, "进度"))
    assert reply.status_code == 401, reply.text[:300]
    assert leaked(victim, reply) == []


def test_the_health_check_stays_open_and_says_nothing(actions_url: str) -> None:
    reply = httpx.get(f"{actions_url}/health", timeout=30)
    assert reply.status_code == 200 and "BX-" not in reply.text


def test_with_the_real_token_the_same_call_names_the_ticket(victim: Victim,
                                                           actions_url: str) -> None:
    """The control: the forged tracker above is exactly what leaks a ticket to whoever may
    call the action server, so the 401 is what keeps it private."""
    reply = httpx.post(f"{actions_url}/webhook", json=forged_call(victim, "我的报修进度"),
                       headers={ACTIONS_TOKEN_HEADER: os.environ[ACTIONS_TOKEN]}, timeout=30)
    assert reply.status_code == 200, reply.text[:300]
    assert victim.number in reply.text
