"""Shared fixtures. The test model is trained once per run (Rasa skips an unchanged project)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.stack import quiet_env

pytest_plugins = ["tests.database", "tests.engines", "tests.stack", "tests.telegram_stack",
                  "tests.browser"]

ROOT = Path(__file__).resolve().parent.parent
TEST_MODELS = ROOT / ".cache" / "test-models"
# Rasa's training data; the rest of data/ is the centre's own files, not Rasa's.
RASA_DATA = ["data/nlu", "data/dialogue"]


@pytest.fixture(scope="session")
def trained_models() -> Path:
    """A folder holding a model trained from this checkout's config, domain and data."""
    TEST_MODELS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "rasa", "train", "--quiet", "--data", *RASA_DATA,
         "--out", str(TEST_MODELS),
         "--fixed-model-name", "test-model"],
        cwd=ROOT, env=quiet_env(), check=True,
    )
    return TEST_MODELS


@pytest.fixture(scope="session")
def nlu_model(trained_models: Path) -> Iterator["object"]:
    from bot.nlu import NluModel

    model = NluModel.newest(trained_models)
    yield model
    model.close()
