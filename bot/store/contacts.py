"""Contacts and their flats: who is writing, remembered across sessions."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.engine import session_scope
from bot.store.models import Contact, Flat
from bot.store.records import ContactRecord, FlatAddress


def _flat_record(flat: Flat | None) -> FlatAddress | None:
    if flat is None:
        return None
    return FlatAddress(flat.building, flat.unit or None, flat.room)


def _record(contact: Contact) -> ContactRecord:
    return ContactRecord(
        id=contact.id,
        channel=contact.channel,
        sender_id=contact.sender_id,
        name=contact.name,
        phone=contact.phone,
        flat=_flat_record(contact.flat),
    )


def find_or_add_flat(session: Session, address: FlatAddress) -> Flat:
    unit = address.unit or ""
    flat = session.execute(
        select(Flat).where(
            Flat.building == address.building, Flat.unit == unit, Flat.room == address.room
        )
    ).scalar_one_or_none()
    if flat is None:
        flat = Flat(building=address.building, unit=unit, room=address.room)
        session.add(flat)
        session.flush()
    return flat


def find_or_add_contact(session: Session, channel: str, sender_id: str) -> Contact:
    contact = session.execute(
        select(Contact).where(Contact.channel == channel, Contact.sender_id == sender_id)
    ).scalar_one_or_none()
    if contact is None:
        contact = Contact(channel=channel, sender_id=sender_id)
        session.add(contact)
        session.flush()
    return contact


def contact_profile(channel: str, sender_id: str) -> ContactRecord | None:
    """What the centre already knows about this sender, or None for a newcomer."""
    with session_scope() as session:
        contact = session.execute(
            select(Contact).where(Contact.channel == channel, Contact.sender_id == sender_id)
        ).scalar_one_or_none()
        return _record(contact) if contact else None


def remember_contact(
    channel: str,
    sender_id: str,
    *,
    phone: str | None = None,
    flat: FlatAddress | None = None,
    name: str | None = None,
) -> ContactRecord:
    """Store what the owner told us; a value not given leaves the stored one as it was."""
    with session_scope() as session:
        contact = find_or_add_contact(session, channel, sender_id)
        if phone:
            contact.phone = phone
        if name:
            contact.name = name
        if flat:
            contact.flat = find_or_add_flat(session, flat)
        session.flush()
        return _record(contact)
