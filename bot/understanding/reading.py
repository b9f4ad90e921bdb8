"""One owner message read as a whole: the model's intent joined with the rule-based facts.

This is the contract `python -m bot understand` prints and the forms build on. The model
is passed in as a plain intent guess, so this stays a pure function, testable without Rasa.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.understanding.address import parse_address
from bot.understanding.phone import find_phone
from bot.understanding.urgency import Urgency, classify_urgency
from bot.understanding.when import When, parse_when

REPAIR_INTENT = "report_repair"


@dataclass(frozen=True)
class Reading:
    """What the assistant understood from one message; absent facts are None."""

    text: str
    intent: str | None
    confidence: float
    urgency: Urgency | None
    building: str | None
    unit: str | None
    room: str | None
    phone: str | None
    when: datetime | None
    when_end: datetime | None = None
    when_problem: str | None = None

    def to_contract(self) -> dict[str, Any]:
        """The JSON object of the `bot understand` contract, keys in their documented order."""
        return {
            "text": self.text,
            "intent": self.intent,
            "confidence": round(self.confidence, 4),
            "urgency": self.urgency,
            "building": self.building,
            "unit": self.unit,
            "room": self.room,
            "phone": self.phone,
            "when": self.when.isoformat() if self.when else None,
        }


def read_message(
    text: str, intent: str | None, confidence: float, now: datetime
) -> Reading:
    """Join the model's intent with address, phone, time and urgency rules.

    The intent arrives already corrected by bot.understanding.intent_rules (it runs inside
    the Rasa pipeline), so an emergency is a repair here too.
    """
    urgency = classify_urgency(text)
    address = parse_address(text)
    when = parse_when(text, now)
    is_when = isinstance(when, When)
    return Reading(
        text=text,
        intent=intent,
        confidence=confidence,
        urgency=urgency if intent == REPAIR_INTENT else None,
        building=address.building if address else None,
        unit=address.unit if address else None,
        room=address.room if address else None,
        phone=find_phone(text),
        when=when.start if is_when else None,
        when_end=when.end if is_when else None,
        when_problem=None if when is None or is_when else when.reason,
    )
