"""The survey scripts a centre edits (data/surveys/*.yml), loaded and checked once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

SURVEYS_DIR = Path(__file__).resolve().parents[2] / "data" / "surveys"
QUESTION_TYPES = ("consent", "scale", "yesno", "text")
BRANCHES = (None, "satisfied", "dissatisfied")
FOLLOW_UPS = ("reopen_ticket", "open_complaint")


@dataclass(frozen=True)
class Question:
    key: str
    type: str
    ask: str
    when: str | None = None  # only on this branch
    flag_if: str | None = None  # a yesno answer ("yes"/"no") that counts as dissatisfied


@dataclass(frozen=True)
class Script:
    kind: str
    title: str
    questions: tuple[Question, ...]
    closing: dict[str, str]  # satisfied / dissatisfied / refused
    follow_up: str


class ScriptError(ValueError):
    """A script file a centre edited that the service cannot use, with the reason."""


def _question(raw: dict, where: str) -> Question:
    try:
        question = Question(key=str(raw["key"]), type=str(raw["type"]), ask=str(raw["ask"]),
                            when=raw.get("when"), flag_if=raw.get("flag_if"))
    except (KeyError, TypeError) as error:
        raise ScriptError(f"{where}: every question needs key, type and ask") from error
    if question.type not in QUESTION_TYPES:
        raise ScriptError(f"{where}: question {question.key!r} has unknown type {question.type!r}")
    if question.when not in BRANCHES:
        raise ScriptError(f"{where}: question {question.key!r}: when must be satisfied or dissatisfied")
    return question


def load_script(path: Path) -> Script:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    questions = tuple(_question(q, path.name) for q in raw.get("questions") or [])
    if not questions or questions[0].type != "consent":
        raise ScriptError(f"{path.name}: the first question must ask for consent")
    closing = {k: str(v) for k, v in (raw.get("closing") or {}).items()}
    missing = {"satisfied", "dissatisfied", "refused"} - closing.keys()
    if missing:
        raise ScriptError(f"{path.name}: closing texts missing: {', '.join(sorted(missing))}")
    if raw.get("follow_up") not in FOLLOW_UPS:
        raise ScriptError(f"{path.name}: follow_up must be one of {FOLLOW_UPS}")
    return Script(kind=str(raw["kind"]), title=str(raw.get("title") or raw["kind"]),
                  questions=questions, closing=closing, follow_up=raw["follow_up"])


@lru_cache(maxsize=4)
def load_scripts(directory: Path = SURVEYS_DIR) -> dict[str, Script]:
    scripts = [load_script(path) for path in sorted(directory.glob("*.yml"))]
    return {script.kind: script for script in scripts}
