"""Requests for a person, recorded so none is forgotten."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.store.engine import session_scope
from bot.store.models import HandoffRequest


def record_handoff(channel: str, sender_id: str, reason: str, last_message: str | None,
                   at: datetime) -> None:
    with session_scope() as session:
        session.add(HandoffRequest(channel=channel, sender_id=sender_id, reason=reason,
                                   last_message=last_message, created_at=at))


def open_handoffs(channel: str, sender_id: str) -> list[tuple[str, str | None]]:
    """(reason, last message) of this sender's open requests, oldest first."""
    with session_scope() as session:
        rows = session.execute(
            select(HandoffRequest.reason, HandoffRequest.last_message)
            .where(HandoffRequest.channel == channel, HandoffRequest.sender_id == sender_id,
                   HandoffRequest.status == "open")
            .order_by(HandoffRequest.id)
        ).all()
        return [(row.reason, row.last_message) for row in rows]
