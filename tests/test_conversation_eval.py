"""The blind-conversation player (tools/conversation_eval.py) on conversations of our own:
it answers what the form asks, finds the ticket the conversation wrote, and flags an ending
that differs from what was promised."""

from __future__ import annotations

import pytest

from tools.conversation_eval import play

pytestmark = pytest.mark.model

REPAIR = {
    "id": "own-1",
    "opening": ["你好,我家卧室门把手松了,关门有点费劲"],
    "answers": {"location": "9号楼1单元1201", "phone": "13612345678", "visit": "随时都可以",
                "confirm": "对"},
    "expect": {"outcome": "ticket", "category": "repair", "urgency": "normal",
               "flat": {"building": "9", "unit": "1", "room": "1201"}, "phone": "13612345678"},
}


def test_a_conversation_that_ends_as_promised_passes(stack, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", stack.database_url)
    played = play(REPAIR, stack.rasa_url)
    assert played.promised, played.problems
    assert [owner for owner, _ in played.said][-1] == "对", "it confirmed the summary"


def test_an_ending_that_differs_is_flagged(stack, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", stack.database_url)
    wrong = REPAIR | {"id": "own-2", "expect": REPAIR["expect"] | {
        "phone": "13900000000", "flat": {"building": "8", "unit": "1", "room": "1201"}}}
    played = play(wrong, stack.rasa_url)
    assert not played.promised
    assert any("phone" in p for p in played.problems) and any("flat" in p for p in played.problems)
