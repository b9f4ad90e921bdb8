"""WeChat Official Account end to end: the channel inside the real Rasa server (with the real
action server), pushed to as WeChat's servers push, with wechatpy on both sides and a fake
WeChat API on localhost for the replies that travel through the customer-service API.

One stack runs at a time (plain mode, safe mode, then a reply budget too small for Rasa),
each configured by WECHAT_* environment variables set only while it starts. Rasa keeps each
owner's conversation as wechat:<openid>; the database keeps ("wechat", openid).
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import logging
import os
import random
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
import xmltodict
from wechatpy.crypto import WeChatCrypto

from bot import store, texts
from bot.channels import wechat
from bot.handoff.conversation import RasaConversations
from bot.identity import Owner
from tests.channels.fake_wechat import FakeWeChat
from tools.stack import RunningStack, running_stack

pytestmark = pytest.mark.model

TOKEN = "centre-token-for-tests"
APP_ID = "wx1234567890abcdef"
APP_SECRET = "app-secret-for-tests"
ACCOUNT = "gh_centre_account"  # the Official Account's own id (ToUserName)
AES_KEY = base64.b64encode(b"0123456789abcdef0123456789abcdef").decode().rstrip("=")
WECHAT_VARIABLES = ("WECHAT_TOKEN", "WECHAT_APP_ID", "WECHAT_APP_SECRET", "WECHAT_AES_KEY",
                    "WECHAT_API_BASE_URL", "WECHAT_REPLY_BUDGET_SECONDS",
                    "WECHAT_TIMESTAMP_TOLERANCE_SECONDS")
MODES: dict[str, dict[str, str]] = {
    "plain": {},
    "safe": {"WECHAT_AES_KEY": AES_KEY},
    "slow": {"WECHAT_REPLY_BUDGET_SECONDS": "0.001"},
}
NUMBER = re.compile(r"BX-\d{8}-\d{4}")
_msg_ids = itertools.count(random.randrange(10**15, 10**16))


def new_openid() -> str:
    return "o" + uuid.uuid4().hex[:27]


# --- what WeChat's servers send ----------------------------------------------------------

def text_xml(openid: str, content: str, msg_id: int | None = None) -> str:
    return (f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
            f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
            f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{content}]]></Content>"
            f"<MsgId>{msg_id or next(_msg_ids)}</MsgId></xml>")


def media_xml(openid: str, kind: str, fields: str) -> str:
    return (f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
            f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
            f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[{kind}]]></MsgType>"
            f"{fields}<MsgId>{next(_msg_ids)}</MsgId></xml>")


def event_xml(openid: str, event: str, key: str = "", at: int | None = None) -> str:
    return (f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
            f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
            f"<CreateTime>{at or int(time.time())}</CreateTime>"
            f"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{event}]]></Event>"
            f"<EventKey><![CDATA[{key}]]></EventKey></xml>")


def signature(*parts: str) -> str:
    """WeChat's signature, computed here from its documentation rather than by wechatpy."""
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def signed_query(token: str = TOKEN, at: float | None = None) -> dict[str, str]:
    """The query WeChat signs a request with, now (or at the epoch second `at`)."""
    timestamp = str(int(time.time() if at is None else at))
    nonce = str(random.randrange(10**9, 10**10))  # WeChat's nonces are digit strings
    return {"signature": signature(token, timestamp, nonce), "timestamp": timestamp,
            "nonce": nonce, "openid": "ignored-by-the-channel"}


