"""The bridge to Rasa's trained model: the only room of bot/ that imports rasa.

Rasa is imported lazily inside these modules, so the rest of the service (and its tests)
runs without loading TensorFlow.
"""

from bot.nlu.model import IntentGuess, ModelNotFound, NluModel, newest_model

__all__ = ["IntentGuess", "ModelNotFound", "NluModel", "newest_model"]
