"""Urgency tiers from DOMAIN.md; a missed emergency is the worst error, so most cases are here."""

from __future__ import annotations


import pytest

from bot.understanding.urgency import (
    CUES,
    assess_urgency,
    classify_urgency,
    urgency_reasons,
)

EMERGENCIES = [
    # gas
    "家里有燃气味",
    "厨房一股煤气味",
    "闻到一股气味，好像是燃气",
    "天然气泄漏了快来人",
    "燃气泄露",
    "煤汽味很重",
    "然气好像漏了",
    "燃气表那边在漏气",
    "热水器漏气",
    "家里有股煤气的味道",
    "煤气罐漏气了",
    "有股臭鸡蛋味",
    "是不是燃气泄漏啊，味道很大",
    "燃气报警器一直在响",
    "我刚回家没多久就闻到燃气味",
    "别人家有燃气味",
    # trapped in a lift
    "我被困在电梯里了",
    "电梯里关人了",
    "3号楼电梯困人了",
    "电梯卡住了，里面有人",
    "孩子卡在电梯里出不来",
    "有没有人被困我不知道，电梯停在半空",
    "电梯门夹到小孩了",
    "电梯突然往下掉",
    "电梯把人关里面了",
    "电梯停了，我妈还在里面",
    "我在电梯里出不去了",
    "电梯门打不开，里面有老人",
    "电梯停了，里面有没有人不知道",
    "电梯里困了人快来",
    "2号电梯困了两个人",
    # burst pipe / flooding
    "水管爆了",
    "厨房水管裂开了一直喷水",
    "家里淹了",
    "水漫金山了",
    "卫生间水漫出来了，到处都是水",
    "楼上漏水把我家淹了",
    "地下室被淹了",
    "不是漏水，是水管爆了",
    # fire or smoke
    "楼下着火了",
    "楼道冒烟",
    "配电箱冒黑烟",
    "有一股烧焦味",
    "插座冒火花",
    "没想到厨房冒烟了",
    "烟感报警器一直响",
    "厨房起火了",
    "家里全是烟",
    "墙上的插座烧了",
    # falling from the facade
    "外墙瓷砖掉下来了",
    "墙皮掉下来砸到人",
    "高空坠物差点砸到我",
    "楼上玻璃掉下来了",
    "空调外机摇摇欲坠",
    "楼上有人扔东西下来",
    "天花板掉下来了",
    "地面塌陷了",
    # other
    "有人触电了",
    "救命",
]

URGENT = [
    "卫生间漏水",
    "天花板渗水",
    "楼上往下滴水",
    "漏睡了，快来看看",
    "厨房水管漏了",
    "家里停电了",
    "跳闸了推不上去",
    "我家没电了",
    "家里没水了",
    "一直停水",
    "电梯坏了",
    "电梯停了",
    "电梯又不动了",
    "电体坏了",
    "电梯坏了但没人被困",
    "电梯坏了，还好没有人被关在里面",
    "门禁坏了进不去",
    "门卡刷不开",
    "被锁在外面了",
    "钥匙锁在家里了",
    "不是燃气味，是漏水",
    "漏电保护器跳闸了",
    "家里水龙头关不住",
    "管子一直滴答",
    "楼道积水很深",
    "楼顶漏雨",
    "电梯有异响",
    "门锁坏了进不了家",
    "电梯停了，人都出来了",
    "家里进水了",
]

