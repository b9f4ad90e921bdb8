"""The knowledge base answers owners' procedural questions from data/knowledge/."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter, defaultdict

import pytest
import yaml

from bot.knowledge import default_knowledge, load_entries
from bot.knowledge.evaluation import QUESTIONS_FILE, score_retrieval
from bot.knowledge.service import CONFIDENT_COVERAGE
from tests.conftest import ROOT

TEST_SET = yaml.safe_load(QUESTIONS_FILE.read_text(encoding="utf-8"))
QUESTIONS = [(item["q"], item["entry"]) for item in TEST_SET["questions"]]


@pytest.fixture(scope="module")
def knowledge():
    return default_knowledge()


def test_the_required_procedures_are_covered() -> None:
    titles = " ".join(entry.title + entry.summary for entry in load_entries())
    for subject in ("收房", "装修申请", "押金", "出入证", "动火", "验收", "租户", "放行", "门禁卡",
                    "钥匙", "服务中心", "报修", "投诉", "建议", "保修", "回访", "停电", "停水"):
        assert subject in titles, subject


def test_no_number_is_invented_where_the_documents_give_none() -> None:
    """Fees are either from the documents or left for the centre to confirm."""
    for entry in load_entries():
        assert entry.source, entry.id
        if entry.fees:
            fees = "".join(entry.fees)
            assert any(ch.isdigit() for ch in fees) or "确认" in fees or "为准" in fees, entry.id


def test_test_questions_are_not_copied_from_the_entries() -> None:
    asked = {q for entry in load_entries() for q in entry.questions}
    assert not asked & {q for q, _ in QUESTIONS}


def test_every_entry_is_reached_by_three_different_questions(knowledge) -> None:
    reached: Counter[str] = Counter()
    for question, expected in QUESTIONS:
        if knowledge.answer(question).entry_id == expected:
            reached[expected] += 1
    short = {entry.id: reached[entry.id] for entry in load_entries() if reached[entry.id] < 3}
    assert not short, f"entries reached by fewer than 3 test questions: {short}"


def test_retrieval_accuracy(knowledge) -> None:
    score = score_retrieval(knowledge)
    assert score.top1 >= 0.85, score.misses
    assert score.top3 >= 0.95, score.misses


def test_near_misses_get_no_wrong_entry_with_confidence(knowledge) -> None:
    """A question the knowledge base does not cover gets "I'll find out" or, at most, a
    hedged guess ("您问的可能是…"), never a confident wrong answer."""
    for question in TEST_SET["near_misses"]:
        reply = knowledge.answer(question)
        if reply.entry_id is not None:
            assert reply.score < CONFIDENT_COVERAGE and reply.text.startswith("您问的可能是"), question
    refused = sum(knowledge.answer(q).entry_id is None for q in TEST_SET["near_misses"])
    assert refused >= 0.9 * len(TEST_SET["near_misses"])


def test_the_deposit_answer_says_when_first_then_what_else_matters(knowledge) -> None:
    reply = knowledge.answer("装修押金什么时候能退?")
    entry = knowledge.by_id[reply.entry_id]
    assert "押金" in entry.title
    lines = reply.text.splitlines()
    assert lines[0] == entry.summary
    assert lines[1].startswith("时间要求")
    assert "还想了解装修的其他手续吗" in reply.text


def test_a_follow_up_stays_on_the_procedure(knowledge) -> None:
    first = knowledge.answer("装修要怎么申请")
    assert first.topic == "renovation"
    follow_up = knowledge.answer("那要多久?", context_entry=first.entry_id)
    assert follow_up.entry_id == first.entry_id
    assert "时间要求" in follow_up.text
    assert knowledge.answer("那要多久?").entry_id is None, "without context it cannot know"


def test_empty_and_unknown_questions(knowledge) -> None:
    assert knowledge.answer("").entry_id is None
    unknown = knowledge.answer("小区的游泳池几点开门")
    assert unknown.entry_id is None and "确认" in unknown.text


def test_the_answer_command_runs_without_a_model(tmp_path) -> None:
    questions = ["装修押金什么时候能退?", "", "小区的游泳池几点开门", "🙂" * 3]
    done = subprocess.run(
        [sys.executable, "-m", "bot", "answer", "--json"],
        input="".join(q + "\n" for q in questions), capture_output=True, text=True, cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "MODELS_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [row["question"] for row in rows] == questions
    assert all(list(row) == ["question", "answer", "entry", "score"] for row in rows)
    assert rows[0]["entry"] and rows[0]["score"] > 0
    assert rows[1]["entry"] is None and rows[2]["entry"] is None and rows[3]["entry"] is None
