"""The WeChat Official Account (公众号) as a Rasa channel, on wechatpy.

WeChat pushes every message an owner writes to /webhooks/wechat/webhook, signed with the
token the centre chose (and, in safe mode, AES-encrypted with the EncodingAESKey). WeChat
waits 5 seconds for an answer and retries otherwise, so:

- every delivery is claimed once in the database (a retry is answered "success" and never
  reaches Rasa twice, across processes too);
- Rasa gets WECHAT_REPLY_BUDGET_SECONDS (4.5 s) to answer; its replies then go back in the
  HTTP answer itself (the "passive reply"). When Rasa takes longer, WeChat is told "success"
  at once and the replies follow through the customer-service API (客服消息), which WeChat
  accepts only within 48 hours of the owner's last message; what cannot be sent is recorded.

A signed query (signature, timestamp, nonce) ends up in access logs, and in plain mode the
signature does not cover the body; so in every mode a push is refused (403, nothing written)
when its timestamp is more than WECHAT_TIMESTAMP_TOLERANCE_SECONDS (300 s) from the server's
clock either way, or when its (timestamp, nonce) was accepted before with another message
(kept in the database, so across replicas). The same pair with the same message is WeChat
repeating itself and gets the retry's treatment (the delivery's own claim answers it).

Rasa sees the conversation as `wechat:<openid>` (bot.identity); the database keeps
("wechat", openid) as the channel and the owner.

Configured only by environment variables (credentials.yml names the class, with no secrets):
WECHAT_TOKEN (the channel is off without it), WECHAT_APP_ID, WECHAT_APP_SECRET,
WECHAT_AES_KEY (safe mode when set), WECHAT_API_BASE_URL, WECHAT_REPLY_BUDGET_SECONDS,
WECHAT_TIMESTAMP_TOLERANCE_SECONDS.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import threading
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from xml.parsers.expat import ExpatError

import requests
from rasa.core.channels.channel import (
    CollectingOutputChannel,
    InputChannel,
    OutputChannel,
    UserMessage,
)
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from wechatpy import WeChatClient, create_reply, parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.events import BaseEvent
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.messages import (
    BaseMessage,
    ImageMessage,
    LocationMessage,
    TextMessage,
    VoiceMessage,
)
from wechatpy.utils import check_signature

from bot import store, texts
from bot.channels.floods import FloodGuard, per_sender
from bot.channels.limits import MAX_BODY_BYTES, MAX_TEXT_CHARS, capped, cut_notice
from bot.identity import conversation_id, recipient

log = logging.getLogger(__name__)

CHANNEL = "wechat"
DEFAULT_API_BASE_URL = WeChatClient.API_BASE_URL
DEFAULT_REPLY_BUDGET_SECONDS = 4.5
# How far a push's signed timestamp may be from the server's clock, either way. WeChat
# retries within about 15 s (3 times, 5 s each), so the window may not be shorter than
# MIN_TIMESTAMP_TOLERANCE_SECONDS; longer than an hour would keep a logged query usable
# (with its own message) for that long.
DEFAULT_TIMESTAMP_TOLERANCE_SECONDS = 300.0
MIN_TIMESTAMP_TOLERANCE_SECONDS = 30.0
MAX_TIMESTAMP_TOLERANCE_SECONDS = 3600.0
# WeChat's nonces are short digit strings; anything longer is not WeChat's.
MAX_NONCE_CHARS = 64
# WeChat lets a business write freely to an owner only this long after the owner's last message.
FREE_TEXT_WINDOW = timedelta(hours=48)
# A text message (passive reply or customer-service message) is cut into parts of at most
# this many UTF-8 bytes; WeChat documents 2048 and truncates or refuses beyond it.
MAX_REPLY_BYTES = 2000
API_TIMEOUT_SECONDS = 10
# Replies still being sent when the server stops get this long to finish.
SHUTDOWN_GRACE_SECONDS = 10
# The plain answer WeChat accepts when there is nothing (more) to say in the HTTP reply.
ACKNOWLEDGED = "success"


@dataclass(frozen=True)
class WeChatSettings:
    token: str | None
    app_id: str | None
    app_secret: str | None
    aes_key: str | None
    api_base_url: str
    reply_budget_seconds: float
    timestamp_tolerance_seconds: float = DEFAULT_TIMESTAMP_TOLERANCE_SECONDS

    @classmethod
    def from_env(cls) -> "WeChatSettings":
        base = os.environ.get("WECHAT_API_BASE_URL") or DEFAULT_API_BASE_URL
        return cls(
            token=os.environ.get("WECHAT_TOKEN") or None,
            app_id=os.environ.get("WECHAT_APP_ID") or None,
            app_secret=os.environ.get("WECHAT_APP_SECRET") or None,
            aes_key=os.environ.get("WECHAT_AES_KEY") or None,
            api_base_url=base if base.endswith("/") else base + "/",
            reply_budget_seconds=float(os.environ.get("WECHAT_REPLY_BUDGET_SECONDS")
                                       or DEFAULT_REPLY_BUDGET_SECONDS),
            timestamp_tolerance_seconds=_tolerance_from_env(),
        )

    @property
    def timestamp_tolerance(self) -> timedelta:
        return timedelta(seconds=self.timestamp_tolerance_seconds)

    @property
    def enabled(self) -> bool:
        return bool(self.token)

    @property
    def safe_mode(self) -> bool:
        return bool(self.aes_key)


def _tolerance_from_env() -> float:
    raw = (os.environ.get("WECHAT_TIMESTAMP_TOLERANCE_SECONDS") or "").strip()
    if not raw:
        return DEFAULT_TIMESTAMP_TOLERANCE_SECONDS
    try:
        seconds = float(raw)
    except ValueError:
        seconds = float("nan")
    if not MIN_TIMESTAMP_TOLERANCE_SECONDS <= seconds <= MAX_TIMESTAMP_TOLERANCE_SECONDS:
        raise ValueError(
            f"wechat: WECHAT_TIMESTAMP_TOLERANCE_SECONDS must be a number of seconds from "
            f"{MIN_TIMESTAMP_TOLERANCE_SECONDS:g} to {MAX_TIMESTAMP_TOLERANCE_SECONDS:g} "
            f"(how far a push's timestamp may be from this server's clock; default "
            f"{DEFAULT_TIMESTAMP_TOLERANCE_SECONDS:g}), not {raw!r}")
    return seconds


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def can_reach(sender_id: str, now: datetime) -> bool:
    """Whether a free-text (customer-service) message can still reach this owner: WeChat
    refuses them more than 48 hours after the owner last wrote."""
    return store.can_send_free_text(CHANNEL, sender_id, now, FREE_TEXT_WINDOW)


# --- sending through the customer-service API ---------------------------------------------

class _TimeoutSession(requests.Session):
    """wechatpy fetches its access token without a timeout; nothing here may hang forever."""

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = API_TIMEOUT_SECONDS
        return super().request(*args, **kwargs)


class CustomerServiceClient(WeChatClient):
    """wechatpy's client with every address, the access token's included, under
    WECHAT_API_BASE_URL (wechatpy hard-codes the token address), so a proxy or a test
    server can stand in for api.weixin.qq.com."""

    def __init__(self, app_id: str, secret: str, api_base_url: str) -> None:
        super().__init__(app_id, secret, timeout=API_TIMEOUT_SECONDS)
        self.API_BASE_URL = api_base_url
        self._http = _TimeoutSession()
        # requests.Session and the cached token are not meant for several threads at once.
        self.lock = threading.Lock()

    def fetch_access_token(self) -> dict[str, Any]:
        return self._fetch_access_token(
            url=f"{self.API_BASE_URL}token",
            params={"grant_type": "client_credential", "appid": self.appid,
                    "secret": self.secret},
        )


def send_customer_message(client: CustomerServiceClient | None, openid: str, text: str,
                          now: datetime) -> bool:
    """Send one text through the customer-service API; True when WeChat accepted it.

    Anything that keeps it from the owner (outside the 48-hour window, no app credentials,
    WeChat or the network refusing) is recorded as an outbound failure, never dropped."""
    if not can_reach(openid, now):
        error = "outside WeChat's 48-hour customer-service window"
    elif client is None:
        error = "WECHAT_APP_ID / WECHAT_APP_SECRET are not set: cannot use the customer-service API"
    else:
        try:
            with client.lock:
                client.message.send_text(openid, text)
            return True
        except Exception as exc:  # noqa: BLE001 - every failure is recorded below
            error = f"{type(exc).__name__}: {exc}"
    log.error("wechat: could not deliver to %s: %s", openid, error)
    try:
        store.record_outbound_failure(CHANNEL, openid, text, error, now)
    except Exception:  # noqa: BLE001 - the database is down too: the log is all that is left
        log.exception("wechat: could not record the undelivered reply to %s: %r", openid, text)
    return False


class WeChatOutput(OutputChannel):
    """Replies that cannot travel in the HTTP answer: after the 5-second budget, long
    replies' further parts, and anything Rasa sends on its own (reminders, triggers)."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    def __init__(self, client: CustomerServiceClient | None,
                 now: Callable[[], datetime] = utc_now) -> None:
        self.client = client
        self.now = now

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """`recipient_id` is Rasa's conversation id (wechat:<openid>); WeChat wants the openid."""
        await self.send_to_openid(recipient(recipient_id, CHANNEL), text)

    async def send_to_openid(self, openid: str, text: str) -> None:
        for part in split_for_wechat(text):
            await asyncio.to_thread(send_customer_message, self.client, openid, part,
                                    self.now())

    async def send_text_with_buttons(self, recipient_id: str, text: str,
                                     buttons: list[dict[str, Any]], **kwargs: Any) -> None:
        await self.send_text_message(recipient_id, f"{text}\n{options_text(buttons)}")

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self.send_text_message(recipient_id, image)


