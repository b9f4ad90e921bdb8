"""Rasa's own end-to-end test stories (tests/stories/), against the running action server."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tools.stack import quiet_env

pytestmark = pytest.mark.model


def test_the_test_stories_pass(stack, trained_models) -> None:
    out = stack.workdir / "story-results"
    done = subprocess.run(
        [sys.executable, "-m", "rasa", "test", "core", "--stories", str(ROOT / "tests/stories"),
         "--model", str(trained_models), "--endpoints", str(stack.workdir / "endpoints.yml"),
         "--out", str(out), "--no-plot", "--fail-on-prediction-errors"],
        cwd=ROOT, env=quiet_env() | {"DATABASE_URL": stack.database_url},
        capture_output=True, text=True, timeout=600,
    )
    failed = (out / "failed_test_stories.yml")
    detail = failed.read_text(encoding="utf-8") if failed.exists() else ""
    assert done.returncode == 0, detail or (done.stdout[-3000:] + done.stderr[-3000:])
    report = json.loads((out / "story_report.json").read_text(encoding="utf-8"))
    assert report["conversation_accuracy"]["accuracy"] == 1.0
