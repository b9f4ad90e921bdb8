"""Chinese and Arabic numerals as owners write them, turned into integers.

Owners mix 五号楼, 5号楼, 十二层, 两点, 1百; every normaliser in this room needs the same
conversion, so it lives here once, on top of cn2an (a maintained converter).
"""

from __future__ import annotations

import re

import cn2an

# Characters that may appear in a number an owner writes: Arabic and full-width digits,
# Chinese digits and units, and the colloquial 两 / 俩 / 〇.
NUMBER_CHARS = "0-9０-９零〇一二两俩三四五六七八九十百千万壹贰叁肆伍陆柒捌玖拾佰仟"
NUMBER_PATTERN = f"[{NUMBER_CHARS}]+"

_FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
_COLLOQUIAL = str.maketrans({"俩": "两", "〇": "零"})
_NUMBER_RE = re.compile(NUMBER_PATTERN)


def to_int(text: str) -> int | None:
    """Return the integer a numeral spells (二十一 → 21, 五零一 → 501, 12 → 12), else None.

    None rather than an exception: callers treat an unreadable number like a missing one
    and ask the owner again.
    """
    cleaned = text.strip().translate(_FULL_WIDTH).translate(_COLLOQUIAL)
    if not cleaned or not _NUMBER_RE.fullmatch(cleaned):
        return None
    if cleaned.isdigit():
        return int(cleaned)
    try:
        value = cn2an.cn2an(cleaned, "smart")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    return int(value) if value >= 0 else None
