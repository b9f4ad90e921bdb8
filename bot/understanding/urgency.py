"""How fast a repair must be attended, read from the owner's own words.

DOMAIN.md promises arrival within 10 minutes for an emergency (特急: gas smell, people
trapped in a lift, burst pipe / flooding, fire or smoke, something falling from a facade) and
15 minutes for urgent (急: leaks, no power or water in one home, lift out of service, cannot
get into the building); everything else is normal (一般).

A missed emergency is the worst error, so the rules lean toward emergency: any clear cue
wins, hedged or questioning wording (是不是燃气味, 好像冒烟了, 有没有人被困) still counts, and
only a plain negation or a hypothetical right before the cue cancels it (没有燃气味, 不是漏水,
没人被困, 万一燃气泄漏怎么办). A negation after the cue (燃气味没了) does not cancel it: the
visit is still needed. The cues are data (CUES below); each carries a Chinese label so a
ticket can say why it was ranked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Urgency = Literal["emergency", "urgent", "normal"]

_RANK: dict[str, int] = {"normal": 0, "urgent": 1, "emergency": 2}

# Building blocks. W is any character inside one clause.
_W = r"[^，。,.!?！？；;\n]"
# 然气 is a common pinyin slip for 燃气, but not after 虽/当/突… (虽然气温).
_GAS = r"(?:天然[气汽氣]|[燃煤][气汽氣]|(?<![虽当突显既仍依果居竟忽自固偶必公全天])然[气汽氣]|瓦斯|液化[气汽氣])"
_LIFT = r"(?:电[梯体提题]|轿厢)"
_NOT_FEE = r"(?!费|公司|卡)"
# Who owners say is stuck: 我, 孩子, 我妈, 老人 ...
_PERSON = r"我们?|孩子|小孩|宝宝|老人|[我他她]?[妈爸]|家人|老婆|老公|儿子|女儿|朋友|邻居|[爷奶姥]{2}|外[公婆]"


@dataclass(frozen=True)
class Cue:
    """One way owners describe a situation; `pattern` finds it, `label` explains it."""

    code: str
    level: Urgency
    label: str
    pattern: re.Pattern[str]


def _cue(code: str, level: Urgency, label: str, *alternatives: str) -> Cue:
    return Cue(code, level, label, re.compile("|".join(f"(?:{a})" for a in alternatives)))


CUES: tuple[Cue, ...] = (
    # --- emergency (特急) ---
    _cue("gas_leak", "emergency", "疑似燃气泄漏",
         rf"{_GAS}[^，。,.!?！？；;\n费]{{0,4}}(?:味|泄漏|泄露|漏气|外泄|漏了|在漏|漏)"
         r"(?!报警器|报警装置|检测)",
         rf"(?:闻到|闻见|有股|一股|好大的?|很大的?|很浓的?|浓浓的){_W}{{0,6}}{_GAS}{_NOT_FEE}",
         rf"(?:气味|味道|怪味|臭味|异味)[^。!?！？\n]{{0,12}}{_GAS}{_NOT_FEE}",
         r"臭鸡蛋味",
         rf"(?:灶|热水器|气表|[气汽]罐|阀门|软管|管道){_W}{{0,3}}漏气",
         rf"{_GAS}{_W}{{0,2}}报警器?{_W}{{0,4}}(?:响|叫|报警)"),
    _cue("trapped", "emergency", "有人被困",
         r"被困",
         rf"困在?{_W}{{0,3}}{_LIFT}",
         rf"{_LIFT}{_W}{{0,3}}困(?:住|人|着)",
         rf"{_LIFT}{_W}{{0,4}}困了?(?:[一两二三四五六七八九十几好0-9]*[个位名])?(?:人|{_PERSON})",
         rf"(?:关|卡|锁)在{_W}{{0,2}}{_LIFT}",
         rf"{_LIFT}(?:里面?|里头|内)?{_W}{{0,2}}关(?:了|着)?人",
         rf"{_LIFT}{_W}{{0,4}}(?:把|将)人给?(?:关|困|卡|锁)",
         rf"{_LIFT}{_W}{{0,12}}出不(?:来|去)",
         rf"{_LIFT}{_W}{{0,8}}(?:卡住|停|坏|不动|掉|坠|打不开|开不了)[^。!?！？\n]{{0,8}}"
         rf"(?:里面|里头|内)(?:还|有没)?有(?:个|位|一个)?(?:人|{_PERSON})",
         rf"{_LIFT}[^。!?！？\n]{{0,10}}(?:人|{_PERSON}){_W}{{0,2}}(?:还|都)?(?:在|困在|关在)(?:里面|里头)",
         rf"(?:里面|里头){_W}{{0,2}}有人{_W}{{0,6}}(?:出不来|呼救|求救|救命|拍门)",
         rf"{_LIFT}{_W}{{0,4}}夹(?:到|伤|住)?(?:人|手|腿|脚|小孩|孩子|老人)"),
    _cue("lift_fall", "emergency", "电梯失控",
         rf"{_LIFT}{_W}{{0,4}}(?:下坠|坠落|急坠|掉下去|往下掉|溜梯|冲顶|蹲底)"),
    _cue("flooding", "emergency", "爆管或水淹",
         rf"(?:水管|管子|管道|水表){_W}{{0,3}}(?:爆|暴|裂开|破了|断了)",
         r"爆管|爆裂",
         r"水淹|淹水|被淹|淹了|淹到|都淹|水漫|漫水|漫出来|发大水|倒灌",
         r"到处都是水|满地都?是水|一地的?水|地上全是水|全是水",
         r"喷水|往外喷|水柱|止不住"),
    _cue("fire", "emergency", "疑似火情",
         r"着火|著火|起火|失火|火灾|火警|烧起来|燃起来|火光",
         r"冒[黑白青浓]?烟|浓烟|烟很大|好大的?烟|烟雾很大|烟雾弥漫|[全都]是烟|满屋子?的?烟",
         r"烧焦|焦糊|焦味",
         rf"(?:插座|插头|电线|开关|电闸|电箱|电表|线路|配电箱){_W}{{0,3}}(?:打火|冒火|火花|烧了|烧坏|烧着)",
         r"冒火花|火花四溅",
         rf"(?:烟雾|烟感|消防|火灾)报警器?{_W}{{0,4}}(?:响|叫|报警)"),
    _cue("falling", "emergency", "高空坠物危险",
         rf"外墙{_W}{{0,6}}(?:掉|脱落|坠|砸|塌)",
         rf"墙皮{_W}{{0,4}}(?:掉下来|往下掉|砸)",
         rf"(?:瓷砖|玻璃|窗户?|窗框|广告牌|招牌|空调外机|外机|花盆|吊顶|天花板|石膏板|防盗网|雨棚|遮阳棚|石头)"
         rf"{_W}{{0,6}}(?:掉下来|掉下去|掉下|坠落|砸下来|摔下来|往下掉)",
         rf"楼上{_W}{{0,6}}(?:扔|抛|砸|掉){_W}{{0,4}}下来",
         r"高空坠物|高空抛物|坠物|砸到|砸伤|砸中|砸死|差点砸|险些砸",
         r"摇摇欲坠|快要?掉下来|随时会掉",
         r"倒塌|坍塌|塌了|塌下来|塌陷"),
    _cue("electric_shock", "emergency", "触电危险",
         r"触电|电到人|被电到|电伤|漏电"),
    _cue("cry_for_help", "emergency", "呼救",
         r"救命|快来人|出人命"),
    # --- urgent (急) ---
    _cue("leak", "urgent", "漏水",
         r"漏[水睡]|渗水|滲水|滴水|漏雨|渗漏|返水|反水|冒水|进水|往下滴|在滴|洇水|滴答|滴滴答答",
         rf"龙头{_W}{{0,4}}(?:关不|拧不)",
         rf"(?:水管|管子|管道|龙头|马桶|水箱|屋顶|天花板|顶上|楼顶|阳台|窗户?|墙|暖气片?|地暖){_W}{{0,4}}"
         r"漏(?![电气交缴掉风])"),
    _cue("standing_water", "urgent", "积水",
         r"积水|水漫过"),
    _cue("no_power", "urgent", "停电",
         r"停电|没有?电(?![话视脑动瓶池梯费子器线源插])|断电|跳闸|电闸跳|电跳了|掉电|不来电|不通电|全黑了|灯全灭"),
    _cue("no_water", "urgent", "停水",
         r"停水|没有?水(?![平准费压])|断水|水停了|不出水|出不来水|不来水"),
    _cue("lift_out", "urgent", "电梯停运",
         rf"{_LIFT}{_W}{{0,4}}(?:坏|停了|停运|停用|不动|不能用|用不了|不好用|故障|卡住|卡了|没反应|不走|"
         r"不运行|不能坐|无法使用|打不开|关不上|罢工|异响)"),
    _cue("no_access", "urgent", "无法进入楼栋",
         rf"门禁{_W}{{0,6}}(?:坏|失灵|刷不开|打不开|进不去|不好使|没反应|故障|不能用|用不了|刷不了)",
         rf"门卡{_W}{{0,4}}(?:失效|刷不开|没用|坏|消磁|刷不了)",
         rf"(?:单元门|大门|楼门|防盗门){_W}{{0,4}}(?:打不开|坏|开不了|进不去)",
         r"进不去|进不了|进不来|回不了家|开不了门|打不开门|门打不开",
         rf"被?锁在{_W}{{0,2}}外|反锁|钥匙{_W}{{0,4}}(?:锁|落|忘)在{_W}{{0,2}}里"),
)

# Phrases that contain a cue's words but mean something harmless; blanked before matching.
_FALSE_FRIENDS = re.compile(
    r"困扰|困难|困惑|打火机|[打点]不着火?|不着火|着火点|防火|火灾(?:保险|险|演习|演练|隐患|预防)|"
    r"消防演[习练]|漏电保护器?|漏电开关|漏保|"
    r"(?:手机|电动车|电瓶车?|电池|车)(?:也|都|又)?没电|(?:停电|停水)(?:通知|公告|安排|计划)|"
    r"计划停[电水]|手机进水|进水[管阀口]|(?:网站|网页|小程序|公众号|[Aa][Pp][Pp]|系统)(?:也|又)?进不去"
)
# A negation or hypothetical that cancels a cue when only filler words stand between.
_CANCEL = re.compile(
    r"(?P<word>没有|没|无|不是|并非|未|不再|不会再|不存在|如果|万一|假如|假设|要是|预防|防止|避免)"
    r"(?P<gap>.{0,6})$"
)
_FILLER = re.compile(
    r"(?:人|有|任何|什么|啥|闻到|闻见|发现|看到|看见|听到|感觉到?|觉得|出现|发生|遇到|被|再|的|在|过|到|"
    r"是|事|家里|家|屋里|楼里|里面|真的|一点|问题|情况)*"
)
# Question forms (是不是 / 有没有) are doubts, not denials: they keep the cue.
_HEDGE_BEFORE = {"不是": "是", "没有": "有", "没": "有"}
_DENIAL = re.compile(r"(?<!有)没|无|(?<!是)不是|并非|未")
_CLAUSE_END = re.compile(r"[，。,.!?！？；;\n]|但是|但|可是|不过|而是|却")


@dataclass(frozen=True)
class CueMatch:
    """A cue found in the text: which one, and the owner's exact words."""

    code: str
    level: Urgency
    label: str
    matched: str


