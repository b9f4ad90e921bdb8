"""Flat addresses as owners write them, and the numbers that only look like addresses."""

from __future__ import annotations


import pytest

from bot.understanding.address import Address, parse_address, room_is_plausible


def parts(text: str) -> tuple[str | None, str | None, str | None] | None:
    found = parse_address(text)
    return None if found is None else (found.building, found.unit, found.room)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # building words
        ("五号楼", ("5", None, None)),
        ("5号楼", ("5", None, None)),
        ("5栋", ("5", None, None)),
        ("5幢", ("5", None, None)),
        ("5座", ("5", None, None)),
        ("五栋", ("5", None, None)),
        ("第五栋", ("5", None, None)),
        ("十二号楼", ("12", None, None)),
        ("A座", ("A", None, None)),
        ("A栋", ("A", None, None)),
        ("b座", ("B", None, None)),
        ("Ｂ座1101室", ("B", None, "1101")),
        # units
        ("二单元", (None, "2", None)),
        ("2单元", (None, "2", None)),
        ("东单元302", (None, "东", "302")),
        ("西单元", (None, "西", None)),
        ("2单元501", (None, "2", "501")),
        # full marked forms
        ("3栋2单元501", ("3", "2", "501")),
        ("3号楼2单元501室", ("3", "2", "501")),
        ("5号楼2单元501房", ("5", "2", "501")),
        ("3栋501", ("3", None, "501")),
        ("3栋 2单元 501", ("3", "2", "501")),
        ("3栋，2单元，1101", ("3", "2", "1101")),
        ("十二栋一单元一一零二", ("12", "1", "1102")),
        ("五号楼二单元五零一", ("5", "2", "501")),
        ("三栋三百零二室", ("3", None, "302")),
        ("A座1101室", ("A", None, "1101")),
        ("3#2单元501", ("3", "2", "501")),
        ("3号2单元501", ("3", "2", "501")),
        ("2单元5楼501", (None, "2", "501")),
        ("３栋２单元５０１", ("3", "2", "501")),
        ("7栋2单元1808室", ("7", "2", "1808")),
        # dash forms
        ("7-2-1101", ("7", "2", "1101")),
        ("5-301", ("5", None, "301")),
        ("7—2—1101", ("7", "2", "1101")),
        ("7－2－1101", ("7", "2", "1101")),
        ("7 - 2 - 1101", ("7", "2", "1101")),
        ("我家是12-1-602", ("12", "1", "602")),
        ("3-2-501室", ("3", "2", "501")),
        ("Ａ－1101", ("A", None, "1101")),
        # inside sentences
        ("3栋2单元501卫生间天花板漏水,明天下午三点家里有人", ("3", "2", "501")),
        ("你好，我住5号楼1单元1302，厨房水管漏了", ("5", "1", "1302")),
        ("电话13800138000，地址8栋3单元702", ("8", "3", "702")),
        ("11月25日下午3点来修，3栋2单元501", ("3", "2", "501")),
        # room only, when clearly a room
        ("我家501漏水", (None, None, "501")),
        ("501室马桶堵了", (None, None, "501")),
        ("1101房间没电了", (None, None, "1101")),
        ("住在三零二", (None, None, "302")),
        ("我是1101的业主", (None, None, "1101")),
        ("房号是602", (None, None, "602")),
        ("501", (None, None, "501")),
        ("五零一室", (None, None, "501")),
        # building only with a common area: the building still matters
        ("5栋电梯坏了", ("5", None, None)),
        ("3栋2单元楼道灯坏了", ("3", "2", None)),
    ],
)
def test_parse_address(text: str, expected: tuple[str | None, str | None, str | None]) -> None:
    assert parts(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "🙂🙂🙂",
        "13800138000",
        "我的电话是138 0013 8000",
        "下午3点",
        "15:30",
        "11月25日",
        "11月25号下午",
        "明天3号上午来",
        "2026-11-25",
        "BX-20261122-0007",
        "工单号BX-20261122-0007进度如何",
        "300元",
        "物业费交了1200元",
        "3天了还没人来",
        "等了1101分钟",
        "电梯坏了",
        "地下车库B2的灯不亮",
        "楼道很脏",
        "1楼大堂",
        "负一楼车库漏水",
        "这一栋楼都停电了",
        "两栋楼之间的路灯坏了",
        "我家1000块的东西被砸坏了",
        "住300天了",
        "9999室",
        "100室",
        "3000",
        "我家501元的账单",
    ],
)
def test_not_an_address(text: str) -> None:
    assert parse_address(text) is None


def test_returns_matched_span_from_the_original_text() -> None:
    found = parse_address("麻烦看下３栋２单元５０１的漏水")
    assert found == Address("3", "2", "501", "３栋２单元５０１")


