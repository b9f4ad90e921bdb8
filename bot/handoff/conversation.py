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

    def history(self, sender_id: str) -> list[dict]:
        """Every event Rasa keeps for the conversation, oldest first."""
        reply = httpx.get(f"{self.base}/conversations/{quote(sender_id, safe='')}/tracker",
                          params={"include_events": "ALL"}, timeout=self.timeout)
        reply.raise_for_status()
        return reply.json().get("events") or []

    def trigger_intent(self, sender_id: str, intent: str, entities: dict[str, str],
                       output_channel: str) -> None:
        """Start a conversation from our side (a callback): Rasa runs the dialogue as if the
        owner had said it, and sends the replies on `output_channel`."""
        reply = httpx.post(
            f"{self.base}/conversations/{quote(sender_id, safe='')}/trigger_intent",
            json={"name": intent, "entities": entities},
            params={"output_channel": output_channel}, timeout=self.timeout,
        )
        reply.raise_for_status()

    def busy_with(self, sender_id: str) -> tuple[str | None, float | None]:
        """(the form the owner is in the middle of, when they last wrote, as a timestamp)."""
        reply = httpx.get(f"{self.base}/conversations/{quote(sender_id, safe='')}/tracker",
                          params={"include_events": "AFTER_RESTART"}, timeout=self.timeout)
        reply.raise_for_status()
        tracker = reply.json()
        last_user = next((float(e["timestamp"]) for e in reversed(tracker.get("events") or [])
                          if e.get("event") == "user"), None)
        return (tracker.get("active_loop") or {}).get("name"), last_user

    def pause(self, sender_id: str) -> None:
        """The assistant stays silent; owner messages are still recorded."""
        self._events(sender_id, [{"event": "pause"}])

    def resume(self, sender_id: str) -> None:
        self._events(sender_id, [{"event": "resume"}])

    def say(self, sender_id: str, text: str, agent_name: str | None) -> None:
        """Words from the service centre (an agent's reply, or the hand-back notice when
        `agent_name` is None): delivered on the owner's channel and kept in the history."""
        metadata: dict = {"from_console": True}
        if agent_name:
            metadata["agent"] = agent_name
        self._events(sender_id, [{"event": "bot", "text": text, "metadata": metadata}],
                     _SIDE_EFFECTS)