# --- what a message means for the assistant -----------------------------------------------

@dataclass(frozen=True)
class Incoming:
    """One delivery, read: who sent it, how it is recognised when retried, and what to do."""

    sender: str
    external_id: str
    kind: str  # text / photo / voice / location / event / other
    text: str | None = None  # handed to Rasa
    direct_reply: str | None = None  # answered by the channel itself
    attachment: tuple[str, str] | None = None  # (kind, reference) kept for the ticket
    cut: bool = False  # the text was longer than the assistant reads


def read_message(message: BaseMessage) -> Incoming | None:
    """None for events the assistant does not act on (menu links, location reports ...)."""
    sender = message.source
    if not sender:
        raise ValueError("no FromUserName")
    if isinstance(message, BaseEvent):
        event = getattr(message, "event", "")
        external_id = f"{sender}:{message.time}:{event}"
        if event in ("subscribe", "subscribe_scan"):
            return Incoming(sender, external_id, "event", text=texts.WECHAT_GREETING_FOR_RASA)
        if event in ("unsubscribe", "scan"):
            return Incoming(sender, external_id, "event")
        if event == "click":
            key = (getattr(message, "key", "") or "").strip()[:MAX_TEXT_CHARS]
            return Incoming(sender, external_id, "event", text=key or None)
        return None
    external_id = str(message.id) if message.id else f"{sender}:{message.time}:{message.type}"
    if isinstance(message, TextMessage):
        text, cut = capped(message.content or "")
        return Incoming(sender, external_id, "text", text=text, cut=cut)
    if isinstance(message, ImageMessage):
        reference = message.media_id or message.image or ""
        return Incoming(sender, external_id, "photo", direct_reply=texts.PHOTO_RECEIVED,
                        attachment=("photo", reference))
    if isinstance(message, VoiceMessage):
        return Incoming(sender, external_id, "voice", direct_reply=texts.VOICE_ASK_TO_TYPE,
                        attachment=("voice", message.media_id or ""))
    if isinstance(message, LocationMessage):
        lat, lon = message.location_x, message.location_y
        return Incoming(sender, external_id, "location", direct_reply=texts.LOCATION_RECEIVED,
                        attachment=("location", f"{lat},{lon}"))
    return Incoming(sender, external_id, "other", direct_reply=texts.UNSUPPORTED_MESSAGE)


