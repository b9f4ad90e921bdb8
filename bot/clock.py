"""The centre's clock: what time the assistant believes it is.

Normally the real time. `CENTRE_CLOCK_AT` (an ISO 8601 moment, e.g. 2026-12-03T10:00+08:00)
starts the clock at that moment when the process starts, and it runs on from there: the
blind corpus's conversations are written for a reference moment, and `make eval` replays
them at it on any day. Never set in production.
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

CENTRE_TZ = ZoneInfo("Asia/Shanghai")
_started = time.monotonic()


def _configured_start() -> datetime | None:
    value = os.environ.get("CENTRE_CLOCK_AT", "").strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise ValueError(f"CENTRE_CLOCK_AT 必须是 ISO 8601 时间（例如 2026-12-03T10:00+08:00），"
                         f"当前为「{value}」。") from error
    if moment.tzinfo is None:
        raise ValueError(f"CENTRE_CLOCK_AT 需要带时区（例如 +08:00），当前为「{value}」。")
    return moment


_START = _configured_start()


def now() -> datetime:
    """The current moment in the centre's time zone."""
    if _START is None:
        return datetime.now(CENTRE_TZ)
    return (_START + timedelta(seconds=time.monotonic() - _started)).astimezone(CENTRE_TZ)
