"""`python -m bot understand`, end to end, as other parts and the evaluation call it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tools.stack import quiet_env

NOW = "2026-11-23T10:00:00+08:00"
CONTRACT_KEYS = ["text", "intent", "confidence", "urgency", "building", "unit", "room", "phone", "when"]


def understand(lines: list[str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "understand", *args],
        input="".join(line + "\n" for line in lines),
        capture_output=True, text=True, cwd=ROOT, env=quiet_env(), timeout=300,
    )


@pytest.fixture(scope="module")
def answers(trained_models: Path) -> list[dict]:
    lines = [
        "3栋2单元501卫生间天花板漏水,明天下午三点家里有人",
        "",
        "🙂🙂🙂",
        "楼道灯坏了" * 1000,
        "5号楼2单元302,明天下午三点以后都在,电话13800138000,厨房水管一直滴水",
        "电梯里困了人快来",
        "装修押金什么时候能退?",
        "7-2-1101 后天上午来修一下门锁,电话 138 0013 8000",
    ]
    done = understand(lines, "--json", "--now", NOW, "--models", str(trained_models))
    assert done.returncode == 0, done.stderr
    out = done.stdout.splitlines()
    assert len(out) == len(lines), "one output line per input line"
    parsed = [json.loads(line) for line in out]
    assert [item["text"] for item in parsed] == lines, "answers come back in input order"
    return parsed


@pytest.mark.model
def test_every_line_follows_the_contract(answers: list[dict]) -> None:
    for answer in answers:
        assert list(answer) == CONTRACT_KEYS


@pytest.mark.model
def test_the_issue_example(answers: list[dict]) -> None:
    first = answers[0]
    assert first["intent"] == "report_repair"
    assert first["confidence"] > 0.5
    assert (first["urgency"], first["building"], first["unit"], first["room"]) == (
        "urgent", "3", "2", "501")
    assert first["when"] == "2026-11-24T15:00:00+08:00"


@pytest.mark.model
def test_empty_huge_and_emoji_lines_get_an_answer(answers: list[dict]) -> None:
    empty, emoji, huge = answers[1], answers[2], answers[3]
    assert empty["intent"] is None and empty["confidence"] == 0.0
    assert emoji["building"] is None and emoji["when"] is None
    assert len(huge["text"]) == 5000 and huge["intent"] is not None


@pytest.mark.model
def test_facts_in_a_full_repair_message(answers: list[dict]) -> None:
    full = answers[4]
    assert full["intent"] == "report_repair"
    assert (full["building"], full["unit"], full["room"], full["phone"]) == (
        "5", "2", "302", "13800138000")
    assert full["when"] == "2026-11-24T15:00:00+08:00"
    dashed = answers[7]
    assert (dashed["building"], dashed["unit"], dashed["room"], dashed["phone"]) == (
        "7", "2", "1101", "13800138000")
    assert dashed["when"] == "2026-11-25T09:00:00+08:00"


@pytest.mark.model
def test_an_emergency_and_a_question(answers: list[dict]) -> None:
    assert (answers[5]["intent"], answers[5]["urgency"]) == ("report_repair", "emergency")
    assert (answers[6]["intent"], answers[6]["urgency"]) == ("ask_procedure", None)


@pytest.mark.model
def test_readable_output_without_json(trained_models: Path) -> None:
    done = understand(["5栋2单元302厨房漏水"], "--now", NOW, "--models", str(trained_models))
    assert done.returncode == 0, done.stderr
    assert "报修" in done.stdout and "5栋2单元302室" in done.stdout and "急" in done.stdout


def test_without_a_model_it_says_so_and_fails(tmp_path: Path) -> None:
    done = understand(["你好"], "--json", "--models", str(tmp_path))
    assert done.returncode != 0
    assert done.stdout == ""
    assert "make train" in done.stderr


def test_a_bad_now_is_a_clear_error(tmp_path: Path) -> None:
    done = understand(["你好"], "--now", "tomorrow", "--models", str(tmp_path))
    assert done.returncode == 2
    assert "ISO 8601" in done.stderr
