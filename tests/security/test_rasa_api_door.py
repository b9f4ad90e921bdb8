"""Rasa's HTTP API, attacked over real HTTP on the running assistant with its Telegram
channel on (tests/telegram_stack.py): without credentials, with forged ones, and (for the
model) with the real admin token. Each attack is refused, and afterwards the victim's
conversation is exactly as it was, Telegram received nothing, and the same model answers.

The callers (tests/security/attacks.py): nobody; a garbage bearer token; an admin token
signed with another secret; an expired admin token (one seen in a log); a genuine "user"
token for another conversation (Rasa's per-conversation role), which Rasa answers 403.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx
import pytest

from bot.deploy.credentials import admin_headers
from tests.conftest import ROOT
from tests.security.attacks import (CALLER_NAMES, Recorder, Victim, caller, forged_callers,
                                    history, model_files, new_chat, other_algorithm_token,
                                    readable)
from tests.telegram_stack import TelegramOwner

pytestmark = pytest.mark.model
FAKE_NOTICE = "【物业通知】您的账户异常,请点击 http://pay.evil.example 缴费"


@pytest.fixture(autouse=True)
def same_database(telegram_stack, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", telegram_stack.database_url)


@pytest.fixture
def bystander(telegram_stack, fake) -> TelegramOwner:
    """An owner who has said nothing yet: still answered after an attack on the model."""
    return TelegramOwner(telegram_stack, fake, new_chat())


def conversation_url(stack, victim: Victim, tail: str) -> str:
    return f"{stack.rasa_url}/conversations/{victim.conversation.conversation_id}/{tail}"


def snapshot(stack, fake, victim: Victim) -> tuple[list[dict], list[str]]:
    """The victim's whole tracker and everything Telegram delivered to them."""
    return history(stack.rasa_url, victim.conversation), list(fake.texts_to(victim.chat))


def still_answered(who: Victim | TelegramOwner) -> None:
    """The assistant still answers (not paused, not restarted into silence, a model loaded)."""
    owner = who.owner if isinstance(who, Victim) else who
    replies = "\n".join(owner.texts("你好"))
    assert "物业客户服务中心" in replies, replies


def test_the_admin_token_reads_the_tracker_so_the_refusals_below_mean_something(
        telegram_stack, fake, watched: Victim) -> None:
    reply = httpx.get(conversation_url(telegram_stack, watched, "tracker"),
                      headers=admin_headers("security-test"), timeout=30)
    assert reply.status_code == 200 and watched.phone in reply.text and "漏水" in readable(reply)
    assert snapshot(telegram_stack, fake, watched) == snapshot(telegram_stack, fake, watched), (
        "reading the tracker writes nothing, so before/after comparisons are fair")


@pytest.mark.parametrize("who", CALLER_NAMES)
@pytest.mark.parametrize("tail", ["tracker", "tracker?include_events=ALL", "story"])
def test_reading_a_conversation_is_refused(telegram_stack, fake, watched: Victim, who: str,
                                           tail: str) -> None:
    headers, status = caller(watched.conversation.conversation_id, who)
    reply = httpx.get(conversation_url(telegram_stack, watched, tail), headers=headers,
                      timeout=30)
    assert reply.status_code == status, reply.text[:300]
    seen = readable(reply)
    assert watched.phone not in seen and "漏水" not in seen and watched.number not in seen


@pytest.mark.parametrize("who", CALLER_NAMES)
def test_a_bot_message_to_the_owners_telegram_is_refused_and_never_sent(
        telegram_stack, fake, watched: Victim, who: str) -> None:
    """A phishing "notice from the centre" pushed to the owner's Telegram through Rasa."""
    before = snapshot(telegram_stack, fake, watched)
    headers, status = caller(watched.conversation.conversation_id, who)
    reply = httpx.post(conversation_url(telegram_stack, watched, "tracker/events"),
                       params={"output_channel": "telegram", "execute_side_effects": "true"},
                       json=[{"event": "bot", "text": FAKE_NOTICE,
                              "metadata": {"from_console": True, "agent": "客服"}}],
                       headers=headers, timeout=30)
    assert reply.status_code == status, reply.text[:300]
    assert FAKE_NOTICE not in fake.texts_to(watched.chat)
    assert snapshot(telegram_stack, fake, watched) == before


