"""Cross-validated evaluation of the NLU pipeline: the numbers behind config.yml's choices."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

import yaml

CORE_INTENTS = ("report_repair", "file_complaint", "make_suggestion", "ask_procedure")


def count_examples(data: Path) -> Counter[str]:
    """Training examples per intent across the NLU files under `data`."""
    counts: Counter[str] = Counter()
    files = sorted(data.rglob("*.yml")) if data.is_dir() else [data]
    for path in files:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in document.get("nlu") or []:
            if "intent" in block:
                lines = str(block.get("examples") or "").splitlines()
                counts[block["intent"]] += sum(1 for line in lines if line.strip().startswith("- "))
    return counts


def core_macro_f1(report: dict[str, dict[str, float]]) -> float:
    """Mean F1 over the four core intents, the figure the README promises."""
    return sum(report[name]["f1-score"] for name in CORE_INTENTS) / len(CORE_INTENTS)


def summarise(report: dict, config: Path, data: Path, folds: int, seconds: float) -> str:
    counts = count_examples(data)
    rows = [
        f"| {name} | {report[name]['precision']:.3f} | {report[name]['recall']:.3f} "
        f"| {report[name]['f1-score']:.3f} | {counts.get(name, 0)} |"
        for name in sorted(counts)
        if name in report
    ]
    return "\n".join(
        [
            f"# NLU evaluation ({date.today().isoformat()})",
            "",
            f"- config: `{config}`; data: `{data}` ({sum(counts.values())} examples, "
            f"{len(counts)} intents); {folds}-fold stratified cross-validation; "
            f"{seconds:.0f} s.",
            f"- **core-intent macro-F1: {core_macro_f1(report):.3f}** "
            f"({', '.join(CORE_INTENTS)})",
            f"- all-intent macro-F1: {report['macro avg']['f1-score']:.3f}; "
            f"accuracy: {report.get('accuracy', 0.0):.3f}",
            "",
            "| intent | precision | recall | F1 | examples |",
            "|---|---|---|---|---|",
            *rows,
            "",
            "![confusion matrix](intent_confusion_matrix.png)",
        ]
    )


def cross_validate(config: Path, data: Path, out: Path, folds: int = 5) -> str:
    """Run Rasa's own cross-validation, then write summary.md beside its reports."""
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    print(f"eval: {folds}-fold cross-validation of {config} on {data} ...", file=sys.stderr)
    subprocess.run(
        [
            sys.executable, "-m", "rasa", "test", "nlu", "--quiet",
            "--nlu", str(data), "--config", str(config),
            "--cross-validation", "--folds", str(folds), "--out", str(out),
        ],
        check=True,
    )
    report = json.loads((out / "intent_report.json").read_text(encoding="utf-8"))
    summary = summarise(report, config, data, folds, time.monotonic() - started)
    (out / "summary.md").write_text(summary + "\n", encoding="utf-8")
    return summary
