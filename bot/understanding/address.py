"""The owner's flat (building / unit / room) found in free Chinese text.

A repair order needs the flat, and owners write it a dozen ways: 3栋2单元501, 三号楼二单元五零一,
7-2-1101, A座1101室, 我家501. This module turns those into one shape and refuses the look-alikes
that sit in the same messages (phone numbers, times, dates, money, ticket numbers), because a
wrong flat sends the repairer to the wrong door.

How it reads, in order of trust:

1. Marked forms: a building with its word (5栋, 五号楼, A座, 第五幢, 3#), then optionally a unit
   (2单元, 东单元), a floor (5楼/5层, ignored: the room number carries it) and a room (501,
   501室, 五零一). A unit may also start the address (2单元501).
2. Dash forms: 7-2-1101 (building-unit-room) and 5-301 (building-room), with any dash.
3. Room only, when it is clearly a room: 3-4 digits followed by 室/房/房间/号房 or by
   (的)业主/住户/租户, or preceded by 家/住/住在/我是/房号/门牌号, or a message that is
   nothing but the room (the answer to "房号是多少?": "501", "五零一室"). Such a bare room
   must be plausible (see `room_is_plausible`), so 我家1000块, 住300天 or "3000" are not rooms.

A room without a 室/房/号 marker must be plausible too (floor 1..60, door 1..30); a marked one
only needs 3-4 digits, since the owner said it is a room.

When several addresses appear, the one with the most parts wins, then the one with a room,
then the earliest. Common areas alone (电梯, 车库, 楼道) give None; "5栋电梯坏了" gives
building "5" only, because the repairer still needs to know which building.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.understanding.numerals import NUMBER_CHARS, to_int

# Full-width digits/letters and every dash owners paste become ASCII, one character for one
# character, so match positions in the cleaned text are positions in the original text.
_FULL_WIDTH = {chr(0xFF10 + i): str(i) for i in range(10)}
_FULL_WIDTH.update({chr(0xFF21 + i): chr(ord("A") + i) for i in range(26)})
_FULL_WIDTH.update({chr(0xFF41 + i): chr(ord("a") + i) for i in range(26)})
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uff0d\ufe63\ufe58"
_TRANSLATE = str.maketrans(
    {**_FULL_WIDTH, **{d: "-" for d in _DASHES}, "\uff03": "#", "\u3000": " "}
)

# A numeral that does not continue another numeral or a word that makes it a count
# (这一栋, 整栋, 共十二栋, 有一栋, 几栋).
_NUM = f"[{NUMBER_CHARS}]{{1,6}}"
_NOT_AFTER = f"(?<![{NUMBER_CHARS}A-Za-z这那每哪整同隔共几有])"
_LETTER = r"(?<![A-Za-z0-9])[A-Za-z](?![A-Za-z])"

# Building word after the number. Bare 号 (3号) is only a building when a unit follows.
_BUILDING_RE = re.compile(
    rf"{_NOT_AFTER}(?:第\s*)?(?:(?P<num>{_NUM})|(?P<letter>{_LETTER}))\s*"
    r"(?P<suffix>号楼|号栋|号幢|号座|栋(?:楼(?![下上前后道梯顶门]))?|幢(?:楼(?![下上前后道梯顶门]))?|"
    r"座(?![机位谈])|#(?:楼(?![下上前后道梯顶门]))?|号(?!码|房|室))"
)
_UNIT_RE = re.compile(
    rf"{_NOT_AFTER}(?:第\s*)?(?P<unit>{_NUM}|{_LETTER}|[东西南北中])\s*号?\s*单元"
)
# A floor between unit and room (2单元5楼501); 楼道 / 楼下 are places, not floors.
_FLOOR_RE = re.compile(rf"(?:{_NUM})\s*(?:楼|层)(?![道下上顶梯房])")
_ROOM_RE = re.compile(
    r"(?P<room>(?<![0-9])\d{3,4}(?![0-9])|[零〇一二两三四五六七八九十百千]{3,8})"
    r"(?P<suffix>\s*(?:号房|房间|室|房|号))?"
)
# Between parts: spaces, commas, slashes, dashes, at most three of them, and the words
# owners put between (16栋2单元 我家1103, 5栋 我住302, 3单元的1201).
_SEP_RE = re.compile(r"[\s,，、/\-]{0,3}(?:(?:我们?家|我住|住在?|家|的)(?:是|在)?[\s,，、]{0,2})?")
# Words after a number that make it an amount, a time or a date, not a room.
_MEASURE_RE = re.compile(
    r"\s*(?:元|块|毛|米|平|方|天|周|年|月|日|点|时|小时|分|秒|个|次|人|户|多|余|万|千|百|"
    r"斤|公斤|度|岁|%|％|:|：|\.\d|-\d)"
)

_DASH_RE = re.compile(
    r"(?<![0-9A-Za-z_.:/#\-])(?P<building>\d{1,3}|[A-Za-z])\s*-{1,2}\s*"
    r"(?:(?P<unit>\d{1,2})\s*-{1,2}\s*)?(?P<room>\d{3,4})(?![0-9A-Za-z_\-.:/%#])"
    r"(?:\s*(?:号房|房间|室|房))?"
)

_BARE_ROOM = (
    r"(?P<room>(?<![0-9A-Za-z\-])\d{3,4}(?![0-9])"
    r"|(?<![零〇一二两三四五六七八九十百千])[零〇一二两三四五六七八九]{3,4}(?![零〇一二两三四五六七八九十百千]))"
)
_ROOM_ONLY_RES = (
    re.compile(rf"{_BARE_ROOM}\s*(?:号房|房间|室|房)"),
    re.compile(rf"{_BARE_ROOM}\s*的?\s*(?:业主|住户|租户)"),
    re.compile(rf"(?:家|住|住在|我是|房号|房间号|门牌号?)\s*(?:在|是|:|：)?\s*{_BARE_ROOM}"),
    # A room named a few words after the word for it, as corrections say it: 房号错了，是1502;
    # 房间号应该改成602.
    re.compile(rf"(?:房号|房间号|门牌号?)[^0-9\n]{{0,8}}?(?:是|为|成|改到)\s*{_BARE_ROOM}"),
)
# A message that is nothing but a room (the answer to "房号是多少?").
_WHOLE_ROOM_RE = re.compile(rf"\s*{_BARE_ROOM}\s*(?:号房|房间|室|房|号)?\s*[。.!！]?\s*")


@dataclass(frozen=True)
class Address:
    """A flat as the repair order stores it; parts the owner did not say are None."""

    building: str | None
    unit: str | None
    room: str | None
    text: str


def room_is_plausible(room: str) -> bool:
    """Whether a 3-4 digit room reads as floor 1..60 and door 1..30 (1101 → 11 / 01).

    Used to keep bare numbers (prices, counts, years) from being taken for rooms, and by
    the dialogue to ask again when an owner's answer looks mistyped.
    """
    digits = room.strip().translate(_TRANSLATE)
    if not re.fullmatch(r"\d{3,4}", digits):
        return False
    floor, door = int(digits[:-2]), int(digits[-2:])
    return 1 <= floor <= 60 and 1 <= door <= 30


def parse_address(text: str) -> Address | None:
    """Return the flat named in `text`, or None when no flat or building is named."""
    if not text:
        return None
    cleaned = text.translate(_TRANSLATE)
    candidates: list[tuple[int, int, int, int, Address]] = []

    def add(start: int, end: int, building: str | None, unit: str | None,
            room: str | None) -> None:
        parts = sum(part is not None for part in (building, unit, room))
        if parts:
            address = Address(building, unit, room, text[start:end].strip())
            candidates.append((parts, room is not None, -start, -end, address))

    for found in _BUILDING_RE.finditer(cleaned):
        parsed = _parse_marked(cleaned, found)
        if parsed:
            add(*parsed)
    for found in _UNIT_RE.finditer(cleaned):
        parsed = _parse_from_unit(cleaned, found.start(), None, None)
        if parsed:
            add(*parsed)
    for found in _DASH_RE.finditer(cleaned):
        room = found["room"]
        if room_is_plausible(room) and not _MEASURE_RE.match(cleaned, found.end()):
            add(found.start(), found.end(), found["building"].upper(), found["unit"], room)
    if not candidates:
        for pattern in _ROOM_ONLY_RES:
            for found in pattern.finditer(cleaned):
                room = _room_value(found["room"])
                if (room and room_is_plausible(room)
                        and not _MEASURE_RE.match(cleaned, found.end("room"))):
                    add(found.start("room"), found.end(), None, None, room)
    if not candidates:
        whole = _WHOLE_ROOM_RE.fullmatch(cleaned)
        room = _room_value(whole["room"]) if whole else None
        if room and room_is_plausible(room):
            add(whole.start("room"), whole.end(), None, None, room)
    if not candidates:
        return None
    return max(candidates, key=lambda candidate: candidate[:4])[4]


def _parse_marked(
    cleaned: str, found: re.Match[str]
) -> tuple[int, int, str | None, str | None, str | None] | None:
    """Read building, then whatever unit / floor / room follows it."""
    building = _building_value(found)
    if building is None:
        return None
    parsed = _parse_from_unit(cleaned, _SEP_RE.match(cleaned, found.end()).end(),
                              building, found.start())
    bare_number = found["suffix"] == "号"
    if parsed is None or (bare_number and parsed[3] is None):
        # 3号 alone is a date or a ticket count; it is a building only before a unit.
        return None if bare_number else (found.start(), found.end(), building, None, None)
    return parsed


def _parse_from_unit(
    cleaned: str, pos: int, building: str | None, start: int | None
) -> tuple[int, int, str | None, str | None, str | None] | None:
    """From `pos`: optional unit, optional floor, optional room; None if nothing at all."""
    begin = pos if start is None else start
    end = pos
    unit = None
    unit_match = _UNIT_RE.match(cleaned, pos)
    if unit_match:
        unit = _unit_value(unit_match["unit"])
        if unit is not None:
            end = unit_match.end()
            pos = _SEP_RE.match(cleaned, end).end()
    if building is None and unit is None:
        return None
    floor_match = _FLOOR_RE.match(cleaned, pos)
    room_pos = _SEP_RE.match(cleaned, floor_match.end()).end() if floor_match else pos
    room, room_end = _read_room(cleaned, room_pos)
    if room is not None:
        end = room_end
    elif building is not None and unit is None:
        return None
    return begin, end, building, unit, room


def _read_room(cleaned: str, pos: int) -> tuple[str | None, int]:
    """The room at `pos` and where it ends; unmarked rooms must be plausible."""
    found = _ROOM_RE.match(cleaned, pos)
    if not found:
        return None, pos
    room = _room_value(found["room"])
    if room is None:
        return None, pos
    if found["suffix"]:
        return room, found.end()
    if _MEASURE_RE.match(cleaned, found.end()) or not room_is_plausible(room):
        return None, pos
    return room, found.end()


def _building_value(found: re.Match[str]) -> str | None:
    """"五" → "5", "b" → "B"; 两/俩 count buildings (两栋楼), they never name one."""
    if found["letter"]:
        return found["letter"].upper()
    number = found["num"]
    if number in ("两", "俩"):
        return None
    value = to_int(number)
    return str(value) if value and value < 1000 else None


def _unit_value(raw: str) -> str | None:
    """"二" → "2", "东" → "东", "a" → "A"."""
    if raw in "东西南北中":
        return raw
    if raw.isascii() and raw.isalpha():
        return raw.upper()
    value = to_int(raw)
    return str(value) if value and value < 100 else None


def _room_value(raw: str) -> str | None:
    """Arabic rooms keep their digits; Chinese ones (五零一, 三百零二) become digits."""
    if raw.isdigit() and raw.isascii():
        return raw
    value = to_int(raw)
    return str(value) if value is not None and 100 <= value <= 9999 else None
