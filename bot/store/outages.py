"""Waiting out a short database outage (a restart, a fail-over): the same backoff for
every caller that would rather be late than lose what it was doing."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)
T = TypeVar("T")
FIRST_DELAY = 0.1
LONGEST_DELAY = 1.0


async def outlasting_outage(work: Callable[[], Awaitable[T]], seconds: float,
                            what: str) -> T:
    """`work()`, tried again with a growing pause while the database does not answer;
    the error goes up once `seconds` have passed."""
    deadline = time.monotonic() + seconds
    delay = FIRST_DELAY
    while True:
        try:
            return await work()
        except SQLAlchemyError as error:
            if time.monotonic() + delay > deadline:
                raise
            log.warning("%s: database unavailable (%s); retrying", what,
                        str(error).splitlines()[0])
            await asyncio.sleep(delay)
            delay = min(delay * 2, LONGEST_DELAY)
