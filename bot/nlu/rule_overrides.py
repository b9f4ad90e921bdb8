"""A Rasa NLU component that lets bot.understanding.intent_rules overrule the classifier.

It sits after the intent classifier in config.yml, so the dialogue, `bot understand` and the
cross-validated evaluation all see the same, rule-corrected intent.

A blank message (whitespace or invisible characters only: bot.understanding.empty) is
`empty_message`, whatever the classifier made of it, and the dialogue asks the owner to write
their question (domain.yml, data/dialogue/rules.yml). A message of punctuation only ("。")
keeps no guess: the classifier's, made from nothing, was `affirm`; FallbackClassifier, next,
makes it unclear (nlu_fallback).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.understanding.empty import EMPTY_MESSAGE_INTENT, has_no_words, says_nothing
from bot.understanding.intent_rules import overruled_intent

RULE_CONFIDENCE = 1.0
# The model's other guesses stay in the ranking, halved, so a rule's decision is never
# "ambiguous" to the FallbackClassifier: "jy 20261202 0001" had goodbye at 0.97 behind the
# rule's status question at 1.0, and the owner was asked to rephrase their ticket number.
RUNNER_UP_SHARE = 0.5


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class IntentRuleOverrides(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "IntentRuleOverrides":
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if has_no_words(text):
                # What the classifier guessed from no words means nothing: no runner-up.
                guess: dict[str, Any]
                if says_nothing(text):
                    guess = {INTENT_NAME_KEY: EMPTY_MESSAGE_INTENT,
                             PREDICTED_CONFIDENCE_KEY: RULE_CONFIDENCE}
                    ranking: list[dict[str, Any]] = [guess]
                else:
                    guess = {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}
                    ranking = []
                message.set(INTENT, guess, add_to_output=True)
                message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
                continue
            current = (message.get(INTENT) or {}).get("name")
            wanted = overruled_intent(text, current)
            if wanted is None:
                continue
            ranking = [{**r, "confidence": float(r.get("confidence") or 0.0) * RUNNER_UP_SHARE}
                       for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != wanted]
            top = {"name": wanted, "confidence": RULE_CONFIDENCE}
            message.set(INTENT, top, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [top, *ranking], add_to_output=True)
        return messages
