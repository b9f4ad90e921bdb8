"""Conversation analytics from Rasa's event broker: what owners wrote, on which channel,
whether the assistant understood, and when people took over."""
