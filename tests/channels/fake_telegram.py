"""A fake Telegram Bot API server on localhost: enough of the API for python-telegram-bot to
run for real against it (getMe, sendMessage, answerCallbackQuery, webhooks, getUpdates)."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.channels.fake_server import ThreadedServer

from tools.stack import free_port

BOT_USER = {"id": 1000, "is_bot": True, "first_name": "物业客服", "username": "centre_bot"}


@dataclass
class FakeTelegram:
    token: str
    port: int = field(default_factory=free_port)
    sent: list[dict[str, Any]] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    pending_updates: list[dict[str, Any]] = field(default_factory=list)
    # The next N sendMessage calls answer 429 with this retry_after.
    throttle_next: int = 0
    retry_after: int = 1
    # Contents of the files owners "sent", by file id (served at /file/bot<token>/<path>).
    files: dict[str, bytes] = field(default_factory=dict)
    # The next N sendMessage calls are refused outright (as for a chat that blocked the bot).
    refuse_next: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            return await request.json()
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            try:
                params[key] = json.loads(value)  # ptb sends JSON-encoded field values
            except (TypeError, ValueError):
                params[key] = value
        return params

    async def _method(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401,
                                      "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        params = await self._params(request)
        self.calls.append(method)
        if method == "getMe":
            return web.json_response({"ok": True, "result": BOT_USER})
        if method == "sendMessage":
            if self.throttle_next > 0:
                self.throttle_next -= 1
                return web.json_response(
                    {"ok": False, "error_code": 429,
                     "description": f"Too Many Requests: retry after {self.retry_after}",
                     "parameters": {"retry_after": self.retry_after}}, status=429)
            if self.refuse_next > 0:
                self.refuse_next -= 1
                return web.json_response({"ok": False, "error_code": 403,
                                          "description": "Forbidden: bot was blocked by the user"},
                                         status=403)
            self.sent.append(params)
            chat_id = params["chat_id"]
            return web.json_response({"ok": True, "result": {
                "message_id": len(self.sent), "date": int(time.time()),
                "chat": {"id": int(chat_id), "type": "private"}, "from": BOT_USER,
                "text": params.get("text", "")}})
        if method == "getUpdates":
            await asyncio.sleep(0.2)
            updates, self.pending_updates = self.pending_updates, []
            return web.json_response({"ok": True, "result": updates})
        if method == "getFile":
            file_id = params["file_id"]
            return web.json_response({"ok": True, "result": {
                "file_id": file_id, "file_unique_id": f"u-{file_id}",
                "file_size": len(self.files.get(file_id, b"")), "file_path": f"photos/{file_id}.jpg"}})
        if method in ("answerCallbackQuery", "setWebhook", "deleteWebhook"):
            return web.json_response({"ok": True, "result": True})
        return web.json_response({"ok": False, "error_code": 404,
                                  "description": f"Not Found: {method}"}, status=404)

    async def _file(self, request: web.Request) -> web.Response:
        file_id = request.match_info["path"].rsplit("/", 1)[-1].removesuffix(".jpg")
        if request.match_info["token"] != self.token or file_id not in self.files:
            return web.Response(status=404)
        return web.Response(body=self.files[file_id], content_type="image/jpeg")

    def texts_to(self, chat_id: int | str) -> list[str]:
        return [m.get("text", "") for m in self.sent if str(m["chat_id"]) == str(chat_id)]

    def start(self) -> None:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._method)
        app.router.add_get("/bot{token}/{method}", self._method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        self._server = ThreadedServer(app, self.port, "Telegram")
        self._server.start()

    def stop(self) -> None:
        self._server.stop()