@dataclass
class WeChatServers:
    """Posts to the channel's webhook as WeChat does, and reads its passive replies."""

    stack: RunningStack
    crypto: WeChatCrypto | None = None

    @property
    def webhook(self) -> str:
        return f"{self.stack.rasa_url}/webhooks/wechat/webhook"

    def post(self, xml: str, token: str = TOKEN, raw: bytes | None = None,
             query: dict[str, str] | None = None) -> httpx.Response:
        """One push; with `query`, under that signed query (a retry, or a replay of it)."""
        query = dict(query) if query is not None else signed_query(token)
        body = raw if raw is not None else xml.encode()
        if self.crypto is not None and raw is None:
            sealed = xmltodict.parse(self.crypto.encrypt_message(xml, query["nonce"],
                                                                 query["timestamp"]))["xml"]
            body = (f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
                    f"<Encrypt><![CDATA[{sealed['Encrypt']}]]></Encrypt></xml>").encode()
            if token != TOKEN:  # a forged push: signed with the wrong token
                sealed["MsgSignature"] = signature(token, query["timestamp"], query["nonce"],
                                                   sealed["Encrypt"])
            query |= {"encrypt_type": "aes", "msg_signature": sealed["MsgSignature"]}
        elif self.crypto is not None:  # a raw body, signed as if it were the cipher text
            query |= {"encrypt_type": "aes", "msg_signature": signature(
                token, query["timestamp"], query["nonce"], body.decode(errors="replace"))}
        return httpx.post(self.webhook, params=query, content=body,
                          headers={"Content-Type": "text/xml"}, timeout=60)

    def reply_of(self, answer: httpx.Response, openid: str) -> str:
        """The text of a passive reply ("" for "success"), decrypted in safe mode."""
        assert answer.status_code == 200, answer.text
        if answer.text == "success":
            return ""
        xml = answer.text
        if self.crypto is not None:
            sealed = xmltodict.parse(xml)["xml"]
            assert "Content" not in sealed, "safe mode answers only in cipher text"
            xml = self.crypto.decrypt_message(xml, sealed["MsgSignature"], sealed["TimeStamp"],
                                              sealed["Nonce"])
        reply = xmltodict.parse(xml)["xml"]
        assert (reply["ToUserName"], reply["FromUserName"], reply["MsgType"]) == (
            openid, ACCOUNT, "text")
        return reply["Content"]

    def say(self, openid: str, xml: str) -> str:
        return self.reply_of(self.post(xml), openid)

    def say_under(self, openid: str, xml: str, query: dict[str, str]) -> str:
        return self.reply_of(self.post(xml, query=query), openid)

    def user_texts(self, openid: str) -> list[str]:
        """What Rasa's tracker recorded the owner saying: the conversation wechat:<openid>,
        read through Rasa's API as the console reads it."""
        events = RasaConversations(self.stack.rasa_url).history(Owner("wechat", openid))
        return [event.get("text") for event in events if event["event"] == "user"]


# --- stacks -------------------------------------------------------------------------------

class Stacks:
    """At most one stack at a time, started with the mode's WECHAT_* variables, which are
    in os.environ only while the processes start (so no other fixture sees them)."""

    def __init__(self, models: Path, factory: pytest.TempPathFactory, fake: FakeWeChat) -> None:
        self.models, self.factory, self.fake = models, factory, fake
        self.exit = ExitStack()
        self.mode: str | None = None
        self.current: RunningStack | None = None

    def get(self, mode: str) -> RunningStack:
        if mode != self.mode:
            self.close()
            settings = {"WECHAT_TOKEN": TOKEN, "WECHAT_APP_ID": APP_ID,
                        "WECHAT_APP_SECRET": APP_SECRET,
                        "WECHAT_API_BASE_URL": self.fake.base_url} | MODES[mode]
            saved = {key: os.environ.pop(key, None) for key in WECHAT_VARIABLES}
            os.environ.update(settings)
            try:
                self.current = self.exit.enter_context(
                    running_stack(self.models, self.factory.mktemp(f"wechat-{mode}")))
                self.mode = mode
            finally:
                for key in WECHAT_VARIABLES:
                    os.environ.pop(key, None)
                os.environ.update({key: value for key, value in saved.items() if value})
        assert self.current is not None
        return self.current

    def close(self) -> None:
        self.exit.close()
        self.exit, self.mode, self.current = ExitStack(), None, None


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeWeChat]:
    server = FakeWeChat(APP_ID, APP_SECRET)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def stacks(trained_models: Path, tmp_path_factory: pytest.TempPathFactory,
           fake: FakeWeChat) -> Iterator[Stacks]:
    running = Stacks(trained_models, tmp_path_factory, fake)
    yield running
    running.close()


def _servers(stacks: Stacks, mode: str, monkeypatch: pytest.MonkeyPatch) -> WeChatServers:
    stack = stacks.get(mode)
    monkeypatch.setenv("DATABASE_URL", stack.database_url)
    crypto = WeChatCrypto(TOKEN, AES_KEY, APP_ID) if mode == "safe" else None
    return WeChatServers(stack, crypto)


@pytest.fixture
def plain(stacks: Stacks, monkeypatch: pytest.MonkeyPatch) -> WeChatServers:
    return _servers(stacks, "plain", monkeypatch)


