"""Spacing outgoing messages to what a platform allows, per chat and overall."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict


class RateLimiter:
    """At most one message per `per_chat` seconds to one chat and `overall` messages a
    second in all (Telegram: about 1/s per chat, 30/s per bot). Waiting, not dropping."""

    def __init__(self, per_chat: float = 1.0, overall: float = 30.0) -> None:
        self.per_chat = per_chat
        self.gap = 1.0 / overall
        self._next_for_chat: dict[str, float] = defaultdict(float)
        self._next_any = 0.0
        self._lock = asyncio.Lock()

    async def wait(self, chat: str) -> None:
        async with self._lock:
            now = time.monotonic()
            start = max(now, self._next_for_chat[chat], self._next_any)
            self._next_for_chat[chat] = start + self.per_chat
            self._next_any = start + self.gap
        delay = start - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
