"""Rasa's own checks on the project files: domain, data and config agree."""

from __future__ import annotations

import re
import subprocess
import sys

import yaml

from tests.conftest import RASA_DATA, ROOT
from tools.stack import quiet_env

INTENTS = {
    "report_repair", "file_complaint", "make_suggestion", "ask_procedure", "check_ticket_status",
    "request_human", "greet", "goodbye", "thank", "affirm", "deny", "out_of_scope",
}
# Triggered by our own services through Rasa's external events, never typed by owners, so
# they have no NLU examples (Rasa warns about that, and only that).
EXTERNAL_INTENTS = {"start_callback"}
# Named by the NLU pipeline itself, never learned (bot/nlu/rule_overrides.py): a message
# with nothing to read. No NLU examples either, on purpose.
PIPELINE_INTENTS = {"empty_message"}
NO_EXAMPLES = re.compile(r"The intent '(\w+)' is listed in the domain file, but is not found "
                         r"in the NLU training data")
UNUSED_RESPONSE = re.compile(r"The utterance '(\w+)' is not used in any story or rule")
# Responses Rasa itself or forms call by convention rather than by a story step.
BY_CONVENTION = re.compile(r"^(utter_ask_\w+|utter_default)$")


def test_rasa_data_validate_passes() -> None:
    """Every warning is a failure, except responses that custom actions say by name
    (Rasa cannot see inside actions); those names must really appear in actions/ or bot/."""
    done = subprocess.run(
        [sys.executable, "-m", "rasa", "data", "validate", "--data", *RASA_DATA],
        cwd=ROOT, env=quiet_env(), capture_output=True, text=True, timeout=300,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    action_code = "".join(
        p.read_text(encoding="utf-8")
        for folder in ("actions", "bot")
        for p in (ROOT / folder).rglob("*.py")
    )
    warnings = [line for line in output.splitlines() if "UserWarning" in line]
    for line in warnings:
        external = NO_EXAMPLES.search(line)
        if external and external.group(1) in EXTERNAL_INTENTS | PIPELINE_INTENTS:
            continue
        unused = UNUSED_RESPONSE.search(line)
        assert unused, f"unexpected validation warning: {line}"
        name = unused.group(1)
        said_by_action = f'"{name}"' in action_code or (
            name.startswith("utter_safety_") and 'f"utter_safety_{' in action_code
        )
        assert said_by_action or BY_CONVENTION.match(name), f"{name} is never said"


def test_the_domain_has_exactly_the_contract_intents() -> None:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert set(domain["intents"]) == INTENTS | EXTERNAL_INTENTS | PIPELINE_INTENTS


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
