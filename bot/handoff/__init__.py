"""Handing a conversation to a person: when, how urgently, and what the owner is told."""

from bot.handoff.escalation import escalate, waiting_message

__all__ = ["escalate", "waiting_message"]
