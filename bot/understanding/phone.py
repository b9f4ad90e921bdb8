"""The owner's phone number found in free text, normalised for the repair order.

The repairer calls this number, so a wrong one is worse than none: we take only mainland
mobile numbers (11 digits, 13x-19x), written however owners write them (138 0013 8000,
138-0013-8000, +86 / 86 / 0086 prefixes, full-width digits), and refuse digit runs that are
longer or shorter, or that sit inside a ticket or order number. Landlines are read only in
their unambiguous dashed form (010-12345678, 0755-8600123) and only when no mobile is given.
"""

from __future__ import annotations

import re

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uff0d\ufe63\ufe58"
_TRANSLATE = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        **{d: "-" for d in _DASHES},
        "\uff0b": "+",
        "\u3000": " ",
        "\uff08": "(",
        "\uff09": ")",
    }
)

# Nothing alphanumeric (or "X-" of a ticket like BX-...) may touch the number's left side.
_LEFT_EDGE = r"(?<![0-9A-Za-z_+])(?<![0-9A-Za-z]-)"
# Owners group the digits 3-4-4 (138 0013 8000, 138-0013-8000) or not at all.
_MOBILE_RE = re.compile(
    _LEFT_EDGE
    + r"(?:(?:\+\s?|00)?\(?86\)?[\s-]?)?"
    + r"(?P<number>1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4})"
    + r"(?![0-9])(?!-[0-9])(?![A-Za-z])"
)
_LANDLINE_RE = re.compile(
    _LEFT_EDGE + r"(?P<number>0[1-9][0-9]{1,2}-[1-9][0-9]{6,7})(?![0-9])(?!-[0-9])(?![A-Za-z])"
)
_FORM_ANSWER_RE = re.compile(r"(?:\+86|0086|86)?(1[3-9][0-9]{9})")


def find_phone(text: str) -> str | None:
    """Return the first mobile number in `text` as 11 digits, else a dashed landline, else None."""
    if not text:
        return None
    cleaned = text.translate(_TRANSLATE)
    mobile = _MOBILE_RE.search(cleaned)
    if mobile:
        return re.sub(r"[ -]", "", mobile["number"])
    landline = _LANDLINE_RE.search(cleaned)
    return landline["number"] if landline else None


def is_valid_mobile(s: str) -> bool:
    """Whether a form answer is exactly one mobile number (separators and +86 allowed)."""
    if not s:
        return False
    compact = re.sub(r"[\s\-()]", "", s.translate(_TRANSLATE))
    return _FORM_ANSWER_RE.fullmatch(compact) is not None
