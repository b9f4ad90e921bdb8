"""Messages with nothing, or no words, in them.

Owners' apps send these: a bare space or newline, a full-width space (　), a zero-width space
or byte-order mark pasted along; or a lone "。" or "..." sent by a slip of the thumb. Rasa's
featurizers find no words in them; on its own, the intent classifier then either fails
(whitespace: no features at all, so no answer) or guesses from its priors alone ("。" came
out as `affirm`, which confirms a ticket). The NLU pipeline (bot/nlu/rule_overrides.py)
therefore:

- names a blank message (says_nothing) `empty_message`, and the dialogue asks the owner
  to write their question;
- leaves a message of punctuation only (has_no_words) without a guess, so it is unclear
  (nlu_fallback) and the owner is asked to say it another way, as for any message the
  assistant does not understand.

Emoji and other symbols are words here: 👍 and 👌 are how many owners say yes.
"""

from __future__ import annotations

import unicodedata

# Set by the NLU pipeline, never learned: no training examples on purpose.
EMPTY_MESSAGE_INTENT = "empty_message"

# Unicode categories of characters nobody reads: separators (spaces, line and paragraph
# separators), control characters (\n, \t) and format characters (zero-width space,
# byte-order mark, direction marks).
_BLANK = ("Z", "Cc", "Cf")
_PUNCTUATION = ("P",)


def says_nothing(text: str | None) -> bool:
    """True for a blank message: empty, whitespace of any kind or invisible characters."""
    return _only(text, _BLANK)


def has_no_words(text: str | None) -> bool:
    """True when the message holds no letter, digit or symbol: blank, or punctuation
    ("。", "...", "？？") with at most blanks around it."""
    return _only(text, _BLANK + _PUNCTUATION)


def _only(text: str | None, categories: tuple[str, ...]) -> bool:
    return all(unicodedata.category(char).startswith(categories) for char in text or "")
