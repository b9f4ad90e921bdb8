"""How many messages one sender (or one address) may send in a while before being asked to
slow down. Counted in the process: the router keeps one sender on one replica, and a flood is
answered politely by the channel without reaching the language model, so other owners do
not wait behind it."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

# An owner typing fast sends a few messages a minute; these leave room for that.
PER_SENDER = (20, 60.0)    # messages per sender per minute
PER_ADDRESS = (60, 60.0)   # web chat messages per client address per minute


@dataclass
class FloodGuard:
    limit: int
    per_seconds: float
    clock: Callable[[], float] = time.monotonic
    _seen: defaultdict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))

    def allow(self, key: str) -> bool:
        """Count one message for `key`; False once it is over its limit."""
        now = self.clock()
        seen = self._seen[key]
        while seen and seen[0] <= now - self.per_seconds:
            seen.popleft()
        if len(seen) >= self.limit:
            return False
        seen.append(now)
        if len(self._seen) > 10_000:
            self._forget_quiet(now)
        return True

    def _forget_quiet(self, now: float) -> None:
        for key in [k for k, v in self._seen.items() if not v or v[-1] <= now - self.per_seconds]:
            del self._seen[key]


def per_sender(clock: Callable[[], float] = time.monotonic) -> FloodGuard:
    return FloodGuard(*PER_SENDER, clock=clock)


def per_address(clock: Callable[[], float] = time.monotonic) -> FloodGuard:
    return FloodGuard(*PER_ADDRESS, clock=clock)
