"""Messages with nothing, or no words, in them (bot/understanding/empty.py)."""

from __future__ import annotations

import pytest

from bot.understanding.empty import has_no_words, says_nothing

BLANK = [None, "", " ", "   ", "\n", "\r\n", "\t", "\u3000", "\u00a0", "\u200b", "\ufeff",
         "\u200b\u200c\u200d\u2060", "\u2028\u2029", " \u3000\n\u200b "]
PUNCTUATION_ONLY = ["。", "...", "？？", "!", "，。、", " \u3000。 ", "……"]
WORDS = ["好", "a", "1", "？漏水", "👍", "👌", "😀", "~", "+", "5栋", " 对 ", "\u200b修"]


@pytest.mark.parametrize("text", BLANK)
def test_blank(text: str | None) -> None:
    assert says_nothing(text) and has_no_words(text)


@pytest.mark.parametrize("text", PUNCTUATION_ONLY)
def test_punctuation_is_no_words_but_not_blank(text: str) -> None:
    assert has_no_words(text) and not says_nothing(text)


@pytest.mark.parametrize("text", WORDS)
def test_something_to_read(text: str) -> None:
    assert not has_no_words(text) and not says_nothing(text)
