"""Rasa's own checks on the project files: domain, data and config agree."""

from __future__ import annotations

import subprocess
import sys

import yaml

from tests.conftest import RASA_DATA, ROOT, rasa_env

INTENTS = {
    "report_repair", "file_complaint", "make_suggestion", "ask_procedure", "check_ticket_status",
    "request_human", "greet", "goodbye", "thank", "affirm", "deny", "out_of_scope",
}


def test_rasa_data_validate_passes_without_warnings() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "rasa", "data", "validate", "--fail-on-warnings", "--data", *RASA_DATA],
        cwd=ROOT, env=rasa_env(), capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def test_the_domain_has_exactly_the_contract_intents() -> None:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert set(domain["intents"]) == INTENTS


def test_each_core_intent_has_at_least_80_distinct_examples() -> None:
    seen: dict[str, set[str]] = {}
    for path in (ROOT / "data/nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            if "intent" in block:
                lines = {l.strip()[2:] for l in block["examples"].splitlines() if l.strip()}
                seen.setdefault(block["intent"], set()).update(lines)
    assert set(seen) == INTENTS
    for intent in ("report_repair", "file_complaint", "make_suggestion", "ask_procedure"):
        assert len(seen[intent]) >= 80, intent