# --- what the owner reads -----------------------------------------------------------------

def options_text(buttons: list[dict[str, Any]]) -> str:
    """WeChat text has no buttons: they become numbered options the owner answers by number."""
    lines = [texts.WECHAT_OPTIONS_HINT]
    lines += [texts.WECHAT_OPTION.format(number=i, title=button.get("title", ""))
              for i, button in enumerate(buttons, start=1)]
    return "\n".join(lines)


def render(messages: list[dict[str, Any]]) -> str:
    """Rasa's collected replies as one text."""
    parts: list[str] = []
    for message in messages:
        part = message.get("text") or ""
        if message.get("buttons"):
            part = f"{part}\n{options_text(message['buttons'])}".strip()
        for key in ("image", "attachment"):
            if message.get(key):
                part = f"{part}\n{message[key]}".strip()
        if part:
            parts.append(part)
    return "\n\n".join(parts)


def split_for_wechat(text: str, limit: int = MAX_REPLY_BYTES) -> list[str]:
    """Parts of at most `limit` UTF-8 bytes, cut at paragraph or line ends where possible."""
    text = text.strip()
    if not text:
        return []
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line.encode()) > limit:  # one line longer than a message: cut by characters
            cut = len(line)
            while len(line[:cut].encode()) > limit:
                cut -= max(1, (len(line[:cut].encode()) - limit) // 3)
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:cut])
            line = line[cut:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate.encode()) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        parts.append(current)
    return [part.strip() for part in parts if part.strip()]


