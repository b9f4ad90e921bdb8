"""Who a conversation belongs to, decided by the server and never by a request body.

Every conversation id Rasa sees carries the channel that proved it (``telegram:<chat id>``,
``wechat:<openid>``, ``web:<session>``, ``rest:<sender>``), so no channel can reach another
channel's conversation, and the channel is read from the id, never from a request's
``input_channel``. The data layer keeps the two parts apart (``channel``, ``sender_id``).
"""

from __future__ import annotations

from dataclasses import dataclass

TELEGRAM = "telegram"
WECHAT = "wechat"
WEB = "web"
REST = "rest"
CHANNELS = (TELEGRAM, WECHAT, WEB, REST)
# Channels whose platform vouches for the account behind an id (a Telegram chat, a WeChat
# openid). A web chat session or a REST sender is anyone: agents see them as unverified.
VERIFIED_CHANNELS = (TELEGRAM, WECHAT)
SEPARATOR = ":"


@dataclass(frozen=True)
class Owner:
    """One person on one channel: the channel's name and the channel's own id for them."""

    channel: str
    sender_id: str

    @property
    def conversation_id(self) -> str:
        return f"{self.channel}{SEPARATOR}{self.sender_id}"


def is_verified(channel: str) -> bool:
    return channel in VERIFIED_CHANNELS


def conversation_id(channel: str, sender_id: str) -> str:
    return Owner(channel, sender_id).conversation_id


def owner_of(conversation: str) -> Owner:
    """The owner a conversation id names. An id without a known channel (older trackers,
    Rasa's shell) is treated as the local REST channel's, the least trusted one."""
    channel, separator, sender = conversation.partition(SEPARATOR)
    if separator and channel in CHANNELS and sender:
        return Owner(channel, sender)
    return Owner(REST, conversation)


def recipient(conversation: str, channel: str) -> str:
    """The channel's own id for a conversation Rasa asks that channel to send to; the
    conversation id unchanged when it does not belong to that channel."""
    owner = owner_of(conversation)
    return owner.sender_id if owner.channel == channel else conversation
