"""Reading survey answers as owners write them, and the hours a callback may happen."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.surveys.answers import read_scale, read_yes_no, says_nothing_more, wants_no_more_calls
from bot.surveys.calendar import HoursError, is_allowed, next_allowed
from bot.surveys.scripts import ScriptError, load_script, load_scripts
from bot.tickets.clocks import CENTRE_TZ


@pytest.mark.parametrize("text, value", [
    ("很满意", 5), ("非常满意!", 5), ("满意", 4), ("挺好的", 4), ("不错", 4), ("一般", 3),
    ("还行吧", 3), ("差不多", 3), ("不满意", 2), ("不太满意,师傅来晚了", 2),
    ("很不满意", 1), ("非常不满意!!", 1), ("太差了", 1), ("打5分", 5), ("1", 1),
    ("你们什么时候来修电梯", None), ("", None),
])
def test_the_five_steps_from_buttons_and_free_text(text: str, value: int | None) -> None:
    assert read_scale(text) == value


@pytest.mark.parametrize("text, value", [
    ("方便", True), ("好的", True), ("可以,你说", True), ("嗯", True), ("需要", True),
    ("现在不方便", False), ("没空", False), ("不需要", False), ("不用了", False),
    ("楼下在施工吗", None),
])
def test_yes_and_no(text: str, value: bool | None) -> None:
    assert read_yes_no(text) is value


def test_do_not_disturb_and_nothing_more() -> None:
    assert wants_no_more_calls("以后不要再打扰我了")
    assert wants_no_more_calls("别再发回访了")
    assert not wants_no_more_calls("满意")
    assert says_nothing_more("没有")
    assert not says_nothing_more("没有及时清理垃圾")


FRIDAY = datetime(2027, 1, 8, tzinfo=CENTRE_TZ)


@pytest.mark.parametrize("hour, minute, expected", [
    (8, 59, (8, 9, 0)),    # before 9:00 → 9:00 the same day
    (9, 0, (8, 9, 0)),
    (12, 30, (8, 14, 0)),  # noon rest → 14:00
    (19, 59, (8, 19, 59)),
    (20, 0, (9, 9, 0)),    # evening → next morning
    (23, 30, (9, 9, 0)),
])
def test_no_callback_in_rest_time(hour: int, minute: int, expected: tuple[int, int, int]) -> None:
    moment = FRIDAY.replace(hour=hour, minute=minute)
    day, h, m = expected
    assert next_allowed(moment) == FRIDAY.replace(day=day, hour=h, minute=m)


def test_the_hours_are_configurable_and_checked(monkeypatch) -> None:
    monkeypatch.setenv("CALLBACK_HOURS", "10:00-11:00")
    assert not is_allowed(FRIDAY.replace(hour=9, minute=30))
    assert next_allowed(FRIDAY.replace(hour=11)) == FRIDAY.replace(day=9, hour=10)
    monkeypatch.setenv("CALLBACK_HOURS", "14:00-12:00")
    with pytest.raises(HoursError, match="CALLBACK_HOURS"):
        is_allowed(FRIDAY)
    monkeypatch.setenv("CALLBACK_HOURS", "nine to five")
    with pytest.raises(HoursError, match="CALLBACK_HOURS"):
        is_allowed(FRIDAY)


def test_every_script_loads_and_a_broken_one_says_why(tmp_path) -> None:
    scripts = load_scripts()
    assert set(scripts) == {"ticket", "delivery", "living", "opinion"}
    assert [q.key for q in scripts["ticket"].questions if q.type == "scale"] == [
        "result", "process", "person"]
    broken = tmp_path / "broken.yml"
    broken.write_text("kind: x\nquestions:\n  - key: a\n    type: scale\n    ask: 好吗\n",
                      encoding="utf-8")
    with pytest.raises(ScriptError, match="consent"):
        load_script(broken)
