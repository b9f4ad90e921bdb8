"""Urgency tiers from DOMAIN.md; a missed emergency is the worst error, so most cases are here."""

from __future__ import annotations


import pytest

from bot import texts
from bot.understanding import urgency
from bot.understanding.urgency import (
    CODE_OF_KIND,
    CUES,
    DOUBTS,
    KIND_OF_CODE,
    assess_by_rules,
    assess_urgency,
    classify_urgency,
    danger_kind,
    doubtful_danger,
    urgency_reasons,
)
from bot.understanding.urgency_model import KINDS, ModelVerdict

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


# --- the kinds the old rules missed (written for these tests, not taken from data/) ---
# Each entry: message, its danger kind. Rules and model together must call it an emergency
# and name the kind, so the safety advice follows the danger.
GENERALIZING_EMERGENCIES = [
    # a lift stopped with someone inside, said over two clauses, without 困
    ("电梯卡在5楼跟6楼中间 我儿子还在里面", "lift"),
    ("电梯门开不了，我外婆在里头", "lift"),
    ("刚才有个大爷进了电梯 现在电梯不动了 能听见里面在敲门", "lift"),
    ("我被关在电梯里头了", "lift"),
    ("救命，电梯停了，我在里面出不去", "lift"),
    # water pouring or spreading
    ("卫生间的水哗哗往外冒", "flood"),
    ("客厅地上都成河了", "flood"),
    ("楼上的水一直往下淌 天花板跟下雨似的", "flood"),
    ("水都流到楼道里去了", "flood"),
    ("水从门缝底下往外流，走廊全湿了", "flood"),
    ("我家漏水，楼下也开始往下滴了，越来越多", "flood"),
    # pipes giving way
    ("厨房的水管崩开了", "flood"),
    ("暖气管一直滋水，满地都是", "flood"),
    ("洗手盆下面的管子往外冒水 止不住", "flood"),
    # sewage in the living room
    ("下水道返上来的污水漫到客厅了", "flood"),
    # gas without the word 泄漏
    ("厨房那股味儿老大了 就在燃气管边上", "gas"),
    ("天然气表那嘶嘶地响", "gas"),
    ("燃气管接口呲呲冒气", "gas"),
    # sparks and live wires near water or children
    ("插座一直冒火星子", "electric"),
    ("开关烧黑了还冒火花", "electric"),
    ("电线露出来了，地上全是水", "electric"),
    ("电线露在外面，孩子老去摸", "electric"),
    # smoke with people who cannot get out
    ("楼道里全是烟，我们出不去", "fire"),
    ("走廊烟很浓，老人下不了楼", "fire"),
    # facade parts hanging or flying
    ("外墙一块瓷砖悬着，随时会掉下来", "falling"),
    ("空调外机的支架锈断了，外机歪在那", "falling"),
    ("楼顶广告牌晃得厉害，有铁皮被吹下来了", "falling"),
]

# Urgent vs normal: the old rules' confusions.
GENERALIZING_URGENT = [
    "马桶彻底堵死了，用不了",
    "家里的马桶完全冲不下去",
    "家里燃气停了，灶和热水器都点不着，没有味道",
    "天然气不来气了，燃气费交过的",
    "家门的锁坏了，进不了家",
    "钥匙断在锁眼里，进不去屋",
]

GENERALIZING_NORMAL = [
    # negations and hypotheticals
    "没有燃气的味道，就是灶不好点",
    "万一燃气泄漏了应该先做什么",
    "如果电梯困人，物业多久能到",
    "要是水管冻裂了找谁修",
    # talk about an event, or a past one that is closed
    "电梯困人的时候，里面的紧急按钮能打通吗",
    "上次水管爆了，你们处理得很快，谢谢",
    "外墙没掉东西，就是颜色脏了",
    "水管没爆，是水费好像多扣了",
    # procedure questions that mention a fault
    "装修想改燃气管道，需要审批吗",
    "漏水了保险怎么理赔",
    "楼道里能不能放电动车",
]