def replayed_by_every_caller(victim: Victim,
                             send: Callable[[dict], httpx.Response]) -> list[httpx.Response]:
    """`send(headers)` once per forged caller; each must get its refusal."""
    replies, wrong = [], []
    for who, headers, status in forged_callers(victim.conversation.conversation_id):
        reply = send(headers)
        replies.append(reply)
        if reply.status_code != status:
            wrong.append((who, reply.status_code, reply.text[:200]))
    assert wrong == [], wrong
    return replies


@pytest.mark.parametrize(("method", "events"), [
    ("POST", [{"event": "pause"}]),
    ("POST", [{"event": "restart"}]),
    ("POST", [{"event": "slot", "name": "phone", "value": "13000000000"}]),
    ("PUT", []),  # replace the whole history with nothing
    ("PUT", [{"event": "pause"}]),
], ids=["pause", "restart", "set-slot", "replace-empty", "replace-paused"])
def test_pausing_restarting_or_replacing_the_conversation_is_refused(
        telegram_stack, fake, victim: Victim, method: str, events: list) -> None:
    """Each forged caller in turn; then the conversation is as it was and still answered."""
    before = snapshot(telegram_stack, fake, victim)
    url = conversation_url(telegram_stack, victim, "tracker/events")
    replayed_by_every_caller(victim, lambda headers: httpx.request(
        method, url, json=events, headers=headers, timeout=30))
    assert snapshot(telegram_stack, fake, victim) == before
    still_answered(victim)


@pytest.mark.parametrize(("tail", "body"), [
    ("trigger_intent?output_channel=telegram", {"name": "greet"}),
    ("trigger_intent?output_channel=telegram", {"name": "start_callback",
                                                 "entities": {"callback_id": "1"}}),
    ("execute?output_channel=telegram", {"name": "utter_greet"}),
    ("execute?output_channel=telegram", {"name": "action_check_ticket_status"}),
    ("messages", {"text": "不用修了,取消工单", "sender": "user"}),
    ("predict", None),
], ids=["trigger-greet", "trigger-callback", "execute-utter", "execute-action", "messages",
        "predict"])
def test_driving_the_conversation_is_refused(telegram_stack, fake, victim: Victim, tail: str,
                                             body: dict | None) -> None:
    before = snapshot(telegram_stack, fake, victim)
    url = conversation_url(telegram_stack, victim, tail)
    replies = replayed_by_every_caller(victim, lambda headers: httpx.post(
        url, json=body, headers=headers, timeout=30))
    assert all(victim.number not in readable(r) and victim.phone not in readable(r)
               for r in replies)
    assert snapshot(telegram_stack, fake, victim) == before
    still_answered(victim)


@pytest.mark.parametrize("who", CALLER_NAMES)
@pytest.mark.parametrize(("method", "path"), [("GET", "/status"), ("GET", "/domain"),
                                              ("POST", "/model/parse")])
def test_the_servers_own_endpoints_are_refused(telegram_stack, who: str, method: str,
                                               path: str) -> None:
    headers, status = caller("telegram:1", who)
    reply = httpx.request(method, f"{telegram_stack.rasa_url}{path}", headers=headers,
                          json={"text": "你好"} if method == "POST" else None, timeout=30)
    # A "user" token names no conversation here: Rasa answers 403 as well.
    assert reply.status_code == status, reply.text[:300]
    assert "model_id" not in reply.text and "intents" not in reply.text


def test_a_token_naming_another_algorithm_is_refused_and_changes_nothing(
        telegram_stack, fake, watched: Victim) -> None:
    before = snapshot(telegram_stack, fake, watched)
    reply = httpx.post(conversation_url(telegram_stack, watched, "tracker/events"),
                       params={"output_channel": "telegram"},
                       json=[{"event": "bot", "text": FAKE_NOTICE}],
                       headers=other_algorithm_token(), timeout=30)
    assert reply.status_code >= 400
    assert FAKE_NOTICE not in readable(reply) and watched.phone not in reply.text
    assert snapshot(telegram_stack, fake, watched) == before


def test_a_token_naming_another_algorithm_is_answered_401(telegram_stack) -> None:
    reply = httpx.get(f"{telegram_stack.rasa_url}/conversations/telegram:1/tracker",
                      headers=other_algorithm_token(), timeout=30)
    assert reply.status_code == 401


# --- the model: never replaced, unloaded, trained or tested over HTTP ---------------------

