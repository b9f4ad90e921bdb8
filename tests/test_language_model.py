"""The trained model on text it never saw (tests/data/nlu_holdout.yml, and the multi-fact
WeChat-style messages of tests/data/nlu_holdout_multifact.yml) and the hard pairs."""

from __future__ import annotations

from collections import Counter

import pytest
import yaml

from tests.conftest import ROOT

CORE = ("report_repair", "file_complaint", "make_suggestion", "ask_procedure")


def holdout(name: str = "nlu_holdout.yml") -> list[tuple[str, str]]:
    document = yaml.safe_load((ROOT / "tests/data" / name).read_text(encoding="utf-8"))
    return [
        (line.strip()[2:], block["intent"])
        for block in document["nlu"]
        for line in block["examples"].splitlines()
        if line.strip().startswith("- ")
    ]


@pytest.mark.model
def test_core_intents_on_unseen_text(nlu_model) -> None:
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    misses = []
    for text, intent in holdout():
        if intent not in CORE:
            continue
        totals[intent] += 1
        guess = nlu_model.guess_intent(text).name
        if guess == intent:
            hits[intent] += 1
        else:
            misses.append((text, intent, guess))
    accuracy = sum(hits.values()) / sum(totals.values())
    assert accuracy >= 0.85, misses
    for intent in CORE:
        assert hits[intent] / totals[intent] >= 0.7, (intent, misses)


def core_macro_f1(pairs: list[tuple[str, str | None]]) -> float:
    """Mean F1 of the core intents over (truth, guess) pairs: a core guess on a message of
    another intent counts against that intent's precision."""
    scores = []
    for intent in CORE:
        tp = sum(1 for truth, guess in pairs if truth == intent and guess == intent)
        fp = sum(1 for truth, guess in pairs if truth != intent and guess == intent)
        fn = sum(1 for truth, guess in pairs if truth == intent and guess != intent)
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)


# Measured 0.931 on 2026-12-03 with the rules of 7e24de7 (0.944 with the rules before it;
# docs/nlu-evaluation.md); the floor leaves a small margin.
MULTI_FACT_CORE_MACRO_F1_FLOOR = 0.92


@pytest.mark.model
def test_core_intents_on_unseen_multi_fact_messages(nlu_model) -> None:
    """Owners who write the problem, the flat, a phone number, a time and what they want in
    one WeChat message: the model must still see what the message is for."""
    pairs = []
    misses = []
    for text, intent in holdout("nlu_holdout_multifact.yml"):
        guess = nlu_model.guess_intent(text).name
        pairs.append((intent, guess))
        if guess != intent:
            misses.append((text, intent, guess))
    assert len(pairs) == 150
    assert core_macro_f1(pairs) >= MULTI_FACT_CORE_MACRO_F1_FLOOR, misses
    for intent in CORE:
        found = [guess for truth, guess in pairs if truth == intent]
        assert sum(guess == intent for guess in found) / len(found) >= 0.8, (intent, misses)


# The pairs a centre lives with, phrased unlike the training data.
HARD_PAIRS = [
    ("报修三天了还没人来", "file_complaint"),
    ("厨房下水道堵了,麻烦派人来通一下", "report_repair"),
    ("上个月报的墙面渗水到现在都没处理,你们效率太低了", "file_complaint"),
    ("垃圾站离单元门太近了,夏天臭得不行,能不能挪远一点", "make_suggestion"),
    ("保修期内的卫生间漏水,是找开发商还是找物业?", "ask_procedure"),
    ("卫生间漏水了,楼下都渗了", "report_repair"),
    ("我前天报的维修单现在是什么状态", "check_ticket_status"),
    ("帮我转人工客服", "request_human"),
]


@pytest.mark.model
@pytest.mark.parametrize(("text", "intent"), HARD_PAIRS)
def test_hard_pairs(nlu_model, text: str, intent: str) -> None:
    assert nlu_model.guess_intent(text).name == intent