@pytest.mark.parametrize(("text", "kind"), GENERALIZING_EMERGENCIES)
def test_emergencies_the_old_rules_missed(text: str, kind: str) -> None:
    assert classify_urgency(text) == "emergency"
    assert danger_kind(text) == kind


@pytest.mark.parametrize("text", GENERALIZING_URGENT)
def test_urgent_the_old_rules_missed(text: str) -> None:
    assert classify_urgency(text) == "urgent"


@pytest.mark.parametrize("text", GENERALIZING_NORMAL)
def test_normal_despite_danger_words(text: str) -> None:
    assert classify_urgency(text) == "normal"


# --- the combination: rules and model, the more severe wins ---

def _model_says(monkeypatch: pytest.MonkeyPatch, verdict: ModelVerdict | None) -> None:
    monkeypatch.setattr(urgency, "_model_verdict", lambda text: verdict)


def test_a_model_only_emergency_says_it_is_the_models(monkeypatch: pytest.MonkeyPatch) -> None:
    _model_says(monkeypatch, ModelVerdict("emergency", "lift", 1.0))
    result = assess_urgency("楼道灯不亮")
    assert result.level == "emergency"
    assert result.reasons == ["模型判断：疑似有人被困"]
    # the code names the lift's safety advice (utter_safety_trapped)
    assert [cue.code for cue in result.cues] == ["trapped"]
    assert danger_kind("楼道灯不亮") == "lift"


def test_the_rules_win_when_they_are_more_severe(monkeypatch: pytest.MonkeyPatch) -> None:
    _model_says(monkeypatch, ModelVerdict("normal", None, -1.0))
    assert assess_urgency("家里有燃气味").reasons == ["疑似燃气泄漏"]
    assert classify_urgency("卫生间漏水") == "urgent"


def test_a_model_only_urgent_has_a_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    _model_says(monkeypatch, ModelVerdict("urgent", None, -1.0))
    assert urgency_reasons("楼道灯不亮") == ["模型判断：需尽快处理"]


def test_both_emergency_keeps_the_rules_reasons(monkeypatch: pytest.MonkeyPatch) -> None:
    _model_says(monkeypatch, ModelVerdict("emergency", "fire", 1.0))
    assert urgency_reasons("家里有燃气味") == ["疑似燃气泄漏"]
    assert danger_kind("家里有燃气味") == "gas"


def test_a_cry_for_help_takes_the_models_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    _model_says(monkeypatch, ModelVerdict("emergency", "flood", 1.0))
    result = assess_urgency("救命")
    assert [cue.code for cue in result.cues] == ["flooding", "cry_for_help"]
    assert danger_kind("救命") == "flood"


def test_without_a_model_the_rules_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    _model_says(monkeypatch, None)
    assert classify_urgency("家里有燃气味") == "emergency"
    assert classify_urgency("楼道灯不亮") == "normal"


def test_a_broken_model_falls_back_to_the_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.understanding import urgency_model

    def broken(text: str) -> ModelVerdict:
        raise RuntimeError("no model")

    monkeypatch.setattr(urgency_model, "predict", broken)
    assert classify_urgency("电梯坏了") == "urgent"


# --- danger kind: the advice follows the danger ---

@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("家里有燃气味", "gas"),
        ("电梯里关人了", "lift"),
        ("电梯突然往下掉", "lift"),
        ("水管爆了", "flood"),
        ("楼道冒烟", "fire"),
        ("外墙瓷砖掉下来了", "falling"),
        ("插座冒火花", "electric"),
        ("有人触电了", "electric"),
        # 救命 before the lift cue: the lift's advice, not the generic 110/120 one
        ("救命啊，我被困在电梯里了", "lift"),
        ("救命 快来人 电梯卡住了 里面有小孩", "lift"),
        ("救命，厨房着火了", "fire"),
    ],
)
def test_danger_kind(text: str, kind: str) -> None:
    assert danger_kind(text) == kind
    first = assess_urgency(text).cues[0]
    assert KIND_OF_CODE[first.code] == kind


