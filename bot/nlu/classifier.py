"""Rasa's logistic-regression intent classifier, safe for a message with nothing to read.

Rasa's own LogisticRegressionClassifier stacks every message's sentence features into one
matrix; a blank or whitespace-only message has none (jieba finds no token), scikit-learn
refuses a matrix without columns, and the whole parse fails inside the Rasa server: the
owner gets no answer at all. Here such a message is left without an intent (name None,
confidence 0) and the rest are classified exactly as before, so the trained model and its
measured accuracy (docs/nlu-evaluation.md) do not change. IntentRuleOverrides, next in
config.yml, then names what an empty message is (bot/understanding/empty.py).
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.logistic_regression_classifier import (
    LogisticRegressionClassifier,
)
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message


def has_sentence_features(message: Message) -> bool:
    """Whether any featurizer gave the message's text a sentence-level feature."""
    sparse = message.get_sparse_features(attribute=TEXT)[1]
    dense = message.get_dense_features(attribute=TEXT)[1]
    return sparse is not None or dense is not None


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class FeaturelessSafeLogisticRegressionClassifier(LogisticRegressionClassifier):
    """Rasa's LogisticRegressionClassifier; a message without features gets no intent."""

    def process(self, messages: list[Message]) -> list[Message]:
        readable = [message for message in messages if has_sentence_features(message)]
        if readable:
            super().process(readable)
        for message in messages:
            if not has_sentence_features(message):
                message.set(INTENT, {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0},
                            add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
        return messages
