"""How the assistant reads messages nobody on the team wrote (tests/data/blind/messages.yml).

Every message goes through the trained model (Rasa's pipeline with the project's rule
component) and the rule-based readers, exactly as a live message does, at the corpus's
reference moment. Reported: core-intent macro-F1 (all messages, and those carrying several
facts at once), emergency recall, urgency accuracy, visit-time accuracy, and how often a
time was invented from words that describe the fault. Never trained on: see
tests/test_blind_data.py.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import yaml

from bot.nlu.evaluation import CORE_INTENTS
from bot.understanding.reading import Reading, read_message
from bot.understanding.when import TZ

BLIND_MESSAGES = Path(__file__).resolve().parents[2] / "tests" / "data" / "blind" / "messages.yml"
REFERENCE = datetime(2026, 12, 3, 10, 0, tzinfo=TZ)
FALLBACK_THRESHOLD = 0.4  # config.yml's FallbackClassifier
FACT_KEYS = ("flat", "place", "phone", "visit", "outcome")
# Where a named part of the day may start (hours, local time).
PARTS = {"上午": (6, 12), "中午": (11, 14), "下午": (12, 18), "晚上": (17, 24), "全天": (0, 24)}
TARGETS = {"emergency_recall": 1.0, "urgency_accuracy": 0.95, "visit_accuracy": 0.95,
           "multi_fact_core_f1": 0.95}


@dataclass
class Outcome:
    """One message's verdicts; None where a measure does not apply to it."""

    id: str
    text: str
    intent: str
    predicted: str
    emergency_caught: bool | None = None
    urgency_right: bool | None = None
    visit_right: bool | None = None
    invented_time: bool | None = None
    notes: list[str] = field(default_factory=list)


def _clock(value: str | None) -> time | None:
    return time.fromisoformat(value) if value else None


def visit_verdict(label: Any, reading: Reading, now: datetime = REFERENCE) -> tuple[bool, str]:
    """Is the visit time the assistant would write what the owner meant?"""
    if reading.when is None:
        verdict = times_verdict(label, None, None, now)
        return (verdict[0], verdict[1].replace("nothing found", reading.when_problem or
                                               "nothing found"))
    return times_verdict(label, reading.when, reading.when_end, now)


def times_verdict(label: Any, start_at: datetime | None, end_at: datetime | None,
                  now: datetime = REFERENCE) -> tuple[bool, str]:
    """Is a visit window (as read, or as written into a ticket) what the owner meant?"""
    start = start_at.astimezone(TZ) if start_at else None
    if label == "asap":
        ok = start is None or start <= now + timedelta(hours=1)
        return ok, "" if ok else f"asap read as {start:%m-%d %H:%M}"
    if label == "invalid":
        ok = start is None
        return ok, "" if ok else f"an unacceptable time accepted as {start:%m-%d %H:%M}"
    if start is None:
        return False, "no time read (nothing found)"
    day = label.get("day")
    wanted_day = day if isinstance(day, date) else date.fromisoformat(str(day))
    if start.date() != wanted_day:
        return False, f"day {start:%m-%d} instead of {wanted_day:%m-%d}"
    wanted_from = _clock(label.get("from"))
    if wanted_from and start.time() != wanted_from:
        return False, f"from {start:%H:%M} instead of {wanted_from:%H:%M}"
    part = label.get("part")
    if not wanted_from and part in PARTS:
        low, high = PARTS[part]
        if not low <= start.hour < high:
            return False, f"{start:%H:%M} is not {part}"
    wanted_until = _clock(label.get("until"))
    end = end_at.astimezone(TZ) if end_at else None
    if wanted_until and end and end.time() != wanted_until and end.date() == wanted_day:
        return False, f"until {end:%H:%M} instead of {wanted_until:%H:%M}"
    return True, ""


def judge(entry: dict, predicted: str, confidence: float) -> Outcome:
    guess = predicted if confidence >= FALLBACK_THRESHOLD else "nlu_fallback"
    reading = read_message(entry["text"], predicted, confidence, REFERENCE)
    outcome = Outcome(entry["id"], entry["text"], entry["intent"], guess)
    if entry["intent"] != "report_repair":
        return outcome
    urgency = reading.urgency if guess == "report_repair" else None
    if entry.get("urgency") == "emergency":
        outcome.emergency_caught = urgency == "emergency"
    if entry.get("urgency"):
        outcome.urgency_right = urgency == entry["urgency"]
        if not outcome.urgency_right:
            outcome.notes.append(f"urgency {urgency} instead of {entry['urgency']}")
    if "visit" in entry:
        outcome.visit_right, why = visit_verdict(entry["visit"], reading)
        if why:
            outcome.notes.append(why)
    else:
        outcome.invented_time = reading.when is not None
        if outcome.invented_time:
            outcome.notes.append(f"a time taken from the problem: {reading.when:%m-%d %H:%M}")
    return outcome