@dataclass(frozen=True)
class UrgencyResult:
    """The urgency and the cues that decided it (those at `level`, in text order)."""

    level: Urgency
    cues: tuple[CueMatch, ...]

    @property
    def reasons(self) -> list[str]:
        """Distinct labels, e.g. ["疑似燃气泄漏"], for the ticket's 'why'."""
        return list(dict.fromkeys(cue.label for cue in self.cues))


def assess_urgency(text: str) -> UrgencyResult:
    """Find every non-cancelled cue; the most severe level wins."""
    if not text:
        return UrgencyResult("normal", ())
    masked = _FALSE_FRIENDS.sub(lambda m: "□" * len(m.group()), text)
    found: list[tuple[int, CueMatch]] = []
    for cue in CUES:
        for match in cue.pattern.finditer(masked):
            if match.group() and not _is_cancelled(masked, match.start(), match.group()):
                found.append((match.start(), CueMatch(cue.code, cue.level, cue.label,
                                                      text[match.start():match.end()])))
    if not found:
        return UrgencyResult("normal", ())
    level = max((cue.level for _, cue in found), key=_RANK.__getitem__)
    chosen = tuple(cue for _, cue in sorted(found, key=lambda item: item[0])
                   if cue.level == level)
    return UrgencyResult(level, chosen)


def classify_urgency(text: str) -> Urgency:
    """"emergency", "urgent" or "normal" for one owner message."""
    return assess_urgency(text).level


def urgency_reasons(text: str) -> list[str]:
    """Why the message got its level (Chinese labels); empty when normal."""
    return assess_urgency(text).reasons


def _is_cancelled(text: str, start: int, matched: str) -> bool:
    """Whether a negation / hypothetical ends the clause just before the cue.

    A cue spanning clauses (电梯坏了，没有人被关在里面) is also cancelled when its last
    clause is denied.
    """
    ends = list(_CLAUSE_END.finditer(matched))
    if ends and _DENIAL.search(matched[ends[-1].end():]):
        return True
    window = text[max(0, start - 16):start]
    ends = list(_CLAUSE_END.finditer(window))
    clause = window[ends[-1].end():] if ends else window
    for offset in range(len(clause)):
        found = _CANCEL.match(clause, offset)
        if not found or not _FILLER.fullmatch(found["gap"]):
            continue
        before = clause[found.start() - 1] if found.start() else ""
        if _HEDGE_BEFORE.get(found["word"]) == before:
            continue
        return True
    return False
