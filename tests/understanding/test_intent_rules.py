"""Rules that overrule the model: emergencies are repairs, blame is a complaint."""

from __future__ import annotations

import pytest

from bot.understanding.intent_rules import complaint_cue, overruled_intent


@pytest.mark.parametrize(
    ("text", "model", "expected"),
    [
        ("楼道里一股很浓的煤气味,你们到底管不管", "file_complaint", "report_repair"),
        ("电梯困人了", "request_human", "report_repair"),
        ("家里水管爆了", "report_repair", None),
        ("报修三天了还没人来", "report_repair", "file_complaint"),
        ("上周报的漏水到现在都没修好", "check_ticket_status", "file_complaint"),
        ("师傅来了态度很差还没修好", "check_ticket_status", "file_complaint"),
        ("上个月报的墙面渗水到现在都没处理,你们效率太低了", "report_repair", "file_complaint"),
        ("卫生间漏水了", "report_repair", None),
        ("卫生间灯坏了两天了,今天有空来换一下吗", "report_repair", None),
        ("我报的维修到哪一步了", "check_ticket_status", None),
        # Only the measured confusions are overruled: a question stays a question.
        ("投诉处理效率太低了怎么办,有没有监督电话", "ask_procedure", None),
        ("燃气费怎么交", "ask_procedure", None),
    ],
)
def test_overrules(text: str, model: str, expected: str | None) -> None:
    assert overruled_intent(text, model) == expected


def test_the_cue_is_reported() -> None:
    assert complaint_cue("报修三天了还没人来") == "报修三天了还没人"
    assert complaint_cue("楼道灯不亮") is None
