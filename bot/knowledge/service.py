"""Answering procedural questions, with the context of the previous answer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot import texts
from bot.knowledge.compose import ASPECT_WORDS, aspect_of, compose
from bot.knowledge.entries import Entry, load_entries, load_synonyms
from bot.knowledge.retrieval import Retriever

# Share of the question's distinctive words the best entry must contain to be used at all,
# and to be stated without a hedge (chosen on tests/data/knowledge_questions.yml: 124 owner
# questions vs 18 near misses; see README).
MIN_COVERAGE = 0.4
CONFIDENT_COVERAGE = 0.6
# Within the topic of the previous answer a weaker match is enough ("那押金呢?").
MIN_FOLLOW_UP_COVERAGE = 0.4
RELATED_TITLES = 3
# What is left of a follow-up ("那要带什么材料?") once its aspect words are gone, and says
# no topic of its own: the verbs and question words around the aspect.
_ASPECT_RE = re.compile("|".join(sorted(map(re.escape, ASPECT_WORDS), key=len, reverse=True)))
FOLLOW_UP_FILLER = frozenset("带 找 谁 交 要交 准备 提交 拿 带上 需 得 呢 那 还 要 些".split())


@dataclass(frozen=True)
class KnowledgeAnswer:
    question: str
    text: str
    entry_id: str | None
    score: float  # coverage of the question by the entry, 0-1 (see retrieval.Match)
    topic: str | None = None

    @property
    def found(self) -> bool:
        return self.entry_id is not None


class KnowledgeBase:
    def __init__(self, entries: list[Entry], synonyms: dict[str, str]) -> None:
        self.entries = entries
        self.by_id = {entry.id: entry for entry in entries}
        self.retriever = Retriever(entries, synonyms, ASPECT_WORDS)

    def _related(self, entry: Entry) -> list[Entry]:
        return [e for e in self.entries if e.topic == entry.topic and e.id != entry.id][:RELATED_TITLES]

    def _answer(self, question: str, entry: Entry, score: float) -> KnowledgeAnswer:
        """A partial match is offered as a guess, so the owner can tell us we misunderstood."""
        text = compose(entry, question, self._related(entry))
        if score < CONFIDENT_COVERAGE:
            text = texts.KNOWLEDGE_MAYBE.format(title=entry.title) + text
        return KnowledgeAnswer(question, text, entry.id, round(score, 3), entry.topic)

    def answer(self, question: str, context_entry: str | None = None) -> KnowledgeAnswer:
        """The best entry's composed answer, or a not-found answer (entry_id None).

        With `context_entry` (what the owner was last told about), a question that names no
        topic of its own ("那要多久?") is about that entry, and a weak match within the same
        topic is preferred over a guess elsewhere.
        """
        question = question.strip()
        if not question:
            return KnowledgeAnswer(question, texts.KNOWLEDGE_NOTHING_TO_ASK, None, 0.0)
        context = self.by_id.get(context_entry or "")
        if context and aspect_of(question) and self.names_no_topic(question):
            return self._answer(question, context, 1.0)
        matches = self.retriever.search(question)
        if matches and matches[0].coverage >= MIN_COVERAGE:
            return self._answer(question, matches[0].entry, matches[0].coverage)
        if context:
            within = self.retriever.search(question, topic=context.topic)
            if within and within[0].coverage >= MIN_FOLLOW_UP_COVERAGE:
                return self._answer(question, within[0].entry, within[0].coverage)
        best = matches[0].coverage if matches else 0.0
        return KnowledgeAnswer(question, texts.KNOWLEDGE_UNKNOWN, None, round(best, 3))

    def names_no_topic(self, question: str) -> bool:
        """Whether a question asks only about an aspect (materials, time, fees, where) and
        names nothing it is about, so it follows the previous answer: "那要带什么材料?"
        after the renovation answer is about renovation, not about whoever else "带"s."""
        stripped = _ASPECT_RE.sub(" ", question)
        return not [word for word in self.retriever.tokens(stripped)
                    if word not in FOLLOW_UP_FILLER]

    def ranked_ids(self, question: str, limit: int = 3) -> list[str]:
        """Entry ids in retrieval order, for measuring top-k accuracy."""
        return [match.entry.id for match in self.retriever.search(question, limit=limit)]


@lru_cache(maxsize=1)
def default_knowledge() -> KnowledgeBase:
    return KnowledgeBase(load_entries(), load_synonyms())