@pytest.fixture
def safe(stacks: Stacks, monkeypatch: pytest.MonkeyPatch) -> WeChatServers:
    return _servers(stacks, "safe", monkeypatch)


@pytest.fixture
def slow(stacks: Stacks, monkeypatch: pytest.MonkeyPatch) -> WeChatServers:
    return _servers(stacks, "slow", monkeypatch)


# --- without a stack ----------------------------------------------------------------------

def test_long_replies_are_cut_within_wechats_limit() -> None:
    text = "第一段。\n\n" + "很长的一行" * 300 + "\n最后一行"
    parts = wechat.split_for_wechat(text)
    assert len(parts) > 1 and all(len(p.encode()) <= wechat.MAX_REPLY_BYTES for p in parts)
    assert "".join(parts).replace("\n", "") == text.replace("\n", "")
    assert wechat.split_for_wechat("  \n ") == []


def test_buttons_become_numbered_options() -> None:
    shown = wechat.render([{"text": "请核对以下信息"},
                           {"text": "确认提交吗?", "buttons": [
                               {"title": "对,提交", "payload": "/affirm"},
                               {"title": "需要修改", "payload": "/deny"}]}])
    assert shown.startswith("请核对以下信息\n\n确认提交吗?\n" + texts.WECHAT_OPTIONS_HINT)
    assert "1. 对,提交" in shown and "2. 需要修改" in shown


