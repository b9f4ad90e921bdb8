"""A person in the conversation, through Rasa's own HTTP API: pause the assistant (the
tracker keeps every owner message), speak on the owner's channel, resume.

Every call carries an admin JWT (bot/deploy/credentials.py), and every conversation is
addressed by its owner (channel + the channel's id), so an agent's words go to the channel
the owner is registered on, never to whichever channel last wrote to that id.
"""

from __future__ import annotations

import os
from urllib.parse import quote

import httpx

from bot.deploy.credentials import admin_headers
from bot.identity import TELEGRAM, WECHAT, Owner

# Channels Rasa can push to; the web chat and REST pick words up from the tracker instead.
PUSHING_CHANNELS = (TELEGRAM, WECHAT)
CALLER = "console"


def output_params(owner: Owner) -> dict[str, str]:
    """Rasa forwards bot events to the named output channel and records them."""
    if owner.channel in PUSHING_CHANNELS:
        return {"output_channel": owner.channel, "execute_side_effects": "true"}
    return {"execute_side_effects": "true"}


class RasaConversations:
    def __init__(self, rasa_url: str | None = None, timeout: float = 30,
                 caller: str = CALLER) -> None:
        self.base = (rasa_url or os.environ.get("RASA_URL", "http://127.0.0.1:5005")).rstrip("/")
        self.timeout = timeout
        self.caller = caller

    def _url(self, owner: Owner, tail: str) -> str:
        return f"{self.base}/conversations/{quote(owner.conversation_id, safe=':')}/{tail}"

    def _post(self, owner: Owner, tail: str, body: object, params: dict | None = None) -> None:
        reply = httpx.post(self._url(owner, tail), json=body, params=params or {},
                           headers=admin_headers(self.caller), timeout=self.timeout)
        reply.raise_for_status()

    def tracker(self, owner: Owner, include_events: str = "AFTER_RESTART") -> dict:
        reply = httpx.get(self._url(owner, "tracker"), params={"include_events": include_events},
                          headers=admin_headers(self.caller), timeout=self.timeout)
        reply.raise_for_status()
        return reply.json()

    def history(self, owner: Owner) -> list[dict]:
        """Every event Rasa keeps for the conversation, oldest first."""
        return self.tracker(owner, "ALL").get("events") or []

    def trigger_intent(self, owner: Owner, intent: str, entities: dict[str, str]) -> None:
        """Start a conversation from our side (a callback): Rasa runs the dialogue as if the
        owner had said it, and sends the replies on the owner's channel."""
        params = {"output_channel": owner.channel} if owner.channel in PUSHING_CHANNELS else {}
        self._post(owner, "trigger_intent", {"name": intent, "entities": entities}, params)

    def busy_with(self, owner: Owner) -> tuple[str | None, float | None]:
        """(the form the owner is in the middle of, when they last wrote, as a timestamp)."""
        tracker = self.tracker(owner)
        last_user = next((float(e["timestamp"]) for e in reversed(tracker.get("events") or [])
                          if e.get("event") == "user"), None)
        return (tracker.get("active_loop") or {}).get("name"), last_user

    def pause(self, owner: Owner) -> None:
        """The assistant stays silent; owner messages are still recorded."""
        self._post(owner, "tracker/events", [{"event": "pause"}])

    def resume(self, owner: Owner) -> None:
        self._post(owner, "tracker/events", [{"event": "resume"}])

    def say(self, owner: Owner, text: str, agent_name: str | None) -> None:
        """Words from the service centre (an agent's reply, or the hand-back notice when
        `agent_name` is None): delivered on the owner's channel and kept in the history."""
        metadata: dict = {"from_console": True}
        if agent_name:
            metadata["agent"] = agent_name
        self._post(owner, "tracker/events", [{"event": "bot", "text": text, "metadata": metadata}],
                   output_params(owner))