def loaded_model(stack) -> dict:
    status = httpx.get(f"{stack.rasa_url}/status", headers=admin_headers("security-test"),
                       timeout=30)
    status.raise_for_status()
    body = status.json()
    assert body.get("model_id"), body
    return {key: body.get(key) for key in ("model_id", "model_file", "fingerprint")}


MODEL_ATTACKS = [
    ("PUT", "/model", "model-server"),
    ("PUT", "/model", "model-file"),
    ("DELETE", "/model", None),
    ("POST", "/model/train", "training-data"),
    ("POST", "/model/train?save_to_default_model_directory=true", "training-data"),
    ("POST", "/model/test/intents", "training-data"),
    ("POST", "/model/test/stories", "training-data"),
]
# Spellings of the same paths a router or a middleware might read differently.
PATH_SPELLINGS = ["/model/", "//model", "/model?force=true", "/%6Dodel", "/./model",
                  "/x/../model", "/Model", "/model%2F"]


def model_attack_body(kind: str | None, recorder: Recorder) -> object:
    if kind == "model-server":
        return {"model_server": {"url": f"{recorder.url}/models/evil.tar.gz",
                                 "wait_time_between_pulls": None}}
    if kind == "model-file":
        return {"model_file": f"{recorder.url}/models/evil.tar.gz"}
    if kind == "training-data":
        return {"config": "language: zh\npipeline: []\npolicies: []\n",
                "nlu": "version: \"3.1\"\nnlu: []\n", "force": True}
    return None


def assert_nothing_loaded(stack, recorder: Recorder, model_before: dict,
                          files_before: set[str], folders) -> None:
    assert recorder.seen == [], f"Rasa called the attacker's model server: {recorder.seen}"
    assert model_files(*folders) == files_before, "a model archive was written"
    assert loaded_model(stack) == model_before, "another model is loaded"


MODEL_CALLERS = {
    "no token": lambda: {},
    "an admin token signed with another secret": lambda: caller(
        "x", "an admin token signed with another secret")[0],
    "the real admin token": lambda: admin_headers("security-test"),
}


@pytest.mark.parametrize(("method", "path", "kind"), MODEL_ATTACKS,
                         ids=[f"{m} {p}" for m, p, _ in MODEL_ATTACKS])
def test_the_model_cannot_be_replaced_unloaded_trained_or_tested(
        telegram_stack, bystander: TelegramOwner, method: str, path: str,
        kind: str | None) -> None:
    """Nobody, a forged admin and the real admin in turn: refused before Rasa's own
    authentication runs, 403 whoever asks; then the same model answers an owner."""
    folders = (ROOT / "models", telegram_stack.workdir)
    with Recorder() as recorder:
        model_before, files_before = loaded_model(telegram_stack), model_files(*folders)
        statuses = {who: httpx.request(method, f"{telegram_stack.rasa_url}{path}",
                                       headers=headers(), timeout=60,
                                       json=model_attack_body(kind, recorder)).status_code
                    for who, headers in MODEL_CALLERS.items()}
        assert statuses == {who: 403 for who in MODEL_CALLERS}
        assert_nothing_loaded(telegram_stack, recorder, model_before, files_before, folders)
    still_answered(bystander)


def sent_as_is(url: str, method: str, path: str, body: bytes, headers: dict) -> int:
    """The status for `path` sent byte for byte (httpx would normalise it first)."""
    where = urlsplit(url)
    connection = http.client.HTTPConnection(where.hostname, where.port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.mark.parametrize("spelling", PATH_SPELLINGS)
def test_other_spellings_of_the_model_path_reach_no_model_change(
        telegram_stack, bystander: TelegramOwner, spelling: str) -> None:
    """PUT and DELETE with the real admin token: each spelling is either refused (403) or
    names no route (404/405); none loads or unloads anything."""
    folders = (ROOT / "models", telegram_stack.workdir)
    headers = {**admin_headers("security-test"), "Content-Type": "application/json"}
    with Recorder() as recorder:
        model_before, files_before = loaded_model(telegram_stack), model_files(*folders)
        body = json.dumps(model_attack_body("model-server", recorder)).encode()
        statuses = {method: sent_as_is(telegram_stack.rasa_url, method, spelling, body, headers)
                    for method in ("PUT", "DELETE")}
        assert set(statuses.values()) <= {403, 404, 405}, statuses
        assert_nothing_loaded(telegram_stack, recorder, model_before, files_before, folders)
    still_answered(bystander)