@pytest.mark.parametrize("text", ["卫生间漏水", "楼道灯不亮", "", "电梯坏了"])
def test_no_danger_kind_below_emergency(text: str) -> None:
    assert danger_kind(text) is None


def test_the_generic_cry_for_help_comes_after_the_danger() -> None:
    result = assess_by_rules("救命，电梯停了，我妈还在里面")
    assert [cue.code for cue in result.cues][-1] == "cry_for_help"
    assert result.cues[0].code == "trapped"


def test_every_kind_has_an_advice_code_and_back() -> None:
    assert set(CODE_OF_KIND) == set(KINDS)
    assert all(KIND_OF_CODE[code] == kind for kind, code in CODE_OF_KIND.items())
    # every code a cue or the model can name has its own safety advice in the domain
    codes = {cue.code for cue in CUES if cue.level == "emergency"} | set(CODE_OF_KIND.values())
    assert codes == {"gas_leak", "trapped", "lift_fall", "flooding", "fire", "falling",
                     "electric_shock", "cry_for_help"}


# --- doubtful danger: the yes/no question to ask at once ---

@pytest.mark.parametrize(
    ("text", "doubt"),
    [
        ("电梯停了", "lift_trapped"),
        ("3号楼电梯不动了", "lift_trapped"),
        ("电梯卡在8楼了", "lift_trapped"),
        ("卫生间漏水 地上一摊水", "water_spreading"),
        ("楼上漏水到我家了", "water_spreading"),
        ("家里进水了", "water_spreading"),
        ("燃气报警器在闪", "gas_smell"),
        ("插座很烫", "smoke_fire"),
        ("窗户玻璃裂了", "falling_object"),
    ],
)
def test_doubtful_danger(text: str, doubt: str) -> None:
    assert classify_urgency(text) != "emergency"
    assert doubtful_danger(text) == doubt


@pytest.mark.parametrize(
    "text",
    [
        # already settled by the owner
        "电梯停了，里面没人",
        "电梯坏了，我们都出来了",
        "电梯停了，外面写着检修",
        "漏水不大，拿盆接着呢",
        "水管滴水，已经关了总阀",
        "插座有点发烫，没冒烟也没味道",
        "窗户玻璃有个小裂缝，在屋里，不会掉",
        # hypothetical or past
        "万一电梯停了怎么办",
        "上次漏水的事修好了吗",
        # already an emergency: act, do not ask
        "电梯停了，我妈还在里面",
        "水哗哗往外流",
        # nothing doubtful: a leak as such is an urgent repair, not a hint of spreading
        "卫生间漏水",
        "你好,我家卫生间漏水了",
        "卫生间吊顶在渗水 滴滴答答的",
        "楼道灯不亮",
        "物业费怎么交",
        "",
        "   ",
    ],
)
def test_no_doubtful_danger(text: str) -> None:
    assert doubtful_danger(text) is None


def test_every_doubt_has_a_question_text() -> None:
    questions = texts.DOUBTFUL_DANGER_QUESTIONS
    assert set(questions) == {doubt.name for doubt in DOUBTS}
    for question in questions.values():
        assert question.startswith("请问") and question.endswith("？")
        assert not set(question) & set(",.?!:;()"), question  # full-width punctuation only
    assert questions["lift_trapped"] == "请问现在有人被困在电梯里吗？"
    assert questions["water_spreading"] == "请问水现在还在往外流、流到别处吗？"


def test_a_yes_to_a_doubt_names_the_danger() -> None:
    for doubt in DOUBTS:
        assert doubt.kind in KINDS and CODE_OF_KIND[doubt.kind] == doubt.code


@pytest.mark.parametrize("text", ["电梯" * 2500, "漏" * 5000, "燃气表" * 1500])
def test_doubtful_danger_on_large_inputs(text: str) -> None:
    assert doubtful_danger(text) in (None, *(doubt.name for doubt in DOUBTS))
