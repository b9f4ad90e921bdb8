"""An emergency from an anonymous web chat visitor: still answered with the safety advice and
a ticket at once (a real gas leak must never wait for a login), but agents see that nobody
vouches for who wrote it, in the queue, the conversation and the ticket."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest

from bot import store, texts
from bot.console import add_agent
from tests.stack import WebVisitor

PASSWORD = "unverified pass 2026"


@pytest.mark.model
def test_a_web_visitors_gas_leak_is_answered_and_marked_unverified(stack, webchat, console,
                                                                    monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", stack.database_url)
    visitor = WebVisitor(webchat)
    reply = " ".join(visitor.say("厨房里好大一股煤气味，好像是燃气泄漏了"))
    assert "燃气" in reply or "煤气" in reply, reply
    assert re.search(r"BX-\d{8}-\d{4}", reply), "a ticket is written at once"
    [escalation] = store.waiting_escalations("web", visitor.session)
    assert escalation.priority == 1

    login = f"verify-{uuid.uuid4().hex[:6]}"
    add_agent(login, "周洁", "agent", PASSWORD)
    agent = httpx.Client(base_url=console, timeout=60)
    assert agent.post("/api/sign-in", json={"login": login, "password": PASSWORD},
                      headers={"X-Console": "1"}).status_code == 200
    [entry] = [e for e in agent.get("/api/queue").json()["open"] if e["id"] == escalation.id]
    assert (entry["verified"], entry["verified_label"]) == (False, texts.UNVERIFIED_OWNER)
    detail = agent.get(f"/api/escalations/{escalation.id}").json()
    assert detail["escalation"]["verified_label"] == texts.UNVERIFIED_OWNER
    [ticket] = detail["tickets"]
    assert ticket["urgency"] == "emergency" and ticket["verified"] is False


def test_a_telegram_owner_is_not_marked(database) -> None:
    """The mark means something only if verified channels never carry it."""
    from datetime import datetime, timezone

    from bot.console.desk import QueueEntry
    from bot.console.views import entry_json
    from bot.handoff.escalation import escalate

    for channel, verified in (("telegram", True), ("wechat", True), ("web", False),
                              ("rest", False)):
        escalation = escalate(channel, "4242", "asked", "我要找人工", datetime.now(timezone.utc))
        view = entry_json(QueueEntry(escalation, None, None, False))
        assert view["verified"] is verified, channel
        assert (view["verified_label"] is None) is verified, channel
