"""Retrieval accuracy on the question set kept in tests/data/knowledge_questions.yml."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.knowledge.service import KnowledgeBase, default_knowledge

QUESTIONS_FILE = Path(__file__).resolve().parents[2] / "tests" / "data" / "knowledge_questions.yml"


@dataclass(frozen=True)
class RetrievalScore:
    questions: int
    top1: float
    top3: float
    answered_right: float  # the composed answer used the right entry (threshold included)
    near_misses: int
    near_misses_refused: float
    misses: list[tuple[str, str, str | None]]


def score_retrieval(knowledge: KnowledgeBase, path: Path = QUESTIONS_FILE) -> RetrievalScore:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    questions = [(item["q"], item["entry"]) for item in document["questions"]]
    top1 = top3 = right = 0
    misses = []
    for question, expected in questions:
        ranked = knowledge.ranked_ids(question, limit=3)
        top1 += ranked[:1] == [expected]
        top3 += expected in ranked
        chosen = knowledge.answer(question).entry_id
        right += chosen == expected
        if chosen != expected:
            misses.append((question, expected, chosen))
    near = document.get("near_misses") or []
    refused = sum(knowledge.answer(question).entry_id is None for question in near)
    n = len(questions)
    return RetrievalScore(n, top1 / n, top3 / n, right / n, len(near),
                          refused / len(near) if near else 1.0, misses)


def evaluate_retrieval(out: Path) -> str:
    """Write knowledge.md beside the NLU report and return it."""
    score = score_retrieval(default_knowledge())
    report = "\n".join([
        "# Knowledge retrieval",
        "",
        f"- question set: `tests/data/knowledge_questions.yml` ({score.questions} owner questions, "
        f"{score.near_misses} near misses the knowledge base does not cover)",
        f"- **top-1 {score.top1:.3f}, top-3 {score.top3:.3f}**; answered from the right entry "
        f"(score threshold applied): {score.answered_right:.3f}",
        f"- near misses correctly refused: {score.near_misses_refused:.3f}",
        "",
        "| question | expected | answered from |",
        "|---|---|---|",
        *(f"| {q} | {e} | {c or '—'} |" for q, e, c in score.misses),
    ])
    out.mkdir(parents=True, exist_ok=True)
    (out / "knowledge.md").write_text(report + "\n", encoding="utf-8")
    return report
