"""Load the newest trained Rasa model once and ask it what a message means."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.nlu.quiet import silence_rasa

# Rasa's FallbackClassifier replaces a low-confidence intent with this name; callers want
# the owner's most likely real intent and its score, and decide on thresholds themselves.
FALLBACK_INTENT = "nlu_fallback"


class ModelNotFound(RuntimeError):
    """No trained model where one was expected; the message says how to make one."""


@dataclass(frozen=True)
class IntentGuess:
    name: str | None
    confidence: float


def newest_model(models_dir: Path) -> Path:
    """The most recently trained model archive, as `rasa run` would pick it."""
    archives = sorted(models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not archives:
        raise ModelNotFound(
            f"在 {models_dir}/ 中没有找到训练好的模型。请先运行 `make train`。"
            f" (no trained model in {models_dir}/; run `make train` first)"
        )
    return archives[-1]


class NluModel:
    """A loaded model plus the event loop its async parser runs on."""

    def __init__(self, model_path: Path) -> None:
        silence_rasa()
        from rasa.core.agent import Agent

        self.path = model_path
        self._loop = asyncio.new_event_loop()
        self._agent = Agent.load(str(model_path))

    @classmethod
    def newest(cls, models_dir: Path) -> "NluModel":
        return cls(newest_model(models_dir))

    def guess_intent(self, text: str) -> IntentGuess:
        """The best intent other than Rasa's fallback label; an empty text has none."""
        if not text.strip():
            return IntentGuess(None, 0.0)
        parsed: dict[str, Any] = self._loop.run_until_complete(self._agent.parse_message(text))
        for candidate in parsed.get("intent_ranking") or [parsed.get("intent") or {}]:
            name = candidate.get("name")
            if name and name != FALLBACK_INTENT:
                return IntentGuess(name, float(candidate.get("confidence") or 0.0))
        return IntentGuess(None, 0.0)

    def close(self) -> None:
        self._loop.close()
