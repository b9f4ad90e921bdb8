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


@pytest.mark.parametrize(
    "text",
    ["BX-20261201-0003", "bx-20261201-0003", "BX202612010003", "bx20261201 0003",
     "BX－20261201－0003", "ｂｘ２０２６１２０１０００３", "单号是BX-20261201-0003", "TS-20261202-0001?"],
)
def test_a_bare_ticket_number_is_a_status_question(text: str) -> None:
    """What the assistant tells owners to send ("发送单号即可") is read as asking for it,
    whatever the model made of it (it said goodbye)."""
    for model in ("goodbye", "greet", "out_of_scope", "affirm", "ask_procedure",
                  "check_ticket_status", None):
        assert overruled_intent(text, model) == "check_ticket_status"


def test_a_ticket_number_keeps_a_report_a_complaint_or_a_person() -> None:
    assert overruled_intent("BX-20261201-0003 又漏水了", "report_repair") is None
    assert overruled_intent("BX-20261201-0003 我要投诉", "file_complaint") is None
    assert overruled_intent("BX-20261201-0003 转人工", "request_human") is None
    assert overruled_intent("BX-20261201-0003 三天了还没人来", "check_ticket_status") == "file_complaint"
    assert overruled_intent("13800138000", "goodbye") is None


@pytest.mark.parametrize("model", ["greet", "goodbye", "thank", "out_of_scope"])
def test_an_angry_message_is_not_small_talk(model: str) -> None:
    assert overruled_intent("气死了，再见", model) == "file_complaint"
    assert overruled_intent("你们物业到底管不管!!!", model) == "file_complaint"


@pytest.mark.parametrize("text", ["谢谢!!!", "太好了!!!", "你好!!!"])
def test_a_pleased_owner_is_not_angry(text: str) -> None:
    from bot.understanding.emotion import is_angry

    assert not is_angry(text)
    assert overruled_intent(text, "thank") is None


def test_a_complaint_cue_settles_an_unsure_complaint() -> None:
    assert overruled_intent("楼下垃圾桶好几天没人清理了", "file_complaint") == "file_complaint"


@pytest.mark.parametrize("text", ["JY-20261202-0001", "查一下 jy-20261202-0001 进度",
                                  "单号：BX202612020001"])
def test_a_number_alone_is_a_status_question_even_when_the_model_says_repair(text: str) -> None:
    assert overruled_intent(text, "report_repair") == "check_ticket_status"
