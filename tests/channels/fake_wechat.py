"""A fake WeChat API server on localhost: the access token and the customer-service message
API (客服消息), enough for wechatpy's WeChatClient to run for real against it."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.channels.fake_server import ThreadedServer

from tools.stack import free_port

ACCESS_TOKEN = "fake-access-token"
# What WeChat answers outside the 48-hour window or for an unsubscribed owner.
OUT_OF_WINDOW = {"errcode": 45015,
                 "errmsg": "response out of time limit or subscription is canceled"}


@dataclass
class FakeWeChat:
    app_id: str
    app_secret: str
    port: int = field(default_factory=free_port)
    sent: list[dict[str, Any]] = field(default_factory=list)
    token_requests: int = 0
    # The next N customer-service sends are refused with this answer.
    fail_next: int = 0
    failure: dict[str, Any] = field(default_factory=lambda: dict(OUT_OF_WINDOW))

    @property
    def base_url(self) -> str:
        """What WECHAT_API_BASE_URL is set to (wechatpy's default is .../cgi-bin/)."""
        return f"http://127.0.0.1:{self.port}/cgi-bin/"

    async def _token(self, request: web.Request) -> web.Response:
        self.token_requests += 1
        query = request.query
        if (query.get("grant_type"), query.get("appid"), query.get("secret")) != (
                "client_credential", self.app_id, self.app_secret):
            return web.json_response({"errcode": 40125, "errmsg": "invalid appsecret"})
        return web.json_response({"access_token": ACCESS_TOKEN, "expires_in": 7200})

    async def _custom_send(self, request: web.Request) -> web.Response:
        if request.query.get("access_token") != ACCESS_TOKEN:
            return web.json_response({"errcode": 40014, "errmsg": "invalid access_token"})
        body = await request.json()
        if self.fail_next > 0:
            self.fail_next -= 1
            return web.json_response(self.failure)
        self.sent.append(body)
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    def texts_to(self, openid: str) -> list[str]:
        return [m["text"]["content"] for m in self.sent
                if m.get("touser") == openid and m.get("msgtype") == "text"]

    def wait_for_texts(self, openid: str, count: int = 1, seconds: float = 60) -> list[str]:
        """The texts sent to this owner once there are at least `count` (a generous deadline:
        the replies travel asynchronously)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = self.texts_to(openid)
            if len(found) >= count:
                return found
            time.sleep(0.1)
        return self.texts_to(openid)

    def start(self) -> None:
        app = web.Application()
        app.router.add_get("/cgi-bin/token", self._token)
        app.router.add_post("/cgi-bin/message/custom/send", self._custom_send)
        self._server = ThreadedServer(app, self.port, "WeChat")
        self._server.start()

    def stop(self) -> None:
        self._server.stop()
