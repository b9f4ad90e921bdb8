"""Top complaint themes: the words owners' complaints share, each counted once per complaint.

A complaint is cut with jieba and the centre's vocabulary (data/jieba, as Rasa's tokenizer
uses it); only Chinese words of two or more characters that say what the complaint is about
remain. Counting a word once per complaint makes the number read "how many complaints
mention it", which one long, repetitive complaint cannot inflate.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import jieba

from bot.knowledge.retrieval import STOPWORDS

VOCABULARY = Path(__file__).resolve().parents[2] / "data" / "jieba" / "property_terms.txt"
# Words a complaint uses about itself (how bad, how often, when), not about its matter, and
# the knowledge base's words that carry no topic.
IGNORED = frozenset(
    "投诉 反映 物业 物业公司 严重 影响 一直 经常 总是 老是 每天 天天 每天晚上 晚上 白天 早上 "
    "半夜 多次 好几次 好几天 非常 特别 实在 根本 很差 不修 没人 没人管 不管 处理 解决".split()
) | STOPWORDS
_CHINESE_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")


@lru_cache(maxsize=1)
def _tokenizer() -> jieba.Tokenizer:
    """Our own segmenter, so the report adds nothing to jieba's shared dictionary."""
    tokenizer = jieba.Tokenizer()
    tokenizer.load_userdict(str(VOCABULARY))
    return tokenizer


def _theme_words(text: str) -> set[str]:
    return {word for word in _tokenizer().lcut(text)
            if _CHINESE_WORD.fullmatch(word) and word not in IGNORED}


def top_themes(descriptions: Iterable[str], top: int = 10) -> list[tuple[str, int]]:
    """(word, complaints mentioning it), most first; ties in a fixed order."""
    mentions = Counter(word for text in descriptions for word in _theme_words(text))
    return sorted(mentions.items(), key=lambda item: (-item[1], item[0]))[:top]
