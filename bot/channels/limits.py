"""Bounds every channel applies to what arrives from outside."""

from __future__ import annotations

# A webhook body larger than this is refused (413) before it is parsed.
MAX_BODY_BYTES = 256 * 1024
# Text handed to the assistant is cut here; the rest adds nothing a person would not ask again.
MAX_TEXT_CHARS = 4000