NORMAL = [
    "",
    "   ",
    "🙂🙂🙂",
    "楼道灯不亮",
    "墙面裂缝",
    "纱窗坏了",
    "下水道堵了",
    "燃气费怎么交",
    "天然气开户需要什么材料",
    "电梯广告太吵",
    "电梯里有人抽烟",
    "没有燃气味",
    "家里并没有闻到什么燃气味",
    "不是漏水",
    "没人被困",
    "燃气灶打不着火",
    "手机没电了",
    "我们楼没电梯",
    "万一燃气泄漏怎么办",
    "如果发生火灾怎么逃生",
    "被噪音困扰好几天了",
    "火灾保险怎么买",
    "楼道堆满杂物有火灾隐患",
    "燃气泄漏报警器怎么安装",
    "服务没水平",
    "虽然气温低，但是还好",
    "不是没电，是灯泡坏了",
    "什么时候交物业费",
    "停水通知什么时候发",
    "小程序进不去",
    "窗户漏风",
    "谢谢",
    "没水压",
    "水压很小",
    "暖气不热",
    "空调坏了",
    "燃气公司电话多少",
    "消防演习是哪天",
    "防火门关不上",
    "油烟机不抽烟了",
    "卫生间地漏返味",
    "热水器不出热水",
    "电梯按钮不灵",
]


@pytest.mark.parametrize("text", EMERGENCIES)
def test_emergency(text: str) -> None:
    assert classify_urgency(text) == "emergency"


@pytest.mark.parametrize("text", URGENT)
def test_urgent(text: str) -> None:
    assert classify_urgency(text) == "urgent"


@pytest.mark.parametrize("text", NORMAL)
def test_normal(text: str) -> None:
    assert classify_urgency(text) == "normal"


@pytest.mark.parametrize(
    ("text", "reasons"),
    [
        ("家里有燃气味", ["疑似燃气泄漏"]),
        ("电梯里关人了", ["有人被困"]),
        ("水管爆了", ["爆管或水淹"]),
        ("楼道冒烟", ["疑似火情"]),
        ("外墙瓷砖掉下来了", ["高空坠物危险"]),
        ("卫生间漏水", ["漏水"]),
        ("家里停电了", ["停电"]),
        ("家里没水了", ["停水"]),
        ("电梯坏了", ["电梯停运"]),
        ("门禁坏了进不去", ["无法进入楼栋"]),
        ("楼道灯不亮", []),
        # only the cues at the winning level explain it, in text order, without repeats
        ("卫生间漏水，还闻到燃气味，燃气味越来越重", ["疑似燃气泄漏"]),
        ("厨房冒烟了，还有燃气味", ["疑似火情", "疑似燃气泄漏"]),
    ],
)
def test_urgency_reasons(text: str, reasons: list[str]) -> None:
    assert urgency_reasons(text) == reasons


def test_assessment_keeps_the_owners_words() -> None:
    result = assess_urgency("3栋2单元，厨房有煤气味，快来")
    assert result.level == "emergency"
    assert [(cue.code, cue.matched) for cue in result.cues] == [("gas_leak", "煤气味")]


def test_mixed_message_takes_the_most_severe_cue() -> None:
    result = assess_urgency("家里停电了，电梯也坏了，有人被困在里面")
    assert result.level == "emergency"
    assert [cue.code for cue in result.cues] == ["trapped"]


def test_negation_applies_only_to_its_own_clause() -> None:
    assert classify_urgency("没有燃气味，但是有烧焦味") == "emergency"
    assert classify_urgency("没有漏水，就是灯不亮") == "normal"


def test_negation_after_the_cue_does_not_cancel() -> None:
    # The smell going away still needs a check; leaning toward emergency is deliberate.
    assert classify_urgency("燃气味现在没有了") == "emergency"


def test_every_cue_has_a_level_and_a_label() -> None:
    assert {cue.level for cue in CUES} == {"emergency", "urgent"}
    assert all(cue.label and cue.code for cue in CUES)


@pytest.mark.parametrize(
    "text",
    [
        "燃气" * 2500,
        "没有" * 2500,
        "电梯" * 2500,
        "漏" * 5000,
        "🙂" * 5000,
        ("楼道灯不亮，" * 1000)[:5000],
    ],
)
def test_large_inputs_give_an_answer(text: str) -> None:
    # A pathological regex would hang here; pytest-timeout turns that into a failure.
    assert classify_urgency(text) in ("emergency", "urgent", "normal")


def test_long_message_with_an_emergency_at_the_end() -> None:
    text = "你好，" + "我想反映一下小区的情况，" * 400 + "现在电梯里关人了"
    assert classify_urgency(text) == "emergency"
