"""Where a problem is: an owner's flat, or a common area of the estate (电梯, 车库, 楼道 ...).

A common area is kept as the owner placed it, not cut down to its keyword: "14栋楼下垃圾桶旁边",
"地下车库B区", "3号楼电梯里" tell the repairer or the cleaner where to go; "垃圾桶" or "车库"
alone would not. The phrase is read as a run of place words: an area (电梯, 地下车库), a
landmark (垃圾桶, 快递柜), a zone (B区, 负一层, 3号车位) and a relation (旁边, 里, 门口),
joined at most by 的 / 那个. A landmark or a relation alone ("楼下邻居", "我家门口") is not a
place: it needs an area, or a building said with it ("14栋楼下", "5栋门口").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.understanding.address import Address, parse_address

# Areas that are a place on their own. Longest names first so 地下车库 wins over 车库.
COMMON_AREAS: tuple[str, ...] = (
    "地下停车场", "地下停车库", "地下车库", "停车场", "停车库", "地库", "车库", "电梯间",
    "电梯厅", "电梯口", "电梯", "轿厢", "消防楼梯", "楼梯间", "楼梯口", "楼梯", "楼道", "走廊",
    "过道", "入户大堂", "大堂", "门厅", "架空层", "地下室", "天台", "楼顶", "屋顶", "外墙",
    "小区门口", "小区大门", "小区北门", "小区南门", "小区东门", "小区西门", "单元门", "大门",
    "北门", "南门", "东门", "西门", "侧门", "后门", "正门", "花园", "绿化带", "草坪", "垃圾站",
    "垃圾房", "儿童乐园", "游乐场", "健身区", "篮球场", "广场", "凉亭", "水池", "消防通道",
    "安全通道", "门岗", "岗亭", "围墙", "车棚", "配电房", "水泵房", "设备间", "会所",
    "电动车棚", "自行车棚", "非机动车棚", "儿童游乐区", "游乐区", "滑梯", "中心花园", "中心广场",
    "湖边", "小路", "人行道", "主干道", "快递驿站", "充电区", "球场", "泳池", "游泳池",
)
# Things that locate a problem when said with an area, a building or a relation (楼下垃圾桶).
LANDMARKS: tuple[str, ...] = (
    "垃圾桶", "垃圾箱", "分类垃圾桶", "快递柜", "信报箱", "信箱", "充电桩", "路灯", "消防栓",
    "井盖", "道闸", "座椅", "健身器材",
)
# Where relative to the area or the building: 旁边, 里, 门口; 楼下 / 楼前 after a building.
RELATIONS: tuple[str, ...] = (
    "旁边", "边上", "附近", "对面", "里面", "里头", "外面", "门口", "门前", "入口", "出口",
    "拐角", "角落", "楼下", "楼前", "楼后", "前面", "后面", "上方", "下面", "旁", "里", "内",
    "口",
)
_NUMERAL = "[0-9一二三四五六七八九十]"
# Zones inside an area: B区, B2层, 负一层, 3号车位, 东区, 2号口.
_ZONE = (
    rf"(?:[A-Za-z]{{1,2}}{_NUMERAL}{{0,2}}|{_NUMERAL}{{1,3}}|[东西南北中])"
    r"(?:区|号车位|车位|号口|号门|号梯|号电梯|层|排|号)"
    rf"|[A-Za-z]{{1,2}}-?\d{{1,4}}号?车位"
    rf"|负{_NUMERAL}{{1,2}}层?|地下{_NUMERAL}{{1,2}}层|[A-Za-z]{_NUMERAL}{{1,2}}(?![0-9])"
    rf"|负?{_NUMERAL}{{1,2}}楼(?![下上前后道梯顶门])"
)


def _words(words: tuple[str, ...]) -> str:
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


_AREA = _words(COMMON_AREAS)
_LANDMARK = _words(LANDMARKS)
_RELATION = _words(RELATIONS)
_JOIN = r"(?:的|那个|这个|那边的?|这边的?)?"
_TOKEN = rf"(?:{_AREA}|{_LANDMARK}|{_ZONE}|{_RELATION})"
# A phrase starts with an area, a landmark, a zone before an area, or a building relation.
_PHRASE_RE = re.compile(
    rf"(?:(?:{_ZONE}){_JOIN})*(?:{_AREA}|{_LANDMARK}|楼下|楼前|楼后|门口|门前)"
    rf"(?:{_JOIN}{_TOKEN})*"
)
_AREA_RE = re.compile(_AREA)
_LANDMARK_RE = re.compile(_LANDMARK)
_BUILDING_RELATION_RE = re.compile(r"^(?:楼下|楼前|楼后|门口|门前)")
_TRAILING_JOIN_RE = re.compile(r"(?:的|那个|这个|那边|这边)+$")
_POINTING_RE = re.compile(r"那个|这个")
# A landmark at the end after an area is what is broken, not where (小区门口的路灯不亮).
_TRAILING_LANDMARK_RE = re.compile(rf"的?(?:{_LANDMARK})$")


@dataclass(frozen=True)
class Place:
    """A flat (building and room at least), or a common area, possibly in one building."""

    address: Address | None
    common_area: str | None


def common_area_of(text: str, building_said: bool = False) -> str | None:
    """The owner's words for a common area ("楼下垃圾桶旁边", "地下车库B区"), or None.

    `building_said`: a building is named in the same message, so a relation alone
    ("14栋楼下", "5栋门口") is a place too.
    """
    best: str | None = None
    for found in _PHRASE_RE.finditer(text):
        phrase = _TRAILING_JOIN_RE.sub("", _POINTING_RE.sub("", found.group(0)))
        has_area = bool(_AREA_RE.search(phrase))
        if has_area:
            trimmed = _TRAILING_LANDMARK_RE.sub("", phrase)
            phrase = trimmed if _AREA_RE.search(trimmed) else phrase
        if not phrase:
            continue
        anchored = has_area or building_said or (
            _BUILDING_RELATION_RE.match(phrase) and _LANDMARK_RE.search(phrase))
        if not anchored:
            continue
        if best is None or len(phrase) > len(best):
            best = phrase
    return best


def find_place(text: str) -> Place | None:
    """The flat or common area a message names, or None when it names neither.

    A flat with its room wins over a common area in the same message ("5栋2单元302门口的
    楼道灯" is about the flat's own landing only when no room is said)."""
    address = parse_address(text)
    if address is not None and address.room:
        return Place(address, None)
    area = common_area_of(text, building_said=address is not None and address.building is not None)
    if area and address is not None and address.unit and area.startswith("单元"):
        area = area[len("单元"):] or area  # 2单元门 is read as unit 2 and the 单元门
    if address is None and area is None:
        return None
    return Place(address, area)