def test_without_a_token_the_channel_is_off_and_says_how_to_enable_it(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    for key in WECHAT_VARIABLES:
        monkeypatch.delenv(key, raising=False)
    with caplog.at_level(logging.WARNING, logger="bot.channels.wechat"):
        channel = wechat.WeChatInput.from_credentials(None)
    assert not channel.settings.enabled and channel.get_output_channel() is None
    assert any("off" in r.getMessage() and "WECHAT_TOKEN" in r.getMessage()
               for r in caplog.records)


def test_a_malformed_aes_key_stops_the_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WECHAT_TOKEN", TOKEN)
    monkeypatch.setenv("WECHAT_APP_ID", APP_ID)
    monkeypatch.setenv("WECHAT_AES_KEY", "too-short")
    with pytest.raises(ValueError, match="WECHAT_AES_KEY"):
        wechat.WeChatInput.from_credentials(None)


def test_the_48_hour_window_decides_who_can_be_reached(database: str) -> None:
    now = datetime.now(timezone.utc)
    recent, lapsed = new_openid(), new_openid()
    store.claim_inbound("wechat", "m-recent", recent, "text", now - timedelta(hours=47))
    store.claim_inbound("wechat", "m-lapsed", lapsed, "text", now - timedelta(hours=49))
    assert wechat.can_reach(recent, now)
    assert not wechat.can_reach(lapsed, now)
    assert not wechat.can_reach(new_openid(), now), "an owner who never wrote"
    assert not wechat.can_reach(recent, now + timedelta(hours=2))


def test_the_sender_delivers_inside_the_window_and_records_outside(
        database: str, fake: FakeWeChat) -> None:
    now = datetime.now(timezone.utc)
    inside, outside = new_openid(), new_openid()
    store.claim_inbound("wechat", "w-inside", inside, "text", now - timedelta(hours=1))
    store.claim_inbound("wechat", "w-outside", outside, "text", now - timedelta(hours=50))
    client = wechat.CustomerServiceClient(APP_ID, APP_SECRET, fake.base_url)
    assert wechat.send_customer_message(client, inside, "工单已派给维修师傅。", now)
    assert fake.texts_to(inside) == ["工单已派给维修师傅。"]
    assert not wechat.send_customer_message(client, outside, "工单已派给维修师傅。", now)
    assert fake.texts_to(outside) == [], "nothing is sent outside the window"
    failures = store.outbound_failures("wechat")
    assert [(r, t) for r, t, _ in failures] == [(outside, "工单已派给维修师傅。")]
    assert "48-hour" in failures[0][2]


def test_a_refused_send_is_recorded(database: str, fake: FakeWeChat) -> None:
    now = datetime.now(timezone.utc)
    openid = new_openid()
    store.claim_inbound("wechat", "r-1", openid, "text", now)
    wrong_secret = wechat.CustomerServiceClient(APP_ID, "not-the-secret", fake.base_url)
    assert not wechat.send_customer_message(wrong_secret, openid, "您好", now)
    fake.fail_next = 1
    client = wechat.CustomerServiceClient(APP_ID, APP_SECRET, fake.base_url)
    assert not wechat.send_customer_message(client, openid, "再次您好", now)
    assert not wechat.send_customer_message(None, openid, "没有凭据", now)
    failures = store.outbound_failures("wechat")
    assert [t for _, t, _ in failures] == ["您好", "再次您好", "没有凭据"]
    assert "40125" in failures[0][2] and "45015" in failures[1][2]
    assert "WECHAT_APP_ID" in failures[2][2]
    assert fake.texts_to(openid) == []


def _request(**args: str) -> SimpleNamespace:
    """As much of a Sanic request as the channel's checks read."""
    return SimpleNamespace(args=args, headers={}, body=b"")


def test_the_injected_clock_decides_which_timestamps_are_fresh() -> None:
    clock = [datetime(2026, 12, 3, 9, 0, tzinfo=timezone.utc)]
    settings = wechat.WeChatSettings(TOKEN, None, None, None, "http://127.0.0.1:9/", 4.5)
    channel = wechat.WeChatInput(settings, now=lambda: clock[0])
    at = int(clock[0].timestamp())
    for fresh in (at, at - 299, at + 299):
        assert channel.signed_at(_request(timestamp=str(fresh))) == datetime.fromtimestamp(
            fresh, timezone.utc)
    for stale in (at - 301, at + 301, at - 600, at + 600):
        assert channel.signed_at(_request(timestamp=str(stale))) is None, stale
    for junk in ("", "soon", "-5", "1.5", "１７０００００００", "9" * 40):
        assert channel.signed_at(_request(timestamp=junk)) is None, junk
    assert channel.signed_at(_request()) is None, "no timestamp at all"
    clock[0] += timedelta(minutes=10)
    assert channel.signed_at(_request(timestamp=str(at))) is None, "ten minutes later"


def test_the_timestamp_tolerance_is_read_from_the_environment(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WECHAT_TIMESTAMP_TOLERANCE_SECONDS", raising=False)
    assert wechat.WeChatSettings.from_env().timestamp_tolerance == timedelta(seconds=300)
    monkeypatch.setenv("WECHAT_TIMESTAMP_TOLERANCE_SECONDS", "120")
    assert wechat.WeChatSettings.from_env().timestamp_tolerance == timedelta(seconds=120)
    for bad in ("five minutes", "5", "86400", "nan", "inf", "-300"):
        monkeypatch.setenv("WECHAT_TIMESTAMP_TOLERANCE_SECONDS", bad)
        with pytest.raises(ValueError, match="WECHAT_TIMESTAMP_TOLERANCE_SECONDS must be a "
                                             "number of seconds from 30 to 3600"):
            wechat.WeChatInput.from_credentials(None)


def test_a_nonce_is_remembered_with_its_message_for_the_window(database: str) -> None:
    now = datetime.now(timezone.utc).replace(microsecond=0)
    window = timedelta(minutes=5)
    first, other = hashlib.sha256(b"first").hexdigest(), hashlib.sha256(b"other").hexdigest()
    assert store.claim_wechat_nonce(now, "1514711492", first, now, window) == "new"
    assert store.claim_wechat_nonce(now, "1514711492", first, now, window) == "retry"
    assert store.claim_wechat_nonce(now, "1514711492", other, now, window) == "replayed"
    assert store.claim_wechat_nonce(now + timedelta(seconds=1), "1514711492", other, now,
                                    window) == "new", "another signed (timestamp, nonce)"
    # Any write forgets what is older than the window: claimed again it is new (and is
    # pruned at once; the channel refuses such a timestamp before asking).
    later = now + window + timedelta(seconds=2)
    assert store.claim_wechat_nonce(later, "2718281828", first, later, window) == "new"
    assert store.claim_wechat_nonce(now, "1514711492", other, later, window) == "new"


# --- the channel off: the suite's own stack runs without WECHAT_TOKEN ---------------------

def test_without_wechat_token_the_webhook_answers_503(stack) -> None:
    if os.environ.get("WECHAT_TOKEN"):
        pytest.skip("WECHAT_TOKEN is set in this environment: the suite's stack has WeChat on")
    url = f"{stack.rasa_url}/webhooks/wechat/webhook"
    for answer in (httpx.get(url, params=signed_query() | {"echostr": "x"}),
                   httpx.post(url, params=signed_query(), content=text_xml(new_openid(), "你好"))):
        assert answer.status_code == 503
        assert "WECHAT_TOKEN" in answer.text and "未启用" in answer.text
    log = (stack.workdir / "rasa.log").read_text()
    assert "wechat: channel off (set WECHAT_TOKEN to enable it)" in log


# --- plain mode ---------------------------------------------------------------------------

def test_url_verification(plain: WeChatServers) -> None:
    good = httpx.get(plain.webhook, params=signed_query() | {"echostr": "echo-8273"})
    assert (good.status_code, good.text) == (200, "echo-8273")
    bad = httpx.get(plain.webhook, params=signed_query("wrong-token") | {"echostr": "echo-1"})
    assert bad.status_code == 403 and "echo-1" not in bad.text
    unsigned = httpx.get(plain.webhook, params={"echostr": "echo-2"})
    assert unsigned.status_code == 403


def test_the_repair_conversation_over_wechat(plain: WeChatServers) -> None:
    openid = new_openid()
    first = plain.say(openid, text_xml(openid, "你好,我家卫生间漏水了"))
    assert "楼栋" in first and "房号" in first, first
    summary = plain.say(openid, text_xml(openid, "5号楼2单元302,明天下午三点以后都在,电话13800138000"))
    assert "5栋2单元302室" in summary and "13800138000" in summary
    assert "1. 对,提交" in summary, "buttons are shown as numbered options"
    done = plain.say(openid, text_xml(openid, "对"))
    number = NUMBER.search(done)
    assert number, done
    ticket = store.find_ticket(number.group(0))
    assert ticket is not None
    assert (ticket.channel, ticket.sender_id) == ("wechat", openid)
    assert (ticket.flat.building, ticket.flat.unit, ticket.flat.room) == ("5", "2", "302")
    assert ticket.phone == "13800138000"


def test_a_very_long_message_is_read_in_part_and_the_owner_told(plain: WeChatServers) -> None:
    from bot.channels.limits import MAX_TEXT_CHARS

    openid = new_openid()
    reply = plain.say(openid, text_xml(openid, "楼上装修太吵了" * 11_000))
    assert texts.MESSAGE_CUT.format(limit=MAX_TEXT_CHARS) in reply
    [heard] = plain.user_texts(openid)
    assert len(heard) == MAX_TEXT_CHARS


def test_a_flooding_owner_is_asked_to_slow_down_and_others_are_answered(
        plain: WeChatServers) -> None:
    from bot.channels.floods import PER_SENDER

    flooder, other = new_openid(), new_openid()
    limit = PER_SENDER[0]
    for _ in range(limit):
        plain.post(text_xml(flooder, "在吗"))
    assert plain.say(flooder, text_xml(flooder, "在吗")) == texts.TOO_MANY_MESSAGES
    assert len(plain.user_texts(flooder)) == limit, "the extra message never reached the model"
    assert "物业" in plain.say(other, text_xml(other, "你好"))


def test_a_push_whose_replica_died_is_handled_on_wechats_retry(plain: WeChatServers) -> None:
    """WeChat retries only when we did not answer within 5 s, which a live replica always
    does: an older unfinished claim belonged to a replica that died, and the retry is handled
    (once). A claim still within the budget is left to its replica."""
    from datetime import datetime, timedelta, timezone

    openid = new_openid()
    fresh = text_xml(openid, "你好", msg_id=7700000001)
    store.claim_delivery("wechat", "7700000001", openid, "text", datetime.now(timezone.utc),
                         timedelta(seconds=4.5))
    assert plain.post(fresh).text == "success" and plain.user_texts(openid) == []
    stale = text_xml(openid, "你好", msg_id=7700000002)
    store.claim_delivery("wechat", "7700000002", openid, "text",
                         datetime.now(timezone.utc) - timedelta(seconds=6), timedelta(seconds=4.5))
    assert "物业" in plain.say(openid, stale), "the retry is answered"
    assert plain.post(stale).text == "success", "and only once"
    assert plain.user_texts(openid) == ["你好"]


def test_numbered_options_are_remembered_in_the_database(plain: WeChatServers) -> None:
    """What "2" means is read from the database, so it holds on whichever replica (or after
    whichever restart) the owner's answer arrives: options written by another process count."""
    openid = new_openid()
    plain.say(openid, text_xml(openid, "你好"))
    store.remember_offered("wechat", openid, [{"title": "报修", "payload": "我要报修"},
                                              {"title": "装修押金怎么退", "payload": "装修押金怎么退"}])
    answer = plain.say(openid, text_xml(openid, "2"))
    assert "押金" in answer, answer
    assert store.offered_to("wechat", openid) is None, "nothing on offer after a plain answer"


def test_a_photo_is_kept_and_goes_with_the_ticket(plain: WeChatServers) -> None:
    openid = new_openid()
    plain.say(openid, text_xml(openid, "你好,我家卫生间漏水了"))
    media = media_xml(openid, "image", "<PicUrl><![CDATA[http://mmbiz.example/leak.jpg]]></PicUrl>"
                                       "<MediaId><![CDATA[media-leak-1]]></MediaId>")
    assert plain.say(openid, media) == texts.PHOTO_RECEIVED
    assert plain.user_texts(openid) == ["你好,我家卫生间漏水了"], "the form is not disturbed"
    plain.say(openid, text_xml(openid, "5号楼2单元302,明天下午三点以后都在,电话13800138000"))
    number = NUMBER.search(plain.say(openid, text_xml(openid, "对")))
    assert number
    assert store.attachments_of(number.group(0)) == [("photo", "media-leak-1", None)]


def test_voice_location_and_menu_events(plain: WeChatServers) -> None:
    openid = new_openid()
    voice = media_xml(openid, "voice", "<MediaId><![CDATA[voice-1]]></MediaId>"
                                       "<Format><![CDATA[amr]]></Format>")
    assert plain.say(openid, voice) == texts.VOICE_ASK_TO_TYPE
    assert plain.user_texts(openid) == [], "a voice message does not reach Rasa"
    where = media_xml(openid, "location",
                      "<Location_X>31.2304</Location_X><Location_Y>121.4737</Location_Y>"
                      "<Scale>15</Scale><Label><![CDATA[阳光花园5号楼]]></Label>")
    assert plain.say(openid, where) == texts.LOCATION_RECEIVED
    assert plain.user_texts(openid) == [], "a location is kept, not guessed at"
    assert "您好" in plain.say(openid, event_xml(openid, "CLICK", "你好"))
    assert plain.user_texts(openid)[-1] == "你好", "a menu click forwards its EventKey"
    # A repair reported afterwards takes the kept voice message and location with it.
    for answer in ("阳台漏水了", "5栋2单元302", "13800138000", "随时都可以"):
        plain.say(openid, text_xml(openid, answer))
    number = NUMBER.search(plain.say(openid, text_xml(openid, "对")))
    assert number
    assert store.attachments_of(number.group(0)) == [
        ("voice", "voice-1", None), ("location", "31.2304,121.4737", None)]


def test_subscribe_greets_and_unsubscribe_is_only_recorded(plain: WeChatServers) -> None:
    openid = new_openid()
    greeting = plain.say(openid, event_xml(openid, "subscribe"))
    assert "物业客户服务中心" in greeting
    before = store.inbound_count("wechat")
    assert plain.say(openid, event_xml(openid, "unsubscribe")) == ""
    assert store.inbound_count("wechat") == before + 1
    assert plain.user_texts(openid) == [texts.WECHAT_GREETING_FOR_RASA]


def test_a_retried_message_reaches_rasa_once(plain: WeChatServers) -> None:
    openid = new_openid()
    xml = text_xml(openid, "你好")
    assert "物业客户服务中心" in plain.say(openid, xml)
    before = store.inbound_count("wechat")
    assert plain.post(xml).text == "success"
    assert plain.post(xml).text == "success"
    assert store.inbound_count("wechat") == before
    assert plain.user_texts(openid) == ["你好"]
    event = event_xml(openid, "CLICK", "你好", at=1_700_000_000)
    plain.say(openid, event)
    assert plain.post(event).text == "success"
    assert plain.user_texts(openid) == ["你好", "你好"]


def test_a_logged_query_cannot_carry_another_message(plain: WeChatServers,
                                                     fake: FakeWeChat) -> None:
    """Plain mode's signature covers only the token, the timestamp and the nonce: someone
    who read a push's query in an access log replays it with a message of their own."""
    owner, forger = new_openid(), new_openid()
    query = signed_query()
    assert "物业客户服务中心" in plain.say_under(owner, text_xml(owner, "你好"), query)
    before = store.inbound_count("wechat")
    for forged in (text_xml(forger, "你好"), text_xml(owner, "我要投诉,马上联系我")):
        refused = plain.post(forged, query=query)
        assert refused.status_code == 403, refused.text
        assert "物业" not in refused.text
    assert store.inbound_count("wechat") == before, "no delivery recorded"
    assert store.last_inbound_at("wechat", forger) is None, "the forged owner never wrote"
    assert plain.user_texts(forger) == [], "nothing reached Rasa as the forged owner"
    assert plain.user_texts(owner) == ["你好"], "nor as the real one"
    assert fake.texts_to(forger) == [] and fake.texts_to(owner) == []


@pytest.mark.parametrize("minutes", [-10, 10], ids=["10-minutes-old", "10-minutes-ahead"])
def test_a_push_signed_far_from_our_clock_is_refused(plain: WeChatServers, minutes: int) -> None:
    openid = new_openid()
    query = signed_query(at=time.time() + minutes * 60)
    before = store.inbound_count("wechat")
    refused = plain.post(text_xml(openid, "你好"), query=query)
    assert refused.status_code == 403, refused.text
    check = httpx.get(plain.webhook, params=query | {"echostr": "echo-far"})
    assert check.status_code == 403 and "echo-far" not in check.text
    assert store.inbound_count("wechat") == before
    assert plain.user_texts(openid) == []


def test_a_push_from_a_clock_a_little_off_is_answered(plain: WeChatServers) -> None:
    openid = new_openid()
    for minutes in (-2, 2):
        query = signed_query(at=time.time() + minutes * 60)
        check = httpx.get(plain.webhook, params=query | {"echostr": "echo-near"})
        assert (check.status_code, check.text) == (200, "echo-near")
    answer = plain.post(text_xml(openid, "你好"), query=signed_query(at=time.time() - 120))
    assert "物业客户服务中心" in plain.reply_of(answer, openid)


def test_wechats_retry_under_the_same_query_is_answered_once(plain: WeChatServers) -> None:
    openid = new_openid()
    xml, query = text_xml(openid, "你好"), signed_query()
    assert "物业客户服务中心" in plain.say_under(openid, xml, query)
    before = store.inbound_count("wechat")
    for _ in range(2):
        again = plain.post(xml, query=query)
        assert (again.status_code, again.text) == (200, "success")
    assert store.inbound_count("wechat") == before
    assert plain.user_texts(openid) == ["你好"]


@pytest.mark.parametrize(
    ("token", "raw", "status"),
    [("wrong-token", None, 403),
     (TOKEN, b"<xml><ToUserName>broken", 400),
     (TOKEN, b"<xml><FromUserName>o1</FromUserName></xml>", 400),
     (TOKEN, b"<xml>" + b"x" * (1024 * 1024) + b"</xml>", 413)],
    ids=["bad-signature", "broken-xml", "no-message-type", "1MB-body"],
)
def test_bad_pushes_are_refused_and_change_nothing(plain: WeChatServers, token: str,
                                                   raw: bytes | None, status: int) -> None:
    openid = new_openid()
    before = store.inbound_count("wechat")
    answer = plain.post(text_xml(openid, "你好"), token=token, raw=raw)
    assert answer.status_code == status, answer.text
    assert store.inbound_count("wechat") == before
    assert plain.user_texts(openid) == []


# --- safe mode ----------------------------------------------------------------------------

def test_safe_mode_verification_and_an_encrypted_conversation(safe: WeChatServers) -> None:
    good = httpx.get(safe.webhook, params=signed_query() | {"echostr": "echo-safe"})
    assert (good.status_code, good.text) == (200, "echo-safe")
    openid = new_openid()
    first = safe.say(openid, text_xml(openid, "你好,我家卫生间漏水了"))
    assert "楼栋" in first, first
    summary = safe.say(openid, text_xml(openid, "5号楼2单元302,明天下午三点以后都在,电话13800138000"))
    assert "5栋2单元302室" in summary and "1. 对,提交" in summary
    done = safe.say(openid, text_xml(openid, "1"))  # the first option: 对,提交
    number = NUMBER.search(done)
    assert number, done
    ticket = store.find_ticket(number.group(0))
    assert ticket is not None and (ticket.channel, ticket.sender_id) == ("wechat", openid)


def test_safe_mode_refuses_forged_plain_and_broken_pushes(safe: WeChatServers) -> None:
    openid = new_openid()
    before = store.inbound_count("wechat")
    assert safe.post(text_xml(openid, "你好"), token="wrong-token").status_code == 403
    unencrypted = httpx.post(safe.webhook, params=signed_query(),
                             content=text_xml(openid, "你好").encode())
    assert unencrypted.status_code == 403, "safe mode accepts only encrypted pushes"
    assert safe.post("", raw=b"<xml><Encrypt>broken").status_code == 400
    query = signed_query()
    garbage = base64.b64encode(b"not WeChat's cipher text, 32 b.").decode()
    query |= {"encrypt_type": "aes", "msg_signature": signature(
        TOKEN, query["timestamp"], query["nonce"], garbage)}
    undecryptable = httpx.post(safe.webhook, params=query,
                               content=f"<xml><Encrypt>{garbage}</Encrypt></xml>".encode())
    assert undecryptable.status_code == 400, "signed, but not sealed with the account's key"
    assert store.inbound_count("wechat") == before
    assert safe.user_texts(openid) == []


def test_safe_mode_checks_the_clock_and_the_nonce_too(safe: WeChatServers) -> None:
    openid, other = new_openid(), new_openid()
    for minutes in (-10, 10):  # sealed and signed with the right key, but not now
        far = signed_query(at=time.time() + minutes * 60)
        assert safe.post(text_xml(openid, "你好"), query=far).status_code == 403
        check = httpx.get(safe.webhook, params=far | {"echostr": "echo-far"})
        assert check.status_code == 403 and "echo-far" not in check.text
    assert safe.user_texts(openid) == []
    xml, query = text_xml(openid, "你好"), signed_query()
    assert "物业客户服务中心" in safe.say_under(openid, xml, query)
    before = store.inbound_count("wechat")
    # WeChat's retry, sealed afresh under the same timestamp and nonce: the same message.
    assert safe.post(xml, query=query).text == "success"
    # The same timestamp and nonce sealing another message: refused.
    assert safe.post(text_xml(other, "你好"), query=query).status_code == 403
    assert store.inbound_count("wechat") == before
    assert safe.user_texts(openid) == ["你好"] and safe.user_texts(other) == []


# --- a reply budget Rasa cannot meet ------------------------------------------------------

def test_a_late_reply_goes_through_the_customer_service_api(slow: WeChatServers,
                                                          fake: FakeWeChat) -> None:
    openid = new_openid()
    assert slow.say(openid, text_xml(openid, "你好")) == texts.STILL_WORKING, "told we are on it"
    sent = fake.wait_for_texts(openid)
    assert sent and "物业客户服务中心" in sent[0], sent
    assert slow.user_texts(openid) == ["你好"]


def test_a_late_reply_wechat_refuses_is_recorded(slow: WeChatServers, fake: FakeWeChat) -> None:
    openid = new_openid()
    fake.fail_next = 1
    assert slow.say(openid, text_xml(openid, "你好")) == texts.STILL_WORKING
    deadline = time.monotonic() + 60
    failures: list[tuple[str, str, str]] = []
    while time.monotonic() < deadline and not failures:
        failures = [f for f in store.outbound_failures("wechat") if f[0] == openid]
        time.sleep(0.2)
    assert failures, "the refused reply is recorded"
    assert "物业客户服务中心" in failures[0][1] and "45015" in failures[0][2]
    assert fake.texts_to(openid) == []


def test_an_agent_reply_reaches_the_owner_on_wechat(plain: WeChatServers, fake: FakeWeChat) -> None:
    """A person takes the conversation: the assistant is silent, the agent's words go out
    through the customer-service API, and after resume the assistant answers again."""
    openid = new_openid()
    conversation = Owner("wechat", openid)  # Rasa's conversation wechat:<openid>
    rasa = RasaConversations(plain.stack.rasa_url)
    assert plain.say(openid, text_xml(openid, "你好"))
    rasa.pause(conversation)
    assert plain.say(openid, text_xml(openid, "请让人工客服联系我")) == ""
    rasa.say(conversation, "您好,我是客服小王,马上为您处理。", agent_name="wang")
    assert "您好,我是客服小王,马上为您处理。" in fake.wait_for_texts(openid), "sent to the openid"
    assert "请让人工客服联系我" in plain.user_texts(openid)
    rasa.resume(conversation)
    assert "物业客户服务中心" in plain.say(openid, text_xml(openid, "你好"))
