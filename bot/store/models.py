"""The centre's tables. Only bot/store/ imports this module's classes to build queries."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import declarative_base, relationship
from sqlalchemy.types import TypeDecorator

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)
Base = declarative_base(metadata=metadata)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UtcDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (which keeps no zone) too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:  # type: ignore[no-untyped-def]
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: the store keeps only zone-aware times")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:  # type: ignore[no-untyped-def]
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class Department(Base):
    __tablename__ = "departments"

    code = Column(String(32), primary_key=True)
    name = Column(String(64), nullable=False)
    # Who answers for the department's tickets until a person is assigned.
    default_responsible = Column(String(64), nullable=False)


class Flat(Base):
    __tablename__ = "flats"
    __table_args__ = (UniqueConstraint("building", "unit", "room", name="uq_flats_address"),)

    id = Column(Integer, primary_key=True)
    building = Column(String(16), nullable=False)
    # "" rather than NULL when a building has no units, so the unique constraint holds.
    unit = Column(String(16), nullable=False, default="")
    room = Column(String(16), nullable=False)


class Contact(Base):
    """One person on one channel: the same owner on Telegram and WeChat is two contacts."""

    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("channel", "sender_id", name="uq_contacts_sender"),)

    id = Column(Integer, primary_key=True)
    channel = Column(String(32), nullable=False)
    sender_id = Column(String(128), nullable=False)
    name = Column(String(64))
    phone = Column(String(32))
    flat_id = Column(Integer, ForeignKey("flats.id"))
    created_at = Column(UtcDateTime(), nullable=False, default=utcnow)
    updated_at = Column(UtcDateTime(), nullable=False, default=utcnow, onupdate=utcnow)
    # For the callbacks: the owner asked not to be called back; when the flat was handed
    # over (交付) and when the owner moved in (入住), from the centre's owner register.
    do_not_disturb = Column(Boolean, nullable=False, default=False)
    delivered_on = Column(Date)
    moved_in_on = Column(Date)

    flat = relationship(Flat, lazy="joined")


class Ticket(Base):
    __tablename__ = "tickets"

    id = Column(Integer, primary_key=True)
    number = Column(String(32), nullable=False, unique=True)
    category = Column(String(16), nullable=False)  # repair / complaint / suggestion / inquiry
    urgency = Column(String(16))  # emergency / urgent / normal; repairs only
    status = Column(String(16), nullable=False)
    department_code = Column(String(32), ForeignKey("departments.code"), nullable=False)
    responsible = Column(String(64), nullable=False)
    contact_id = Column(Integer, ForeignKey("contacts.id"), nullable=False)
    flat_id = Column(Integer, ForeignKey("flats.id"))
    location = Column(String(64))  # a common area (电梯, 车库 ...) when not in a flat
    description = Column(Text, nullable=False)
    phone = Column(String(32))
    preferred_start = Column(UtcDateTime())
    preferred_end = Column(UtcDateTime())
    desired_outcome = Column(Text)
    escalated = Column(Boolean, nullable=False, default=False)
    # Set by the caller per logical request, so a retried submit never writes twice.
    request_key = Column(String(128), unique=True)
    created_at = Column(UtcDateTime(), nullable=False, default=utcnow)
    first_response_due = Column(UtcDateTime(), nullable=False)
    resolution_due = Column(UtcDateTime(), nullable=False)
    resolved_at = Column(UtcDateTime())
    closed_at = Column(UtcDateTime())

    contact = relationship(Contact, lazy="joined")
    flat = relationship(Flat, lazy="joined")
    department = relationship(Department, lazy="joined")


class TicketEvent(Base):
    """The append-only audit trail: nothing here is ever updated or deleted."""

    __tablename__ = "ticket_events"

    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("tickets.id"), nullable=False, index=True)
    at = Column(UtcDateTime(), nullable=False, default=utcnow)
    # Who did it: "assistant", "owner", or an agent as "显示名(login)".
    actor = Column(String(160), nullable=False)
    kind = Column(String(32), nullable=False)  # created / status / note / department / handoff
    from_status = Column(String(16))
    to_status = Column(String(16))
    note = Column(Text)


class TicketCounter(Base):
    """The last number issued per prefix and day: BX-20261122-0007 is (BX, 20261122) at 7."""

    __tablename__ = "ticket_counters"

    prefix = Column(String(4), primary_key=True)
    day = Column(String(8), primary_key=True)
    last = Column(Integer, nullable=False, default=0)


class Escalation(Base):
    """A conversation that needs a person: the owner asked, the assistant failed twice, an
    emergency, a serious or repeated complaint, an angry owner. Agents work the queue by
    priority (1 first) and due time."""

    __tablename__ = "escalations"

    id = Column(Integer, primary_key=True)
    channel = Column(String(32), nullable=False)
    sender_id = Column(String(128), nullable=False)
    reason = Column(String(32), nullable=False)
    priority = Column(Integer, nullable=False)
    due_at = Column(UtcDateTime(), nullable=False)
    status = Column(String(16), nullable=False, default="waiting")  # waiting / held / returned
    holder = Column(String(64))  # the agent holding the conversation
    ticket_number = Column(String(32))
    last_message = Column(Text)
    summary = Column(Text)  # what the agent handed back with
    created_at = Column(UtcDateTime(), nullable=False, default=utcnow)
    taken_at = Column(UtcDateTime())
    returned_at = Column(UtcDateTime())


class EscalationEvent(Base):
    """What happened to an escalation in the console, append-only: taken over, replies,
    internal notes, reassigned, handed back; each with the agent who did it."""

    __tablename__ = "escalation_events"

    id = Column(Integer, primary_key=True)
    escalation_id = Column(Integer, ForeignKey("escalations.id"), nullable=False, index=True)
    at = Column(UtcDateTime(), nullable=False, default=utcnow)
    actor = Column(String(160), nullable=False)
    kind = Column(String(32), nullable=False)  # taken / reply / note / reassigned / handed_back
    text = Column(Text)


class InboundMessage(Base):
    """Every message a channel delivered, claimed once: the unique key is how a redelivered
    Telegram update or a WeChat retry is recognised across processes and restarts."""

    __tablename__ = "inbound_messages"
    __table_args__ = (UniqueConstraint("channel", "external_id", name="uq_inbound_messages_key"),)

    id = Column(Integer, primary_key=True)
    channel = Column(String(32), nullable=False)
    external_id = Column(String(128), nullable=False)  # update_id, MsgId, or sender+CreateTime
    sender_id = Column(String(128), nullable=False)
    kind = Column(String(16), nullable=False)  # text / photo / voice / location / contact / event
    received_at = Column(UtcDateTime(), nullable=False, default=utcnow)
    # Set once the message was handled to the end; a claim without it whose process died is
    # taken over by the channel's next retry (see store.channels.claim_delivery).
    handled_at = Column(UtcDateTime())


class Attachment(Base):
    """A photo, voice message or location an owner sent, kept for the ticket it belongs to."""

    __tablename__ = "attachments"

    id = Column(Integer, primary_key=True)
    channel = Column(String(32), nullable=False)
    sender_id = Column(String(128), nullable=False)
    kind = Column(String(16), nullable=False)  # photo / voice / location
    reference = Column(Text, nullable=False)  # the channel's file id / media id, or "lat,lon"
    path = Column(Text)  # where the downloaded file was saved, if it was
    ticket_id = Column(Integer, ForeignKey("tickets.id"), index=True)
    received_at = Column(UtcDateTime(), nullable=False, default=utcnow)


class OutboundFailure(Base):
    """A message the assistant could not deliver: never lost silently."""

    __tablename__ = "outbound_failures"

    id = Column(Integer, primary_key=True)
    channel = Column(String(32), nullable=False)
    recipient_id = Column(String(128), nullable=False)
    text = Column(Text, nullable=False)
    error = Column(Text, nullable=False)
    failed_at = Column(UtcDateTime(), nullable=False, default=utcnow)


class ChannelWindow(Base):
    """When an owner last wrote on a channel that limits free-text replies (WeChat: 48 h)."""

    __tablename__ = "channel_windows"
    __table_args__ = (UniqueConstraint("channel", "sender_id", name="uq_channel_windows_sender"),)

    id = Column(Integer, primary_key=True)
    channel = Column(String(32), nullable=False)
    sender_id = Column(String(128), nullable=False)
    last_inbound_at = Column(UtcDateTime(), nullable=False)
    # The buttons last offered as numbered options (JSON), so "1" means the first of them
    # on whichever replica the owner's answer reaches.
    offered = Column(Text)


class Agent(Base):
    """A person who signs in to the agents' console. Switched off, never deleted, so the
    names on tickets and escalations keep pointing at someone."""

    __tablename__ = "agents"

    id = Column(Integer, primary_key=True)
    login = Column(String(64), nullable=False, unique=True)
    display_name = Column(String(64), nullable=False)
    role = Column(String(16), nullable=False)  # agent / supervisor
    password_hash = Column(String(255), nullable=False)  # scrypt$n$r$p$salt$hash
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(UtcDateTime(), nullable=False, default=utcnow)


class AgentSession(Base):
    """A console sign-in. Only the SHA-256 of the session token is kept, so reading this
    table does not let anyone act as the agent."""

    __tablename__ = "agent_sessions"

    id = Column(Integer, primary_key=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    agent_id = Column(Integer, ForeignKey("agents.id"), nullable=False, index=True)
    created_at = Column(UtcDateTime(), nullable=False, default=utcnow)
    expires_at = Column(UtcDateTime(), nullable=False)
    last_seen_at = Column(UtcDateTime(), nullable=False, default=utcnow)


class Callback(Base):
    """One callback (回访) owed to one owner: planned once (the dedupe key), claimed by one
    scheduler at a time, and ended with a recorded outcome."""

    __tablename__ = "callbacks"

    id = Column(Integer, primary_key=True)
    # "ticket:BX-…", "delivery:2026-10:<contact>", "living:<contact>", "opinion:2026H2:<contact>"
    dedupe_key = Column(String(160), nullable=False, unique=True)
    kind = Column(String(16), nullable=False)  # ticket / delivery / living / opinion
    contact_id = Column(Integer, ForeignKey("contacts.id"), nullable=False, index=True)
    ticket_number = Column(String(32))
    # scheduled / calling / answered / refused / unreachable / handed_to_person
    status = Column(String(24), nullable=False, default="scheduled", index=True)
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(UtcDateTime(), nullable=False, index=True)
    last_attempt_at = Column(UtcDateTime())
    claimed_by = Column(String(64))
    step = Column(Integer, nullable=False, default=0)  # the question being asked
    dissatisfied = Column(Boolean, nullable=False, default=False)
    outcome_note = Column(Text)
    created_at = Column(UtcDateTime(), nullable=False, default=utcnow)
    completed_at = Column(UtcDateTime())

    contact = relationship(Contact, lazy="joined")


class CallbackAnswer(Base):
    """Every answer an owner gave in a callback, as said: nothing is summarised away."""

    __tablename__ = "callback_answers"

    id = Column(Integer, primary_key=True)
    callback_id = Column(Integer, ForeignKey("callbacks.id"), nullable=False, index=True)
    question = Column(String(32), nullable=False)  # the script's key: result / process / …
    scale = Column(Integer)  # 5 很满意 … 1 很不满意, for scale questions
    text = Column(Text, nullable=False)
    at = Column(UtcDateTime(), nullable=False, default=utcnow)


class ConversationEvent(Base):
    """What the event broker reported, kept for the conversation analytics: owner messages
    (with channel, intent, and whether the assistant understood) and hand-offs. The unique
    key makes a redelivered broker message harmless."""

    __tablename__ = "conversation_events"
    __table_args__ = (UniqueConstraint("sender_id", "at", "kind",
                                       name="uq_conversation_events_key"),)

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(128), nullable=False)
    at = Column(UtcDateTime(), nullable=False, index=True)
    kind = Column(String(16), nullable=False)  # message / handoff / takeover
    channel = Column(String(32))
    intent = Column(String(64))
    fallback = Column(Boolean, nullable=False, default=False)


class WeChatNonce(Base):
    """The timestamp and nonce of every WeChat push accepted lately, with a digest of the
    message it carried. WeChat's signature covers the token, the timestamp and the nonce
    (and, in safe mode, the cipher text) but not a plain-mode body, so a signed query read
    from an access log could otherwise carry any message. The same pair again is WeChat's
    retry when the message is the same, and a replay (refused) when it is not. A row whose
    push is older than the channel's timestamp window is pruned: such a push is refused by
    the clock anyway. The unique key leads with the time, so pruning reads its index."""

    __tablename__ = "wechat_nonces"
    __table_args__ = (UniqueConstraint("pushed_at", "nonce", name="uq_wechat_nonces_key"),)

    id = Column(Integer, primary_key=True)
    pushed_at = Column(UtcDateTime(), nullable=False)  # the push's signed `timestamp`
    nonce = Column(String(64), nullable=False)
    digest = Column(String(64), nullable=False)  # SHA-256 (hex) of the message's XML
    seen_at = Column(UtcDateTime(), nullable=False, default=utcnow)


class SignInFailure(Base):
    """A console sign-in that failed, or is still being checked: written before the password
    is, and deleted when it proves right, so parallel guesses are all counted. Kept only as
    long as the throttling window (bot/store/sign_ins.py)."""

    __tablename__ = "sign_in_failures"

    id = Column(Integer, primary_key=True)
    # The login as typed, normalised (or a digest of it when it could be no one's login):
    # unknown logins are counted like known ones.
    login = Column(String(160), nullable=False, index=True)
    address = Column(String(64), nullable=False, index=True)  # the client, as the server saw it
    at = Column(UtcDateTime(), nullable=False, index=True)


class SignInLock(Base):
    """A login or a client address refused at sign-in until `until`, after too many failures.
    One row per login or address: the unique key lets only one of several racing processes
    lock it (and write the audit entry)."""

    __tablename__ = "sign_in_locks"
    __table_args__ = (UniqueConstraint("scope", "key", name="uq_sign_in_locks_key"),)

    id = Column(Integer, primary_key=True)
    scope = Column(String(16), nullable=False)  # login / address
    key = Column(String(160), nullable=False)
    at = Column(UtcDateTime(), nullable=False)
    until = Column(UtcDateTime(), nullable=False)


class ConsoleEvent(Base):
    """The console's own audit trail, append-only, for what concerns no conversation and no
    ticket (those have escalation_events and ticket_events): sign-in lock-outs."""

    __tablename__ = "console_events"

    id = Column(Integer, primary_key=True)
    at = Column(UtcDateTime(), nullable=False, default=utcnow, index=True)
    actor = Column(String(160), nullable=False)  # who caused it: the client address, or an agent
    kind = Column(String(32), nullable=False)  # sign_in_locked
    subject = Column(String(200))  # what it concerns: "login:wang", "address:203.0.113.7"
    text = Column(Text)  # what happened, in Chinese, as a supervisor reads it
