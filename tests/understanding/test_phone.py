"""Phone numbers the repairer can call, and digit runs that must not be taken for one."""

from __future__ import annotations


import pytest

from bot.understanding.phone import find_phone, is_valid_mobile


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("138—0013—8000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("+8613800138000", "13800138000"),
        ("＋86 13800138000", "13800138000"),
        ("+86-138-0013-8000", "13800138000"),
        ("(+86)13800138000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("86 13800138000", "13800138000"),
        ("0086 13800138000", "13800138000"),
        ("008613800138000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
        ("电话13800138000谢谢", "13800138000"),
        ("我的手机是19912345678，下午在家", "19912345678"),
        ("联系人王先生 15012345678", "15012345678"),
        ("3栋2单元501，电话：177 1234 5678", "17712345678"),
        ("手机:19912345678,座机010-12345678", "19912345678"),
        ("座机010-12345678", "010-12345678"),
        ("0755-86001234", "0755-86001234"),
        ("号码13800138000和13900139000都行", "13800138000"),
    ],
)
def test_find_phone(text: str, expected: str) -> None:
    assert find_phone(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "🙂📞",
        "138001380001",  # 12 digits
        "1380013800",  # 10 digits
        "12345678901",  # starts with 12
        "10012345678",  # starts with 10
        "11012345678",  # starts with 11
        "BX-20261122-0007",
        "工单BX13800138000",
        "工单号BX-13800138000-01",
        "订单号2026112213800138000",
        "138 0013 800",
        "11月25日15:30",
        "3栋2单元501",
        "2026-11-25",
        "物业费1380元",
        "13800138000abc",
    ],
)
def test_not_a_phone(text: str) -> None:
    assert find_phone(text) is None


@pytest.mark.parametrize(
    ("answer", "valid"),
    [
        ("13800138000", True),
        (" 13800138000 ", True),
        ("138 0013 8000", True),
        ("138-0013-8000", True),
        ("+86 138 0013 8000", True),
        ("0086-13800138000", True),
        ("１３８００１３８０００", True),
        ("19912345678", True),
        ("", False),
        ("1380013800", False),
        ("138001380001", False),
        ("12800138000", False),
        ("我的手机13800138000", False),
        ("010-12345678", False),
        ("abc", False),
        ("13800138000 13900139000", False),
    ],
)
def test_is_valid_mobile(answer: str, valid: bool) -> None:
    assert is_valid_mobile(answer) is valid


@pytest.mark.parametrize("text", ["1" * 5000, "138 " * 1250, "-8" * 2500, "🙂" * 5000])
def test_large_inputs_give_an_answer(text: str) -> None:
    # A pathological regex would hang here; pytest-timeout turns that into a failure.
    assert find_phone(text) in (None, "13813813813")
    assert is_valid_mobile(text) is False
