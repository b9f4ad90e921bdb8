"""Readable ticket numbers: a category prefix, the day, and the day's sequence number."""

from __future__ import annotations

import re
from datetime import datetime

from bot.tickets.clocks import CENTRE_TZ

PREFIXES: dict[str, str] = {
    "repair": "BX",  # 报修
    "complaint": "TS",  # 投诉
    "suggestion": "JY",  # 建议
    "inquiry": "ZX",  # 咨询
}
# Chinese characters count as word characters, so \b would miss "单号BX-...": use lookarounds.
NUMBER_PATTERN = re.compile(
    r"(?<![A-Za-z0-9])(BX|TS|JY|ZX)\s*[-_ ]?\s*(\d{8})\s*[-_ ]?\s*(\d{4})(?![0-9])", re.IGNORECASE
)
# Owners paste numbers with every kind of dash and full-width letters and digits.
WIDE_CHARACTERS = str.maketrans(
    {**{chr(0xFF10 + i): str(i) for i in range(10)},
     **{chr(0xFF21 + i): chr(ord("A") + i) for i in range(26)},
     **{chr(0xFF41 + i): chr(ord("a") + i) for i in range(26)},
     **{dash: "-" for dash in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uff0d\ufe63\uff3f"},
     "\u3000": " "}
)


def day_of(moment: datetime) -> str:
    """The centre's calendar day: numbering restarts at local midnight, not UTC's."""
    return moment.astimezone(CENTRE_TZ).strftime("%Y%m%d")


def format_number(prefix: str, day: str, sequence: int) -> str:
    return f"{prefix}-{day}-{sequence:04d}"


def find_number(text: str) -> str | None:
    """A ticket number an owner typed, in canonical form (bx20261122 0007 → BX-20261122-0007)."""
    match = NUMBER_PATTERN.search(text.translate(WIDE_CHARACTERS))
    if not match:
        return None
    prefix, day, sequence = match.groups()
    return format_number(prefix.upper(), day, int(sequence))
