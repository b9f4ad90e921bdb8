"""Finding the entry that answers an owner's question: jieba-aware BM25 (rank-bm25).

Owners' words are first mapped to one spelling per synonym group (保证金 → 押金), then cut
by jieba; question words that say *what about* the matter is asked (多久, 带什么, 多少钱)
are kept apart, because they choose the part of the answer, not the entry.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cached_property

import jieba
from rank_bm25 import BM25Okapi

from bot.knowledge.entries import Entry

# Words that carry no topic. Aspect words are listed in compose.ASPECTS and removed too.
STOPWORDS = frozenset(
    "的 了 吗 呢 吧 啊 呀 哦 哈 嘛 么 我 我们 你 你们 您 他 她 它 要 是 有 在 能 会 可以 可不可以 "
    "能不能 请问 问 问一下 一下 想 想问 知道 这个 那个 这 那 就 还 都 也 和 跟 与 及 把 被 给 让 "
    "怎么 怎么样 怎样 如何 什么 啥 咋 哪些 多少 几 吗? 呢? 一个 个 下 过 着 得 地 "
    "小区 业主 请 麻烦 谢谢 你好 您好 需要 需不需要 应该 该 一般 具体 相关 办理 办 "
    "问题 情况 事 事情 现在 时候 已经 如果 的话 之后 以后 然后 因为 所以 但是 不过 还是 或者 "
    "那 那要 那么 那就 那我 用 弄 搞 能否 是否 呢? 是不是 行不行 要不要 能不能够 干嘛 干啥 东西 "
    "大概 大约 差不多 得 多 还要 还有 一样 吗? 呗 哎 诶 嗯 喂 好的 好 行 对 不 没 没有 有没有 "
    "可否 咱 咱们 俺 人家 自己 家 家里 我家 一般来说 到底 究竟 是否 应当 必须 一定 得要 "
    "今天 明天 后天 当天 下礼拜 礼拜 下周 下个月 这个月 过去 进来 进去 这边 那边 先 后 再 "
    "哪 哪几项 几项 看看 看 到 不行 上 有人 些 说 要说 一次 准备 打算 想要 给 能给 让我 帮 帮忙".split()
)
jieba.setLogLevel(logging.WARNING)  # its start-up chatter is not the owner's business
_PUNCTUATION = re.compile(r"[\s\W_]+", re.UNICODE)
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")


@dataclass(frozen=True)
class Match:
    """`score` ranks (BM25); `coverage` is the share of the question's distinctive words
    (weighted by how rare they are) that the entry contains: the confidence that it answers
    this question rather than a neighbouring one ("物业费能用支付宝交吗" shares 物业费 with
    the fees entry but not 支付宝)."""

    entry: Entry
    score: float
    coverage: float


class Retriever:
    """BM25 over each entry's title, example questions, keywords and summary."""

    def __init__(self, entries: list[Entry], synonyms: dict[str, str],
                 aspect_words: frozenset[str] = frozenset()) -> None:
        self.entries = entries
        self.synonyms = synonyms
        self.ignored = STOPWORDS | aspect_words
        # Longest first, so 装修保证金 is replaced before 保证金.
        self._synonym_re = (
            re.compile("|".join(sorted(map(re.escape, synonyms), key=len, reverse=True)))
            if synonyms else None
        )
        for word in {*synonyms, *synonyms.values()}:
            jieba.add_word(word, freq=2000)
        for entry in entries:
            for keyword in entry.keywords:
                jieba.add_word(keyword, freq=2000)

    def canonical(self, text: str) -> str:
        if self._synonym_re is None:
            return text
        return self._synonym_re.sub(lambda found: self.synonyms[found.group(0)], text)

    def words(self, text: str) -> list[str]:
        """jieba words that say what the question is about (no stopwords, no aspect words)."""
        return [
            word for word in jieba.lcut_for_search(self.canonical(text))
            if word.strip() and not _PUNCTUATION.fullmatch(word) and word not in self.ignored
        ]

    def tokens(self, text: str) -> list[str]:
        """The words, plus character pairs of the longer ones, so a word jieba cuts
        differently in the question and in the entry still overlaps."""
        words = self.words(text)
        pairs = [
            run[i:i + 2]
            for word in words
            for run in _CJK_RUN.findall(word)
            if len(run) > 2
            for i in range(len(run) - 1)
        ]
        return words + pairs

    @cached_property
    def _documents(self) -> list[list[str]]:
        return [self.tokens(entry.searchable_text) for entry in self.entries]

    @cached_property
    def _index(self) -> BM25Okapi:
        return BM25Okapi(self._documents)

    @cached_property
    def _vocabularies(self) -> list[frozenset[str]]:
        return [frozenset(document) for document in self._documents]

    def _coverage(self, query: list[str], position: int) -> float:
        idf = self._index.idf
        unseen = max(idf.values(), default=1.0)  # a word no entry has is as telling as the rarest
        weights = {token: max(idf.get(token, unseen), 0.1) for token in query}
        found = sum(w for token, w in weights.items() if token in self._vocabularies[position])
        return found / sum(weights.values())

    def search(self, question: str, limit: int = 3, topic: str | None = None) -> list[Match]:
        """Best entries first; `topic` keeps only that topic's entries (follow-up questions)."""
        query = self.tokens(question)
        if not query:
            return []
        topical = self.words(question) or query
        scores = self._index.get_scores(query)
        ranked = sorted(
            (position for position, entry in enumerate(self.entries)
             if topic is None or entry.topic == topic),
            key=lambda position: scores[position], reverse=True,
        )
        return [
            Match(self.entries[position], float(scores[position]),
                  self._coverage(topical, position))
            for position in ranked[:limit]
            if scores[position] > 0
        ]
