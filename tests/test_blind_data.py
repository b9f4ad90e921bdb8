"""The blind corpus (tests/data/blind/) measures the assistant on words nobody on the team
wrote; it is worthless the moment it is trained on. This guard fails if any blind message
appears in the training data, or if the training data paths reach into tests/."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BLIND = ROOT / "tests" / "data" / "blind"


def normal(text: str) -> str:
    """Compare what a person wrote, not its spacing or punctuation."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN").lower()


def blind_texts() -> set[str]:
    texts: set[str] = set()
    for entry in yaml.safe_load((BLIND / "messages.yml").read_text(encoding="utf-8")):
        texts.add(entry["text"])
    for conversation in yaml.safe_load((BLIND / "conversations.yml").read_text(encoding="utf-8")):
        texts.update(conversation.get("opening") or [])
        texts.update(str(v) for v in (conversation.get("answers") or {}).values())
        texts.update(step["text"] for step in conversation.get("midway") or [])
    return {normal(t) for t in texts if len(normal(t)) >= 6}


def training_texts() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "data").rglob("*.yml"):
        for line in path.read_text(encoding="utf-8").splitlines():
            match = re.match(r"\s*-\s+(.*)$", line)
            if match:
                found.add(normal(match.group(1)))
    return found


def test_the_blind_corpus_is_big_enough_to_mean_something() -> None:
    messages = yaml.safe_load((BLIND / "messages.yml").read_text(encoding="utf-8"))
    conversations = yaml.safe_load((BLIND / "conversations.yml").read_text(encoding="utf-8"))
    assert len(messages) >= 400 and len(conversations) >= 60


def test_no_blind_text_is_in_the_training_data() -> None:
    leaked = blind_texts() & training_texts()
    assert not leaked, f"blind messages found in data/: {sorted(leaked)[:5]}"


def test_training_never_reads_the_tests_folder() -> None:
    for path, needle in ((ROOT / "Makefile", "RASA_DATA :="), (ROOT / "tests" / "conftest.py",
                                                               "RASA_DATA = ")):
        line = next(l for l in path.read_text(encoding="utf-8").splitlines() if needle in l)
        assert "tests" not in line.split("=", 1)[1], line
