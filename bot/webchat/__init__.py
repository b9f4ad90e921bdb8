"""The local web chat page and the small server that forwards it to Rasa's REST channel."""
