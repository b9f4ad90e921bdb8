"""Bounds every channel applies to what arrives from outside."""

from __future__ import annotations

from bot import texts

# A webhook body larger than this is refused (413) before it is parsed.
MAX_BODY_BYTES = 256 * 1024
# Text handed to the assistant is cut here; the rest adds nothing a person would not ask again.
MAX_TEXT_CHARS = 2000


def cut_notice() -> str:
    """What an owner whose message was cut is told, on every channel alike."""
    return texts.MESSAGE_CUT.format(limit=MAX_TEXT_CHARS)


def capped(text: str, limit: int = MAX_TEXT_CHARS) -> tuple[str, bool]:
    """The part of an owner's text the assistant reads, and whether anything was cut: work
    per message stays bounded (word segmentation grows faster than the text)."""
    return (text[:limit], True) if len(text) > limit else (text, False)
