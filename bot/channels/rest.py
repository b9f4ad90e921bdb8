"""Two channels that answer in the HTTP reply itself: local REST, and the web chat's.

Rasa's own REST channel takes `sender` and `input_channel` from the request body, so anyone
who can post to it can write as any owner on any channel. Here the server decides:

- ``rest`` (/webhooks/rest/webhook): for scripts, `make bench` and trusted front ends on the
  same host, without credentials (the router and nginx keep it off the public side); every
  conversation it opens is ``rest:<sender>``, a namespace of its own.
- ``web`` (/webhooks/web/webhook): only the web chat server calls it, with an admin JWT, on
  behalf of the browser session it issued; its conversations are ``web:<session>``.

Both read at most MAX_TEXT_CHARS of a message and say so when they cut one.
"""

from __future__ import annotations

import json
import logging
import unicodedata
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.limits import MAX_BODY_BYTES, capped, cut_notice
from bot.deploy import credentials
from bot.identity import REST, WEB, conversation_id

log = logging.getLogger(__name__)
MAX_SENDER_CHARS = 128


def clean_sender(value: object) -> str | None:
    """A sender id as a channel may name it: 1-128 printable characters, else None."""
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        return None
    sender = str(value).strip()
    if not sender or len(sender) > MAX_SENDER_CHARS:
        return None
    if any(unicodedata.category(ch).startswith("C") for ch in sender):
        return None
    return sender


class _AnsweringInput(InputChannel):
    """Reads one owner message per request and returns the assistant's replies as JSON."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> "_AnsweringInput":
        return cls()

    def authorised(self, request: Request) -> bool:
        return True

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint(f"{self.name()}_answering", __name__)

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.authorised(request):
                return response.json({"error": "not authenticated"}, status=401)
            if len(request.body or b"") > MAX_BODY_BYTES:
                return response.json({"error": "payload too large"}, status=413)
            try:
                body = json.loads(request.body or b"")
            except (ValueError, UnicodeDecodeError):
                return response.json({"error": "body must be JSON"}, status=400)
            if not isinstance(body, dict):
                return response.json({"error": "body must be a JSON object"}, status=400)
            sender = clean_sender(body.get("sender"))
            message = body.get("message")
            if sender is None or not isinstance(message, (str, type(None))):
                return response.json({"error": "sender and message are required"}, status=400)
            text, cut = capped(message or "")
            conversation = conversation_id(self.name(), sender)
            collector = CollectingOutputChannel()
            if cut:
                await collector.send_text_message(conversation, cut_notice())
            try:
                await on_new_message(UserMessage(text, collector, conversation,
                                                 input_channel=self.name(),
                                                 metadata={"cut": cut} if cut else None))
            except Exception:  # noqa: BLE001 - the owner gets what was said so far
                log.exception("%s: message from %s failed", self.name(), conversation)
            return response.json(collector.messages)

        return hook


class LocalRestInput(_AnsweringInput):
    """Registered in credentials.yml in place of Rasa's `rest`."""

    @classmethod
    def name(cls) -> str:
        return REST


class WebChatInput(_AnsweringInput):
    """The web chat server's way in: it proves itself with an admin JWT."""

    @classmethod
    def name(cls) -> str:
        return WEB

    def authorised(self, request: Request) -> bool:
        return credentials.is_admin(request.headers.get("Authorization"))