def test_dash_span_keeps_unicode_dashes() -> None:
    found = parse_address("地址：7—2—1101，谢谢")
    assert found is not None and found.text == "7—2—1101"
    found = parse_address("3-2-501室漏水")
    assert found is not None and found.text == "3-2-501室"


def test_unmarked_implausible_room_is_dropped_but_building_kept() -> None:
    # 3栋 then 2023年: a year, not a room.
    assert parts("3栋2单元2023年买的房") == ("3", "2", None)
    assert parts("3栋2单元 300元") == ("3", "2", None)


def test_phone_after_building_is_not_a_room() -> None:
    assert parts("5号楼13800138000") == ("5", None, None)


def test_richest_address_wins_over_an_earlier_building() -> None:
    assert parts("5栋电梯坏了，我家是5栋1单元302") == ("5", "1", "302")


@pytest.mark.parametrize("text", ["BX-1-1101", "单号X1-2-1101", "版本1.2-301", "3-5天", "1-100"])
def test_dash_lookalikes_are_not_addresses(text: str) -> None:
    assert parse_address(text) is None


@pytest.mark.parametrize(
    ("room", "plausible"),
    [
        ("302", True),
        ("1101", True),
        ("501", True),
        ("6030", True),
        ("101", True),
        ("３０２", True),
        ("0", False),
        ("9999", False),
        ("100", False),
        ("131", False),
        ("6101", False),
        ("12", False),
        ("12345", False),
        ("", False),
        ("五零一", False),
        ("30a", False),
    ],
)
def test_room_is_plausible(room: str, plausible: bool) -> None:
    assert room_is_plausible(room) is plausible


@pytest.mark.parametrize(
    "text",
    [
        "3栋2单元501" * 700,
        "一" * 5000,
        "5" * 5000,
        "-1" * 2500,
        "栋单元室" * 1250,
        "🙂" * 5000,
    ],
)
def test_large_inputs_give_an_answer(text: str) -> None:
    # A pathological regex would hang here; pytest-timeout turns that into a failure.
    result = parse_address(text)
    assert result is None or isinstance(result, Address)


# --- common areas: a place, kept as the owner placed it (bot/understanding/places.py) ---

from bot.understanding.places import common_area_of, find_place  # noqa: E402


@pytest.mark.parametrize(
    ("text", "building", "area"),
    [
        ("14栋楼下垃圾桶旁边", "14", "楼下垃圾桶旁边"),
        ("就在14栋楼下那个垃圾桶旁边", "14", "楼下垃圾桶旁边"),
        ("地下车库B区", None, "地下车库B区"),
        ("车库B区12号车位", None, "车库B区12号车位"),
        ("3号楼电梯里", "3", "电梯里"),
        ("3号电梯", None, "3号电梯"),
        ("负一楼车库漏水", None, "负一楼车库"),
        ("1楼大堂", None, "1楼大堂"),
        ("5栋门口", "5", "门口"),
        ("小区门口的路灯不亮", None, "小区门口"),
        ("地下车库的灯坏了一个月没人修", None, "地下车库"),
        ("楼下垃圾桶好几天没人清理了", None, "楼下垃圾桶"),
        ("5栋电梯坏了", "5", "电梯"),
    ],
)
def test_a_common_area_is_kept_whole(text: str, building: str | None, area: str) -> None:
    place = find_place(text)
    assert place is not None and place.common_area == area
    assert (place.address.building if place.address else None) == building


@pytest.mark.parametrize("text", ["楼下邻居装修太吵", "我家门口", "厨房下水道堵了",
                                  "楼上装修天天吵到晚上十点", "两栋楼之间的路灯坏了"])
def test_a_relation_or_a_landmark_alone_is_not_a_place(text: str) -> None:
    assert common_area_of(text) is None


def test_a_flat_with_its_room_wins_over_a_common_area() -> None:
    place = find_place("5栋2单元302门口楼道")
    assert place is not None and place.common_area is None
    assert place.address is not None and place.address.room == "302"


def test_the_unit_door_is_not_said_twice() -> None:
    place = find_place("5栋2单元门打不开")
    assert place is not None and place.common_area == "门"
    assert (place.address.building, place.address.unit) == ("5", "2")


def test_building_words_leave_the_place_after_them() -> None:
    found = parse_address("14栋楼下垃圾桶旁边")
    assert found is not None and found.text == "14栋"
    assert parts("5栋楼2单元302") == ("5", "2", "302")


@pytest.mark.parametrize(
    ("text", "room"),
    [("房号错了，是1502", "1502"), ("房号错了，是1502不是1501", "1502"),
     ("房间号应该改成602", "602"), ("门牌号是1101", "1101")],
)
def test_a_room_named_a_few_words_after_its_word(text: str, room: str) -> None:
    assert parts(text) == (None, None, room)
