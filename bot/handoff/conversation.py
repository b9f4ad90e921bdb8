"""A person in the conversation, through Rasa's own HTTP API: pause the assistant (the
tracker keeps every owner message), speak on the owner's channel, resume."""

from __future__ import annotations

import os
from urllib.parse import quote

import httpx

# What an agent's words are sent as: Rasa forwards bot events to the named output channel
# ("latest" = the channel the owner last wrote on) and records them in the history.
_SIDE_EFFECTS = {"output_channel": "latest", "execute_side_effects": "true"}


class RasaConversations:
    def __init__(self, rasa_url: str | None = None, timeout: float = 30) -> None:
        self.base = (rasa_url or os.environ.get("RASA_URL", "http://localhost:5005")).rstrip("/")
        self.timeout = timeout

    def _events(self, sender_id: str, events: list[dict], params: dict | None = None) -> None:
        reply = httpx.post(
            f"{self.base}/conversations/{quote(sender_id, safe='')}/tracker/events",
            json=events, params=params or {}, timeout=self.timeout,
        )
        reply.raise_for_status()

    def pause(self, sender_id: str) -> None:
        """The assistant stays silent; owner messages are still recorded."""
        self._events(sender_id, [{"event": "pause"}])

    def resume(self, sender_id: str) -> None:
        self._events(sender_id, [{"event": "resume"}])

    def say(self, sender_id: str, text: str, agent_name: str) -> None:
        """An agent's reply: delivered on the owner's channel and kept in the history."""
        self._events(sender_id, [{"event": "bot", "text": text,
                                  "metadata": {"agent": agent_name}}], _SIDE_EFFECTS)