def _chosen_payload(text: str, offered: list[dict[str, Any]] | None) -> str | None:
    """The button payload when the owner answers an offered option by its number."""
    if not offered:
        return None
    answer = unicodedata.normalize("NFKC", text).strip().rstrip(".。")
    if answer.isdigit() and 1 <= int(answer) <= len(offered):
        return offered[int(answer) - 1].get("payload") or offered[int(answer) - 1].get("title")
    return None


# --- the input channel --------------------------------------------------------------------

@dataclass(frozen=True)
class Push:
    """A webhook POST that passed the checks of signature, clock and form: the message, what
    it means for the assistant (None for events it does not act on), and what identifies the
    push against replays: its signed timestamp and nonce, and a digest of its message."""

    message: BaseMessage
    incoming: Incoming | None
    pushed_at: datetime
    nonce: str
    digest: str


class WeChatInput(InputChannel):
    """Registered in credentials.yml; configured only by environment variables. `now` is
    the clock pushes' timestamps are checked against (the tests pass their own)."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> "WeChatInput":
        return cls(WeChatSettings.from_env())

    def __init__(self, settings: WeChatSettings, now: Callable[[], datetime] = utc_now) -> None:
        self.settings = settings
        self.now = now
        self.floods: FloodGuard = per_sender()
        self.crypto: WeChatCrypto | None = None
        self.client: CustomerServiceClient | None = None
        # Handling that outlived the reply budget; kept so it is not collected mid-way.
        self._background: set[asyncio.Task] = set()
        if not settings.enabled:
            log.warning("wechat: channel off (set WECHAT_TOKEN to enable it); "
                        "/webhooks/wechat/webhook answers 503")
            return
        if settings.safe_mode:
            if not settings.app_id:
                raise ValueError("wechat: safe mode (WECHAT_AES_KEY) needs WECHAT_APP_ID")
            try:
                self.crypto = WeChatCrypto(settings.token, settings.aes_key, settings.app_id)
            except (AssertionError, ValueError) as error:
                raise ValueError("wechat: WECHAT_AES_KEY must be the 43-character "
                                 "EncodingAESKey from the Official Account settings") from error
        if settings.app_id and settings.app_secret:
            self.client = CustomerServiceClient(settings.app_id, settings.app_secret,
                                                settings.api_base_url)
        else:
            log.warning("wechat: WECHAT_APP_ID / WECHAT_APP_SECRET not set: replies that miss "
                        "the %.1f s budget cannot be delivered (they are recorded as failures)",
                        settings.reply_budget_seconds)
        log.info("wechat: channel on (%s mode, reply budget %.1f s, timestamps within %g s)",
                 "safe" if self.crypto else "plain", settings.reply_budget_seconds,
                 settings.timestamp_tolerance_seconds)
        if self.crypto is None:
            log.warning("wechat: plain mode (明文模式, WECHAT_AES_KEY unset) is for testing only: "
                        "the signature does not cover the message; use safe mode in production")

    def get_output_channel(self) -> OutputChannel | None:
        return WeChatOutput(self.client, self.now) if self.settings.enabled else None

    # --- checking what arrives ---

    def _signed(self, request: Request) -> bool:
        try:
            check_signature(self.settings.token, request.args.get("signature", ""),
                            request.args.get("timestamp", ""), request.args.get("nonce", ""))
            return True
        except InvalidSignatureException:
            return False

    def signed_at(self, request: Request) -> datetime | None:
        """When the request says it was signed, if that is within the tolerance of our
        clock either way; None for a timestamp too old, in the future, or not a number."""
        raw = request.args.get("timestamp", "")
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 11:
            return None
        pushed_at = datetime.fromtimestamp(int(raw), timezone.utc)
        skew = (self.now() - pushed_at).total_seconds()
        if abs(skew) > self.settings.timestamp_tolerance_seconds:
            log.warning("wechat: refused a request signed %+.0f s from this server's clock "
                        "(more than %g s either way: a replay, or a clock to set right)",
                        -skew, self.settings.timestamp_tolerance_seconds)
            return None
        return pushed_at

    def _read_body(self, request: Request) -> tuple[int, str, Push | None]:
        """(status, why, push) for a webhook POST: 200 with the push, or the refusal's
        status and reason (for WeChat's servers and the access log, not for owners)."""
        declared = request.headers.get("content-length", "0")
        body = request.body or b""
        if (declared.isdigit() and int(declared) > MAX_BODY_BYTES) or len(body) > MAX_BODY_BYTES:
            return 413, "payload too large", None
        xml: str | bytes
        if self.crypto is None:
            if not self._signed(request):
                return 403, "invalid signature", None
            xml = body
        elif not request.args.get("msg_signature"):
            return 403, "invalid signature", None  # safe mode takes only sealed pushes
        else:
            try:  # checks the signature (over the cipher text too), then decrypts
                xml = self.crypto.decrypt_message(
                    body, request.args.get("msg_signature", ""),
                    request.args.get("timestamp", ""), request.args.get("nonce", ""))
            except (InvalidSignatureException, InvalidAppIdException):
                return 403, "invalid signature", None
            except Exception:  # noqa: BLE001 - anything unreadable in an untrusted body
                return 400, "malformed message", None
        # Signed, so these are WeChat's: now the clock, and the nonce's form.
        pushed_at = self.signed_at(request)
        if pushed_at is None:
            return 403, "timestamp out of range", None
        nonce = request.args.get("nonce", "")
        if not nonce or len(nonce) > MAX_NONCE_CHARS:
            return 403, "invalid nonce", None
        try:
            message = parse_message(xml)
            if message is None:
                raise ValueError("empty body")
            incoming = read_message(message)
        except (ExpatError, KeyError, TypeError, ValueError, AttributeError):
            return 400, "malformed message", None
        # The message as WeChat sealed it (the plain text in safe mode, so a retry that is
        # encrypted afresh is still recognised as the same message).
        digest = hashlib.sha256(xml if isinstance(xml, bytes) else xml.encode()).hexdigest()
        return 200, "", Push(message, incoming, pushed_at, nonce, digest)

    async def _fresh_nonce(self, push: Push) -> bool:
        """False for a replay: the push's (timestamp, nonce) was accepted before with another
        message. The same message again is WeChat's retry, left to the delivery's claim."""
        claim = await asyncio.to_thread(
            store.claim_wechat_nonce, push.pushed_at, push.nonce, push.digest, self.now(),
            self.settings.timestamp_tolerance)
        if claim == "replayed":
            log.warning("wechat: refused a replayed push (timestamp %d, nonce %r already "
                        "carried another message)", push.pushed_at.timestamp(), push.nonce)
            return False
        if claim == "retry":
            log.info("wechat: timestamp %d, nonce %r again with the same message: a retry",
                     push.pushed_at.timestamp(), push.nonce)
        return True

    # --- answering ---

    def _answer(self, message: BaseMessage, text: str, request: Request) -> HTTPResponse:
        """The passive reply: the first part of the text (the rest follows through the
        customer-service API), encrypted in safe mode; "success" when there is nothing."""
        parts = split_for_wechat(text)
        if not parts:
            return response.text(ACKNOWLEDGED)
        if len(parts) > 1:
            self._in_background(self._send(message.source, parts[1:]))
        xml = create_reply(parts[0], message).render()
        if self.crypto is not None:
            xml = self.crypto.encrypt_message(xml, request.args.get("nonce", ""),
                                              request.args.get("timestamp") or None)
        return response.text(xml, content_type="application/xml; charset=utf-8")

    def _in_background(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _send(self, openid: str, parts: list[str]) -> None:
        output = WeChatOutput(self.client, self.now)
        for part in parts:
            await output.send_to_openid(openid, part)

    async def _deliver_later(self, incoming: Incoming, job: asyncio.Future,
                             collector: CollectingOutputChannel) -> None:
        """Rasa outlived the budget: its replies go through the customer-service API."""
        handled = await job
        text = render(collector.messages) if handled else texts.WECHAT_SORRY
        await self._remember_options(incoming.sender, collector.messages)
        await self._finished(incoming)
        await self._send(incoming.sender, split_for_wechat(text))

    @staticmethod
    async def _remember_options(openid: str, messages: list[dict[str, Any]]) -> None:
        """In the database, so the owner's "1" means the same on every replica."""
        offered = [m["buttons"] for m in messages if m.get("buttons")]
        await asyncio.to_thread(store.remember_offered, CHANNEL, openid,
                                offered[-1] if offered else None)

    async def handle(self, incoming: Incoming, deadline: float,
                     on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> str:
        """What to answer in the HTTP reply ("" for "success"). Claims the delivery first:
        a retry of a message being handled or handled already is answered at once and goes
        no further. WeChat retries only when we did not answer within 5 s, which a live
        replica always does (the reply budget); so a claim older than the budget belongs to
        a replica that died, and the retry takes it over."""
        now = self.now()
        claim = await asyncio.to_thread(
            store.claim_delivery, CHANNEL, incoming.external_id, incoming.sender, incoming.kind,
            now, timedelta(seconds=self.settings.reply_budget_seconds))
        if claim != "new":
            log.info("wechat: %s %s", incoming.external_id, claim.replace("_", " "))
            return ""
        if not self.floods.allow(incoming.sender):
            # Too many at once from one owner: answered politely, never reaches the model.
            log.warning("wechat: %s is flooding; %s answered with a pause", incoming.sender,
                        incoming.external_id)
            await self._finished(incoming)
            return texts.TOO_MANY_MESSAGES
        try:
            return await self._handle_claimed(incoming, now, deadline, on_new_message)
        except Exception:
            await asyncio.to_thread(store.release_delivery, CHANNEL, incoming.external_id)
            raise

    async def _finished(self, incoming: Incoming) -> None:
        await asyncio.to_thread(store.finish_delivery, CHANNEL, incoming.external_id,
                                self.now())

    async def _handle_claimed(self, incoming: Incoming, now: datetime, deadline: float,
                              on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> str:
        if incoming.attachment:
            kind, reference = incoming.attachment
            await asyncio.to_thread(store.save_attachment, CHANNEL, incoming.sender, kind,
                                    reference, None, now)
        if not incoming.text:
            await self._finished(incoming)
            return incoming.direct_reply or ""
        offered = await asyncio.to_thread(store.offered_to, CHANNEL, incoming.sender)
        text = _chosen_payload(incoming.text, offered) or incoming.text
        collector = CollectingOutputChannel()
        if incoming.cut:
            await collector.send_text_message(incoming.sender, cut_notice())
        # Rasa's conversation id carries the channel; the store keeps (channel, openid).
        job = asyncio.ensure_future(self._ask_rasa(on_new_message, UserMessage(
            text, collector, conversation_id(CHANNEL, incoming.sender), input_channel=CHANNEL,
            message_id=incoming.external_id,
            metadata={"wechat_id": incoming.external_id, "kind": incoming.kind})))
        remaining = max(0.0, deadline - asyncio.get_running_loop().time())
        try:
            handled = await asyncio.wait_for(asyncio.shield(job), remaining)
        except asyncio.TimeoutError:
            log.info("wechat: Rasa took longer than the budget for %s; replying later",
                     incoming.external_id)
            self._in_background(self._deliver_later(incoming, job, collector))
            # The passive reply tells the owner we are on it; the answer follows.
            return incoming.direct_reply or texts.STILL_WORKING
        await self._remember_options(incoming.sender, collector.messages)
        await self._finished(incoming)
        return render(collector.messages) if handled else texts.WECHAT_SORRY

    @staticmethod
    async def _ask_rasa(on_new_message: Callable[[UserMessage], Awaitable[Any]],
                        message: UserMessage) -> bool:
        try:
            await on_new_message(message)
            return True
        except Exception:  # noqa: BLE001 - the owner hears an apology, the log keeps the cause
            log.exception("wechat: Rasa failed on %s", message.message_id)
            return False

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint("wechat_webhook", __name__)

        def off() -> HTTPResponse:
            return response.text(texts.WECHAT_CHANNEL_OFF, status=503)

        @hook.listener("before_server_stop")
        async def finish_sending(app, loop) -> None:  # type: ignore[no-untyped-def]
            if self._background:
                await asyncio.wait(set(self._background), timeout=SHUTDOWN_GRACE_SECONDS)

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.settings.enabled else "off"})

        @hook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            """Server URL verification: WeChat sends a plain echostr even in safe mode."""
            if not self.settings.enabled:
                return off()
            if not self._signed(request):
                return response.text("invalid signature", status=403)
            if self.signed_at(request) is None:
                return response.text("timestamp out of range", status=403)
            return response.text(request.args.get("echostr", ""))

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.settings.enabled:
                return off()
            deadline = asyncio.get_running_loop().time() + self.settings.reply_budget_seconds
            status, why, push = self._read_body(request)
            if push is None:
                return response.text(why, status=status)
            if not await self._fresh_nonce(push):
                return response.text("replayed nonce", status=403)
            if push.incoming is None:  # an event the assistant does not act on
                return response.text(ACKNOWLEDGED)
            reply = await self.handle(push.incoming, deadline, on_new_message)
            return self._answer(push.message, reply, request)

        return hook
