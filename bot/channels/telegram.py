"""Telegram as a Rasa channel, on python-telegram-bot's Bot API objects.

Two ways in, one handling: a webhook at /webhooks/telegram/webhook (checked against
TELEGRAM_WEBHOOK_SECRET), or long polling for centres without a public HTTPS address (when
TELEGRAM_BOT_TOKEN is set and TELEGRAM_WEBHOOK_URL is not). Every update is claimed once in
the database (a redelivered update_id is ignored, across processes too), one chat's updates
are handled one at a time, and replies respect Telegram's rate limits and its 429 answers.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import os
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from sqlalchemy.exc import SQLAlchemyError
from telegram.error import RetryAfter, TelegramError

from bot import store, texts
from bot.channels.floods import FloodGuard, per_sender
from bot.channels.limits import MAX_BODY_BYTES, capped, cut_notice
from bot.identity import conversation_id, recipient
from bot.private_files import write_private
from bot.channels.ratelimit import RateLimiter
from bot.store.outages import outlasting_outage

T = TypeVar("T")

log = logging.getLogger(__name__)
CHANNEL = "telegram"
DEFAULT_ATTACHMENTS_DIR = Path(__file__).resolve().parents[2] / "var" / "attachments"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SEND_ATTEMPTS = 4
POLL_TIMEOUT_SECONDS = 25
SUFFIXES = {"photo": ".jpg", "voice": ".ogg"}


@dataclass(frozen=True)
class TelegramSettings:
    token: str | None
    webhook_url: str | None
    webhook_secret: str | None
    api_base_url: str
    attachments_dir: Path
    # How long a claimed update may stay unfinished before a retry takes it over (its
    # process presumably died): TELEGRAM_CLAIM_LEASE_SECONDS.
    claim_lease: timedelta = timedelta(seconds=30)
    # After how many seconds of waiting the owner is told we are on it, and how long a
    # database outage is waited out: TELEGRAM_APOLOGY_SECONDS, TELEGRAM_DATABASE_WAIT_SECONDS.
    apology_after: float = 5.0
    database_wait: float = 30.0

    @classmethod
    def from_env(cls) -> "TelegramSettings":
        return cls(
            token=os.environ.get("TELEGRAM_BOT_TOKEN") or None,
            webhook_url=os.environ.get("TELEGRAM_WEBHOOK_URL") or None,
            webhook_secret=os.environ.get("TELEGRAM_WEBHOOK_SECRET") or None,
            api_base_url=os.environ.get("TELEGRAM_API_BASE_URL", "https://api.telegram.org"),
            attachments_dir=Path(os.environ.get("ATTACHMENTS_DIR", DEFAULT_ATTACHMENTS_DIR)),
            claim_lease=timedelta(seconds=float(os.environ.get("TELEGRAM_CLAIM_LEASE_SECONDS", "30"))),
            apology_after=float(os.environ.get("TELEGRAM_APOLOGY_SECONDS", "5")),
            database_wait=float(os.environ.get("TELEGRAM_DATABASE_WAIT_SECONDS", "30")),
        )

    @property
    def polling(self) -> bool:
        return bool(self.token) and not self.webhook_url


def _retry_seconds(error: RetryAfter) -> float:
    value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramOutput(OutputChannel):
    """Sends the assistant's replies; a reply that cannot be delivered is recorded."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    def __init__(self, bot: Bot, limiter: RateLimiter) -> None:
        self.bot = bot
        self.limiter = limiter

    async def _send(self, chat_id: str, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        for attempt in range(1, SEND_ATTEMPTS + 1):
            await self.limiter.wait(chat_id)
            try:
                await self.bot.send_message(chat_id=chat_id, text=text, reply_markup=markup)
                return
            except RetryAfter as error:
                if attempt == SEND_ATTEMPTS:
                    failure = f"RetryAfter after {attempt} attempts: {error}"
                    break
                await asyncio.sleep(_retry_seconds(error))
            except TelegramError as error:
                failure = f"{type(error).__name__}: {error}"
                break
        log.error("telegram: could not deliver to %s: %s", chat_id, failure)
        await asyncio.to_thread(store.record_outbound_failure, CHANNEL, chat_id, text, failure,
                                datetime.now(timezone.utc))

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for part in text.strip().split("\n\n"):
            if part:
                await self._send(recipient(recipient_id, CHANNEL), part)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        markup = InlineKeyboardMarkup(
            [[InlineKeyboardButton(b["title"], callback_data=b["payload"][:64])] for b in buttons]
        )
        await self._send(recipient(recipient_id, CHANNEL), text, markup)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self._send(recipient(recipient_id, CHANNEL), image)


@dataclass(frozen=True)
class Incoming:
    """What an update means for the assistant: text for Rasa, or a direct answer."""

    chat_id: str
    kind: str
    text: str | None = None  # forwarded to Rasa
    direct_reply: str | None = None  # answered without Rasa
    attachment: tuple[str, str] | None = None  # (kind, reference) kept for the ticket
    callback_id: str | None = None


def read_update(update: Update) -> Incoming | None:
    """None for updates the assistant does not handle (edits, channel posts ...)."""
    if update.callback_query is not None:
        query = update.callback_query
        if query.message is None or query.data is None:
            return None
        return Incoming(str(query.message.chat.id), "button", text=query.data,
                        callback_id=query.id)
    message = update.message
    if message is None:
        return None
    chat_id = str(message.chat.id)
    if message.text:
        text, cut = capped(message.text)
        return Incoming(chat_id, "text", text=text, direct_reply=cut_notice() if cut else None)
    if message.photo:
        largest = max(message.photo, key=lambda size: size.width * size.height)
        caption, cut = capped(message.caption or "")
        if cut:
            reply: str | None = cut_notice()
        else:
            reply = None if caption else texts.PHOTO_RECEIVED
        return Incoming(chat_id, "photo", text=caption or None, direct_reply=reply,
                        attachment=("photo", largest.file_id))
    if message.voice:
        return Incoming(chat_id, "voice", direct_reply=texts.VOICE_ASK_TO_TYPE,
                        attachment=("voice", message.voice.file_id))
    if message.location:
        where = f"{message.location.latitude},{message.location.longitude}"
        return Incoming(chat_id, "location", direct_reply=texts.LOCATION_RECEIVED,
                        attachment=("location", where))
    if message.contact:
        return Incoming(chat_id, "contact", text=message.contact.phone_number)
    return Incoming(chat_id, "other", direct_reply=texts.UNSUPPORTED_MESSAGE)


class TelegramInput(InputChannel):
    """Registered in credentials.yml; configured only by environment variables."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> "TelegramInput":
        return cls(TelegramSettings.from_env())

    def __init__(self, settings: TelegramSettings) -> None:
        self.settings = settings
        self.bot: Bot | None = None
        if settings.token:
            base = settings.api_base_url.rstrip("/")
            self.bot = Bot(settings.token, base_url=f"{base}/bot",
                           base_file_url=f"{base}/file/bot")
        else:
            log.warning("telegram: channel off (set TELEGRAM_BOT_TOKEN to enable it)")
        self.limiter = RateLimiter()
        self._chat_locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self.floods: FloodGuard = per_sender()
        self._poller: asyncio.Task | None = None

    def get_output_channel(self) -> OutputChannel | None:
        """Lets Rasa's API send to an owner on Telegram (an agent's reply, a callback)."""
        return TelegramOutput(self.bot, self.limiter) if self.bot else None

    async def handle(self, update: Update,
                     on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> str:
        """Claim the update once, then let one chat's messages pass one at a time.

        Returns the claim: "new" (handled now), "handled" (a replay), or "in_progress"
        (another replica has it: the webhook asks Telegram to retry later, and if that
        replica died the retry takes the update over once its lease has run out).

        However long it takes (a database restart makes everything wait), the owner is told
        after TELEGRAM_APOLOGY_SECONDS that we are on it; if it fails outright they hear so,
        the claim is given up and the error goes up (webhook: 500, so Telegram delivers the
        update again; polling: asked for again), so the message is not lost."""
        assert self.bot is not None
        incoming = read_update(update)
        if incoming is None:
            return "handled"
        output = TelegramOutput(self.bot, self.limiter)
        if not self.floods.allow(incoming.chat_id):
            # Too many at once from one chat: answered politely, never reaches the model,
            # so the other owners do not wait behind it.
            log.warning("telegram: chat %s is flooding; update %s answered with a pause",
                        incoming.chat_id, update.update_id)
            await output.send_text_message(incoming.chat_id, texts.TOO_MANY_MESSAGES)
            return "handled"
        work = asyncio.ensure_future(self._claim_and_handle(update, incoming, on_new_message))
        try:
            return await asyncio.wait_for(asyncio.shield(work), self.settings.apology_after)
        except asyncio.TimeoutError:
            await output.send_text_message(incoming.chat_id, texts.STILL_WORKING)
        except Exception:
            await output.send_text_message(incoming.chat_id, texts.TRY_AGAIN_SHORTLY)
            raise
        try:
            return await work
        except Exception:
            await output.send_text_message(incoming.chat_id, texts.TRY_AGAIN_SHORTLY)
            raise

    async def _database(self, work: Callable[..., T], *args: Any) -> T:
        """A store call off the event loop, waiting out a short database outage."""
        return await outlasting_outage(lambda: asyncio.to_thread(work, *args),
                                       self.settings.database_wait, "telegram")

    async def _claim_and_handle(self, update: Update, incoming: "Incoming",
                                on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> str:
        now = datetime.now(timezone.utc)
        key = str(update.update_id)
        claim = await self._database(store.claim_delivery, CHANNEL, key, incoming.chat_id,
                                     incoming.kind, now, self.settings.claim_lease)
        if claim != "new":
            log.info("telegram: update %s %s", update.update_id, claim.replace("_", " "))
            return claim
        try:
            await self._handle_claimed(update, incoming, now, on_new_message)
        except Exception:
            try:
                await self._database(store.release_delivery, CHANNEL, key)
            except SQLAlchemyError:
                pass  # the claim's lease runs out instead
            raise
        await self._database(store.finish_delivery, CHANNEL, key, datetime.now(timezone.utc))
        return claim

    async def _handle_claimed(self, update: Update, incoming: "Incoming", now: datetime,
                              on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        assert self.bot is not None
        output = TelegramOutput(self.bot, self.limiter)
        async with self._chat_locks[incoming.chat_id]:
            if incoming.callback_id:
                try:
                    await self.bot.answer_callback_query(incoming.callback_id)
                except TelegramError:
                    log.warning("telegram: could not acknowledge a button press")
            if incoming.attachment:
                kind, reference = incoming.attachment
                path = await self._download(kind, reference)
                await self._database(store.save_attachment, CHANNEL, incoming.chat_id, kind,
                                     reference, path, now)
            if incoming.direct_reply:
                await output.send_text_message(incoming.chat_id, incoming.direct_reply)
            if incoming.text:
                await on_new_message(UserMessage(
                    incoming.text, output, conversation_id(CHANNEL, incoming.chat_id),
                    input_channel=CHANNEL,
                    metadata={"update_id": update.update_id, "kind": incoming.kind},
                ))

    async def _download(self, kind: str, file_id: str) -> str | None:
        """Keep a copy of a photo or voice message: Telegram's file links expire. A failed
        download keeps the file id, from which it can be fetched again later."""
        suffix = SUFFIXES.get(kind)
        if suffix is None or self.bot is None:
            return None
        try:
            file = await self.bot.get_file(file_id)
            target = self.settings.attachments_dir / CHANNEL / f"{file.file_unique_id}{suffix}"
            content = bytes(await file.download_as_bytearray())
            # Owners' photos: readable by the service's user only, from the first byte.
            return str(await asyncio.to_thread(write_private, target, content))
        except (TelegramError, OSError) as error:
            log.warning("telegram: could not download %s %s: %s", kind, file_id, error)
            return None

    async def _poll(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        """Long polling: ask Telegram for updates after the last one handled."""
        assert self.bot is not None
        offset: int | None = None
        while True:
            try:
                updates = await self.bot.get_updates(offset=offset, timeout=POLL_TIMEOUT_SECONDS)
            except RetryAfter as error:
                await asyncio.sleep(_retry_seconds(error))
                continue
            except TelegramError as error:
                log.warning("telegram: polling failed (%s); retrying in 5 s", error)
                await asyncio.sleep(5)
                continue
            for update in updates:
                try:
                    await self.handle(update, on_new_message)
                except Exception:  # noqa: BLE001 - a failure must not stop polling
                    log.exception("telegram: update %s failed; asking again in 5 s",
                                  update.update_id)
                    await asyncio.sleep(5)
                    break  # offset stays: the failed update comes back with the next poll
                offset = update.update_id + 1

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint("telegram_webhook", __name__)

        @hook.listener("after_server_start")
        async def start(app, loop) -> None:  # type: ignore[no-untyped-def]
            if self.bot is None:
                return
            await self.bot.initialize()
            if self.settings.polling:
                await self.bot.delete_webhook()
                self._poller = loop.create_task(self._poll(on_new_message))
                log.info("telegram: polling for updates")
            elif self.settings.webhook_url:
                await self.bot.set_webhook(self.settings.webhook_url,
                                           secret_token=self.settings.webhook_secret)
                log.info("telegram: webhook set to %s", self.settings.webhook_url)

        @hook.listener("before_server_stop")
        async def stop(app, loop) -> None:  # type: ignore[no-untyped-def]
            if self._poller:
                self._poller.cancel()

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.bot else "off"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if self.bot is None:
                return response.text(texts.CHANNEL_OFF, status=503)
            secret = self.settings.webhook_secret
            given = request.headers.get(SECRET_HEADER, "")
            if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
                return response.text("forbidden", status=403)
            if len(request.body or b"") > MAX_BODY_BYTES:
                return response.text("payload too large", status=413)
            try:
                data = json.loads(request.body)
                if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                    raise ValueError("no update_id")
                update = Update.de_json(data, self.bot)
                if update is None:
                    raise ValueError("empty update")
                read_update(update)
            except Exception as error:  # noqa: BLE001 - any shape Telegram never sends
                # Signed, so from whoever holds the secret: worth a line in the log.
                log.warning("telegram: refused a malformed update (%s: %s): %.200r",
                            type(error).__name__, error, request.body)
                return response.text("malformed update", status=400)
            if await self.handle(update, on_new_message) == "in_progress":
                # Not "ok": Telegram keeps the update and delivers it again later.
                return response.text("being handled; retry later", status=503)
            return response.text("ok")

        return hook
