"""Where a problem is: an owner's flat, or a common area of the estate (电梯, 车库, 楼道 ...)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.understanding.address import Address, parse_address

# Longest names first so 地下车库 wins over 车库.
COMMON_AREAS: tuple[str, ...] = (
    "地下车库", "地下停车场", "停车场", "车库", "电梯间", "电梯", "楼梯间", "楼道", "走廊",
    "大堂", "地下室", "天台", "楼顶", "外墙", "小区门口", "小区大门", "单元门", "大门",
    "花园", "绿化带", "垃圾站", "儿童乐园", "健身区", "消防通道", "门岗", "围墙", "车棚",
)
_AREA_RE = re.compile("|".join(map(re.escape, COMMON_AREAS)))


@dataclass(frozen=True)
class Place:
    """A flat (building and room at least), or a common area, possibly in one building."""

    address: Address | None
    common_area: str | None


def find_place(text: str) -> Place | None:
    """The flat or common area a message names, or None when it names neither."""
    address = parse_address(text)
    area = _AREA_RE.search(text)
    if address is None and area is None:
        return None
    if address is not None and address.room:
        return Place(address, None)
    return Place(address, area.group(0) if area else None)
