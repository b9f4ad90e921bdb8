"""What the channels need remembered: delivered messages (for replay protection), owners'
attachments, undeliverable replies, and when each owner last wrote."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from bot.store.engine import session_scope
from bot.store.models import Attachment, ChannelWindow, InboundMessage, OutboundFailure, Ticket


def claim_inbound(channel: str, external_id: str, sender_id: str, kind: str,
                  at: datetime) -> bool:
    """True the first time a delivery is seen; False for a replay or a retry of it. (For
    channels whose retries must survive a crash mid-handling, see claim_delivery.)"""
    try:
        with session_scope() as session:
            session.add(InboundMessage(channel=channel, external_id=external_id,
                                       sender_id=sender_id, kind=kind, received_at=at))
            _touch_window(session, channel, sender_id, at)
        return True
    except IntegrityError:
        return False


def claim_delivery(channel: str, external_id: str, sender_id: str, kind: str, at: datetime,
                   lease: timedelta) -> str:
    """Claim one delivery for handling, across processes: "new" (handle it), "handled"
    (a replay: already done), or "in_progress" (another process has it right now). A claim
    older than `lease` and never finished belonged to a process that died: it is taken over
    ("new") by whoever sees it next, so the channel's retry is handled once, not lost."""
    if claim_inbound(channel, external_id, sender_id, kind, at):
        return "new"
    with session_scope() as session:
        row = session.execute(
            select(InboundMessage).where(InboundMessage.channel == channel,
                                         InboundMessage.external_id == external_id)
        ).scalar_one()
        if row.handled_at is not None:
            return "handled"
        if at - row.received_at < lease:
            return "in_progress"
        taken = session.execute(
            update(InboundMessage)
            .where(InboundMessage.id == row.id, InboundMessage.handled_at.is_(None),
                   InboundMessage.received_at == row.received_at)
            .values(received_at=at).execution_options(synchronize_session=False)
        ).rowcount == 1
        return "new" if taken else "in_progress"


def release_delivery(channel: str, external_id: str) -> None:
    """Give up an unfinished claim (its handling failed), so the next delivery is new."""
    with session_scope() as session:
        session.execute(
            delete(InboundMessage)
            .where(InboundMessage.channel == channel, InboundMessage.external_id == external_id,
                   InboundMessage.handled_at.is_(None))
            .execution_options(synchronize_session=False))


def finish_delivery(channel: str, external_id: str, at: datetime) -> None:
    with session_scope() as session:
        session.execute(
            update(InboundMessage)
            .where(InboundMessage.channel == channel, InboundMessage.external_id == external_id)
            .values(handled_at=at).execution_options(synchronize_session=False))


def _touch_window(session, channel: str, sender_id: str, at: datetime) -> None:  # type: ignore[no-untyped-def]
    window = session.execute(
        select(ChannelWindow).where(ChannelWindow.channel == channel,
                                    ChannelWindow.sender_id == sender_id)
    ).scalar_one_or_none()
    if window is None:
        session.add(ChannelWindow(channel=channel, sender_id=sender_id, last_inbound_at=at))
    elif window.last_inbound_at < at:
        window.last_inbound_at = at


def remember_offered(channel: str, sender_id: str, options: list[dict] | None) -> None:
    """The buttons just offered as numbered options (None: nothing on offer any more)."""
    with session_scope() as session:
        session.execute(
            update(ChannelWindow)
            .where(ChannelWindow.channel == channel, ChannelWindow.sender_id == sender_id)
            .values(offered=json.dumps(options, ensure_ascii=False) if options else None)
            .execution_options(synchronize_session=False))


def offered_to(channel: str, sender_id: str) -> list[dict] | None:
    with session_scope() as session:
        raw = session.execute(
            select(ChannelWindow.offered).where(ChannelWindow.channel == channel,
                                                ChannelWindow.sender_id == sender_id)
        ).scalar_one_or_none()
    return json.loads(raw) if raw else None


def last_inbound_at(channel: str, sender_id: str) -> datetime | None:
    with session_scope() as session:
        return session.execute(
            select(ChannelWindow.last_inbound_at).where(
                ChannelWindow.channel == channel, ChannelWindow.sender_id == sender_id)
        ).scalar_one_or_none()


def can_send_free_text(channel: str, sender_id: str, now: datetime, window: timedelta) -> bool:
    """Whether a free-text message can still reach this owner (WeChat's 48-hour window)."""
    last = last_inbound_at(channel, sender_id)
    return last is not None and now - last < window


def save_attachment(channel: str, sender_id: str, kind: str, reference: str,
                    path: str | None, at: datetime) -> int:
    with session_scope() as session:
        attachment = Attachment(channel=channel, sender_id=sender_id, kind=kind,
                                reference=reference, path=path, received_at=at)
        session.add(attachment)
        session.flush()
        return attachment.id


def attach_pending_to_ticket(channel: str, sender_id: str, number: str) -> int:
    """Give this owner's unattached files to the ticket just written; how many moved."""
    with session_scope() as session:
        ticket_id = session.execute(
            select(Ticket.id).where(Ticket.number == number)).scalar_one()
        moved = session.execute(
            update(Attachment)
            .where(Attachment.channel == channel, Attachment.sender_id == sender_id,
                   Attachment.ticket_id.is_(None))
            .values(ticket_id=ticket_id)
        )
        return moved.rowcount or 0


def attachments_of(number: str) -> list[tuple[str, str, str | None]]:
    """(kind, reference, saved path) of a ticket's attachments, oldest first."""
    with session_scope() as session:
        rows = session.execute(
            select(Attachment.kind, Attachment.reference, Attachment.path)
            .join(Ticket, Attachment.ticket_id == Ticket.id)
            .where(Ticket.number == number)
            .order_by(Attachment.id)
        ).all()
        return [(row.kind, row.reference, row.path) for row in rows]


def record_outbound_failure(channel: str, recipient_id: str, text: str, error: str,
                            at: datetime) -> None:
    with session_scope() as session:
        session.add(OutboundFailure(channel=channel, recipient_id=recipient_id, text=text,
                                    error=error, failed_at=at))


def outbound_failures(channel: str) -> list[tuple[str, str, str]]:
    """(recipient, text, error) of the messages that could not be delivered."""
    with session_scope() as session:
        rows = session.execute(
            select(OutboundFailure.recipient_id, OutboundFailure.text, OutboundFailure.error)
            .where(OutboundFailure.channel == channel).order_by(OutboundFailure.id)
        ).all()
        return [(row.recipient_id, row.text, row.error) for row in rows]


def inbound_count(channel: str) -> int:
    with session_scope() as session:
        return session.execute(
            select(func.count()).select_from(InboundMessage)
            .where(InboundMessage.channel == channel)).scalar_one()