def macro_f1(pairs: list[tuple[str, str]], labels: tuple[str, ...] = CORE_INTENTS) -> float:
    """Mean F1 over the core intents the messages are labelled with (an intent no message
    carries has no F1; reading a message as it still lowers the true intent's recall)."""
    scores = []
    present = {gold for gold, _ in pairs}
    for label in (label for label in labels if label in present):
        tp = sum(1 for gold, guess in pairs if gold == label and guess == label)
        fp = sum(1 for gold, guess in pairs if gold != label and guess == label)
        fn = sum(1 for gold, guess in pairs if gold == label and guess != label)
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores) if scores else 0.0


def _share(values: list[bool | None]) -> tuple[float, int]:
    counted = [v for v in values if v is not None]
    return (sum(counted) / len(counted) if counted else 0.0), len(counted)


def figures(entries: list[dict], outcomes: list[Outcome]) -> dict[str, tuple[float, int]]:
    multi = [o for e, o in zip(entries, outcomes) if sum(k in e for k in FACT_KEYS) >= 2]
    return {
        "core_f1": (macro_f1([(o.intent, o.predicted) for o in outcomes]), len(outcomes)),
        "multi_fact_core_f1": (macro_f1([(o.intent, o.predicted) for o in multi]), len(multi)),
        "emergency_recall": _share([o.emergency_caught for o in outcomes]),
        "urgency_accuracy": _share([o.urgency_right for o in outcomes]),
        "visit_accuracy": _share([o.visit_right for o in outcomes]),
        "no_invented_time": _share([None if o.invented_time is None else not o.invented_time
                                    for o in outcomes]),
        "intent_accuracy": _share([o.intent == o.predicted for o in outcomes]),
    }


LABELS = {
    "core_f1": "core-intent macro-F1, all messages",
    "multi_fact_core_f1": "core-intent macro-F1, messages with several facts",
    "emergency_recall": "emergency recall",
    "urgency_accuracy": "urgency accuracy (repairs)",
    "visit_accuracy": "visit time right (repairs that say when)",
    "no_invented_time": "no time invented (repairs that say nothing about when)",
    "intent_accuracy": "intent accuracy, all intents",
}


def report(entries: list[dict], outcomes: list[Outcome]) -> str:
    numbers = figures(entries, outcomes)
    lines = [f"## Blind messages ({len(entries)}, {BLIND_MESSAGES.name}, "
             f"evaluated {date.today():%Y-%m-%d})", "",
             "| measure | value | of | target |", "|---|---|---|---|"]
    for key, label in LABELS.items():
        value, count = numbers[key]
        target = TARGETS.get(key)
        lines.append(f"| {label} | {value:.3f} | {count} | {'' if target is None else f'≥ {target}'} |")
    confusions = Counter((o.intent, o.predicted) for o in outcomes if o.intent != o.predicted)
    lines += ["", "Most frequent intent confusions (labelled → read):", ""]
    lines += [f"- {gold} → {guess}: {n}" for (gold, guess), n in confusions.most_common(8)]
    missed = [o for o in outcomes if o.emergency_caught is False]
    lines += ["", f"Emergencies missed ({len(missed)}):", ""]
    lines += [f"- {o.id} {o.text} ({'; '.join(o.notes)})" for o in missed]
    wrong_times = [o for o in outcomes if o.visit_right is False or o.invented_time]
    lines += ["", f"Visit times wrong ({len(wrong_times)}):", ""]
    lines += [f"- {o.id} {o.text} ({'; '.join(o.notes)})" for o in wrong_times]
    return "\n".join(lines) + "\n"


def evaluate_blind(models: Path, out: Path, corpus: Path = BLIND_MESSAGES) -> str:
    """Read every blind message with the newest model in `models`; write and return the report."""
    from bot.nlu.model import NluModel

    entries = yaml.safe_load(corpus.read_text(encoding="utf-8"))
    model = NluModel.newest(models)
    try:
        outcomes = []
        for entry in entries:
            guess = model.guess_intent(entry["text"])
            outcomes.append(judge(entry, guess.name or "nlu_fallback", guess.confidence))
    finally:
        model.close()
    text = report(entries, outcomes)
    out.mkdir(parents=True, exist_ok=True)
    (out / "blind.md").write_text(text, encoding="utf-8")
    return text
