"""A follow-up that names no procedure of its own is about the one just answered."""

from __future__ import annotations

import pytest

from bot.knowledge import default_knowledge


@pytest.mark.parametrize(
    ("question", "section"),
    [("那要带什么材料?", "需要准备"), ("需要准备什么", "需要准备"), ("那要多久?", "时间要求"),
     ("费用呢", "费用"), ("要交多少钱", "费用"), ("找谁办", "办理地点"), ("去哪办", "办理地点"),
     ("那要什么手续", "办理步骤")],
)
def test_after_the_renovation_answer(question: str, section: str) -> None:
    knowledge = default_knowledge()
    first = knowledge.answer("装修要怎么申请?")
    assert first.entry_id == "renovation-application"
    follow_up = knowledge.answer(question, first.entry_id)
    assert follow_up.entry_id == "renovation-application", follow_up.text
    assert follow_up.text.splitlines()[1].startswith(section), follow_up.text


def test_a_follow_up_that_names_another_procedure_goes_there() -> None:
    knowledge = default_knowledge()
    follow_up = knowledge.answer("那物品放行要带什么?", "renovation-application")
    assert follow_up.topic == "release"
    deposit = knowledge.answer("押金呢?", "renovation-application")
    assert deposit.entry_id == "renovation-deposit-refund"

