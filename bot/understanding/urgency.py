"""How fast a repair must be attended, read from the owner's own words.

DOMAIN.md promises arrival within 10 minutes for an emergency (特急: gas smell, people
trapped in a lift, burst pipe / flooding, fire or smoke, something falling from a facade;
sparks or live wires near water or people count as electric danger) and 15 minutes for
urgent (急: leaks, no power or water in one home, lift out of service, cannot get into the
building); everything else is normal (一般).

Two readers, and the more severe wins, because a missed emergency is the worst error:

- The rules (CUES below, `assess_by_rules`): each cue carries a Chinese label so a ticket
  can say why it was ranked, and a code that names the safety advice. They lean toward
  emergency: hedged or questioning wording (是不是燃气味, 好像冒烟了, 有没有人被困) still counts;
  only a plain negation or a hypothetical right before the cue (没有燃气味, 不是漏水, 万一燃气
  泄漏怎么办), a denial inside it (外墙没掉, 水管没爆), talk about the event rather than the
  event (电梯困人的时候…, 水管爆了保险能赔吗) or a past event that is closed (上次插座冒火花
  换了新的，现在没事了) cancels it. A negation after the cue (燃气味没了) does not: the visit is
  still needed.
- A classifier trained on data/urgency/ (bot/understanding/urgency_model.py), which
  generalizes to wordings no cue lists (电梯卡在两层中间 + 我爸在里面). Where it alone finds an
  emergency the reason says so ("模型判断：疑似有人被困") and its danger kind picks the advice.

Measured in docs/urgency.md. `doubtful_danger` names the yes/no safety question the dialogue
should ask when the words hint at danger without settling it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from bot.understanding.urgency_model import ModelVerdict

Urgency = Literal["emergency", "urgent", "normal"]

log = logging.getLogger(__name__)

_RANK: dict[str, int] = {"normal": 0, "urgent": 1, "emergency": 2}

# Building blocks. W is any character inside one clause.
_W = r"[^，。,.!?！？；;\n]"
# S is any character inside one sentence (commas and spaces allowed).
_S = r"[^。!?！？\n]"
# 然气 is a common pinyin slip for 燃气, but not after 虽/当/突… (虽然气温).
_GAS = (r"(?:天然[气汽氣]|天燃[气汽]|[燃煤][气汽氣]|燃起(?=味)|(?<![虽当突显既仍依果居竟忽自固偶必公全天])然[气汽氣]|"
        r"瓦斯|液化(?:石油)?[气汽氣]|石油气)")
# Where gas is, so that a smell or a hiss near them is gas.
_GAS_PLACE = rf"(?:{_GAS}|气表|燃气管|气管|灶台?|热水器|壁挂炉|[气汽]罐)"
# A smell, but not of smoke, burning, mould, cooking, incense, urine, paint.
_SMELL = r"(?<![烟焦糊霉油香尿馊漆臭豆])(?:[气怪异臭]|一股子?|股)?味(?:道|儿)?"
_LIFT = r"(?:电[梯体提题]|轿厢|升降梯|[客货]梯|\d号梯)"
_NOT_FEE = r"(?!费|公司|卡)"
# Who owners say is stuck: 我, 孩子, 我妈, 老人 ...
_PERSON = (r"我们?|孩子|小孩|宝宝|老人|[我他她]?[妈爸]|家人|老婆|老公|儿子|女儿|朋友|邻居|[爷奶姥]{2}|外[公婆]|"
           r"婆婆|公公|保姆|阿姨|小朋友|小姑娘|小伙子?|老太太?|老头|老爷子|孕妇|师傅|外卖员?|快递员?|同事|俩人|"
           r"[一两二三四五六七八九十几0-9]+[个位名]人")
# A lift in trouble, and someone inside it: together they are a person trapped, even
# across clauses and without the word 困 (电梯停在7楼和8楼之间，我老公还在里面).
_LIFT_TROUBLE = (rf"{_LIFT}门?{_W}{{0,8}}(?:停|卡|不动|不走|坏|急停|打不开|开不了|开不开|不开门|故障|下滑|"
                 r"往下[掉坠]|忽上忽下|没反应|黑|闷)")
_INSIDE_THINGS = r"(?:灯|空调|广告|镜子|扶手|按钮|监控|地垫|风扇|通知|屏|味)"
_SOMEONE_INSIDE = (
    rf"(?:(?:被|还|都|正)?[困关卡锁闷]?(?<![现存实好])在(?:{_LIFT})?(?:里面|里头|里边|里)(?![的面头边]?{_INSIDE_THINGS})"
    rf"|(?:里面|里头|里边|轿厢里|{_LIFT}里)(?:还|都|只)?(?:有|是){_W}{{0,8}}?"
    rf"(?:人|{_PERSON}|哭声|声音|动静)"
    rf"|(?:里面|里头|里边|轿厢里)的?(?:人|{_PERSON})"
    r"|有人在(?:喊|哭|拍门|敲门|按铃|呼救))"
)
# Wires that can be live (not 网线 / 晾衣线).
_WIRE = r"(?:电线|线头|铜线|铜丝|线皮|电缆|灯线|电源线)"
_ELECTRIC_THING = r"(?:插座|插排|插板|插线板|插头|开关|电线|电闸|电箱|电表箱?|配电[箱柜室房]|电缆|充电桩|浴霸|灯座|线盒|温控器|电源)"
_NEAR_DANGER = r"(?:水|湿|雨|孩子|小孩|儿童|娃|老人|摸|碰|够得着|经过|躲猫猫|玩)"


@dataclass(frozen=True)
class Cue:
    """One way owners describe a situation; `pattern` finds it, `label` explains it.

    `code` names the safety advice (the domain's utter_safety_<code>), so several cues may
    share one.
    """

    code: str
    level: Urgency
    label: str
    pattern: re.Pattern[str]


def _cue(code: str, level: Urgency, label: str, *alternatives: str) -> Cue:
    return Cue(code, level, label, re.compile("|".join(f"(?:{a})" for a in alternatives)))


CUES: tuple[Cue, ...] = (
    # --- emergency (特急) ---
    _cue("gas_leak", "emergency", "疑似燃气泄漏",
         rf"{_GAS}[^，。,.!?！？；;\n费]{{0,4}}(?:味|泄漏|泄露|漏气|外泄|漏了|在漏|漏|泄了)"
         r"(?!报警器|报警装置|检测)",
         rf"(?:闻到|闻见|有股|一股|好大的?|很大的?|很浓的?|浓浓的){_W}{{0,6}}{_GAS}{_NOT_FEE}",
         rf"(?:气味|味道|怪味|臭味|异味)[^。!?！？\n]{{0,12}}{_GAS}{_NOT_FEE}",
         r"臭鸡蛋味",
         rf"(?:灶|热水器|气表|[气汽]罐|阀门|软管|管道|胶管|接口|接头){_W}{{0,3}}漏气",
         rf"{_GAS}{_W}{{0,2}}报警器?{_W}{{0,4}}(?:响|叫|报警)",
         # a smell where the gas is, either order: 燃气灶关了还有味 / 味道老大了 燃气管那块
         rf"{_GAS_PLACE}{_S}{{0,10}}?(?<![烟焦糊霉油香尿馊漆臭豆])(?:[气怪异臭]|一股子?|股)?味(?!精)",
         rf"{_SMELL}{_S}{{0,4}}(?:老|贼|特别|很|好|超|太|挺)?(?:大|冲|重|浓|呛|熏){_S}{{0,12}}?{_GAS_PLACE}",
         rf"{_SMELL}{_W}{{0,3}}{_S}{{0,10}}?(?:是|像|从){_S}{{0,4}}{_GAS_PLACE}",
         # a hiss at a gas pipe or meter
         rf"{_GAS_PLACE}{_S}{{0,8}}?(?:嘶嘶|滋滋|呲呲|咝咝|哧哧|嗤嗤|往外冒气|冒气|喷气|气在往外)",
         r"(?<![暖胎球窗户片])漏气(?!门|窗)"),
    _cue("trapped", "emergency", "有人被困",
         r"被困",
         rf"困在?{_W}{{0,3}}{_LIFT}",
         rf"{_LIFT}{_W}{{0,3}}困(?:住|人|着)",
         rf"{_LIFT}{_W}{{0,4}}困了?(?:[一两二三四五六七八九十几好0-9]*[个位名])?(?:人|{_PERSON})",
         rf"(?:关|卡|锁)在{_W}{{0,2}}{_LIFT}",
         rf"{_LIFT}(?:里面?|里头|内)?{_W}{{0,2}}关(?:了|着)?(?:人|一个人|个)",
         rf"{_LIFT}{_W}{{0,4}}(?:把|将)人给?(?:关|困|卡|锁)",
         rf"{_LIFT}{_W}{{0,12}}出不(?:来|去)",
         rf"{_LIFT}{_W}{{0,8}}(?:卡住|停|坏|不动|掉|坠|打不开|开不了)[^。!?！？\n]{{0,8}}"
         rf"(?:里面|里头|内)(?:还|有没)?有(?:个|位|一个)?(?:人|{_PERSON})",
         rf"{_LIFT}[^。!?！？\n]{{0,10}}(?:人|{_PERSON}){_W}{{0,2}}(?:还|都)?(?:在|困在|关在)(?:里面|里头)",
         rf"(?:里面|里头){_W}{{0,2}}有人{_W}{{0,6}}(?:出不来|呼救|求救|救命|拍门)",
         rf"{_LIFT}{_W}{{0,4}}夹(?:到|伤|住)?(?:人|手|腿|脚|小孩|孩子|老人)",
         rf"{_LIFT}{_W}{{0,10}}(?:被夹|夹住|夹到|夹伤)",
         rf"{_LIFT_TROUBLE}{_S}{{0,30}}?{_SOMEONE_INSIDE}",
         rf"{_SOMEONE_INSIDE}{_S}{{0,30}}?{_LIFT_TROUBLE}",
         rf"(?:关|锁|卡|困|闷)在?{_LIFT}里",
         rf"被{_LIFT}门?(?:关|卡|困|锁|夹)(?:住|着)?"),
    _cue("lift_fall", "emergency", "电梯失控",
         rf"{_LIFT}{_W}{{0,4}}(?:下坠|坠落|急坠|掉下去|往下掉|溜梯|冲顶|蹲底)"),
    _cue("flooding", "emergency", "爆管或水淹",
         rf"(?:水管|管子|管道|水表){_W}{{0,3}}(?:爆|暴|裂开|破了|断了)",
         r"爆管|爆裂",
         r"水淹|淹水|被淹|淹了|淹到|都淹|水漫|漫水|漫出来(?!一?点)|发大水|倒灌",
         r"到处都是水|满地都?是水|一地的?水|地上全是水|全是水",
         r"喷水|往外喷|水柱|止不住",
         # a pipe or valve that gave way
         r"(?:水管|暖气管|水龙头|管子|软管|管|接头|角阀|阀门?|龙头|暖气片?|水表|水箱)[^，。,.!?！？；;\n]{0,4}"
         r"(?:崩|炸|脱开|脱了|脱落|冲掉|整个掉|爆开|裂了)",
         # water pouring, spreading or rising
         r"(?:哗哗|哗啦啦?)(?![哗啦]*的?(?:响|声|水声))",
         r"成河|成了河|小河|水帘洞|瀑布|(?:跟|像)下雨(?:似的|一样)|漂起来|水(?:还在|一直在?)涨|"
         r"水(?:越来越|越流越)[大多急猛]|楼下(?:也|都)(?:开始)?(?:往下)?(?:滴|漏|湿)",
         r"(?:没过|漫过|淹过|到|深到)了?(?:脚面|脚踝|脚脖子|小腿|膝盖|轮胎|脚)",
         r"往(?:下|外)(?:淌|浇|倒|灌|涌|滋|冲|喷|流)",
         r"(?:流|淌|漫|灌|涌|溢)(?:到|进|出|满|了)?[^，。,.!?！？；;\n]{0,2}"
         r"(?:楼道|走廊|过道|门外|客厅|卧室|电梯|楼梯|车库|一地|满地|满屋|屋里|家里|他家)",
         r"门缝[^，。,.!?！？；;\n]{0,4}(?:往外流|往外淌|流|淌|冒水|涌)",
         r"顺着[^，。,.!?！？；;\n]{0,6}(?:流|淌)",
         r"滋水|呲水|水滋|滋得到处|往外滋|冲得老高|喷得",
         r"(?:堵|拖|接|排|拦|挡)不(?:住|过来)",
         r"(?:污水|脏水|粪水|臭水|黑水)[^，。,.!?！？；;\n]{0,6}(?:漫|流|涌|灌|冒|一地|满地|满屋)",
         r"(?:返|冒|涌)(?:上来的?)?(?:污水|脏水|粪水|臭水)",
         r"满屋(?:子)?的?水|满屋子都是|一屋子的?臭?水|泡水了|泡在水里|被水泡|水深|全进水|发水了|好多水"),
    _cue("fire", "emergency", "疑似火情",
         r"着火|著火|起火|失火|火灾|火警|烧起来|燃起来|火光",
         r"冒[黑白青浓]?烟|浓烟|烟很大|好大的?烟|烟雾很大|烟雾弥漫|[全都]是烟|满屋子?的?烟",
         r"烧焦|焦糊|焦味",
         rf"(?:插座|插头|电线|开关|电闸|电箱|电表|线路|配电箱){_W}{{0,3}}(?:烧了|烧坏|烧着)",
         rf"(?:烟雾|烟感|消防|火灾)报警器?{_W}{{0,4}}(?:响|叫|报警)",
         r"[着燃]起来|被[^，。,.!?！？；;\n]{0,3}点着|烧着了|自燃|(?:窜|冒|蹿)出?火苗|火苗(?:窜|蹿|往|从)|"
         r"(?<!灶)火(?:很|挺|好|特别)(?:大|旺)",
         r"(?:锅|油锅|纸箱子?|杂物|垃圾桶?|衣服|窗帘|沙发|东西|车)[^，。,.!?！？；;\n]{0,3}(?<!睡)着了",
         r"(?:楼道|走廊|屋里|楼梯间?|过道)[^，。,.!?！？；;\n]{0,3}(?:很呛|呛死|呛人|呛得)",
         r"(?:楼|家|屋|房|车|库|间|那边|外面)有火(?![车花灾柴])",
         r"(?<![油抽吸香])烟(?!味|道|花|头|灰|感|囱|酒)雾?[^，。,.!?！？；;\n]{0,3}"
         r"(?:很浓|好浓|越来越[多大浓]|大得|好大|太大|特别大|呛|顺着|往上[走窜冒]|进来|滚滚)",
         r"一股烟(?!味)|烟熏火燎"),
    _cue("falling", "emergency", "高空坠物危险",
         rf"外墙{_W}{{0,6}}(?:掉|脱落|坠|砸|塌)",
         rf"墙皮{_W}{{0,4}}(?:掉下来|往下掉|砸)",
         rf"(?:瓷砖|玻璃|窗户?|窗框|广告牌|招牌|空调外机|外机|花盆|吊顶|天花板|石膏板|防盗网|雨棚|遮阳棚|石头)"
         rf"{_W}{{0,6}}(?:掉下来|掉下去|掉下|坠落|砸下来|摔下来|往下掉)",
         rf"楼上{_W}{{0,6}}(?:扔|抛|砸|掉){_W}{{0,4}}下来",
         r"高空坠物|高空抛物|坠物|砸到|砸伤|砸中|砸死|差点砸|险些砸",
         r"摇摇欲坠|快要?掉下来|随时会掉",
         r"倒塌|坍塌|塌了|塌下来|塌陷",
         r"随时(?:要|会|可能)?(?:掉|砸|塌|倒|飞)|(?:要|快要?|眼看要?|马上要?)(?:掉|砸|塌|倒|飞)下(?:来|去)|"
         r"(?:快要?|眼看要?|马上要?)(?:掉|砸|塌|倒)了?",
         r"悬(?:在那|空|着)|(?:挂|吊)(?:在|着)[^，。,.!?！？；;\n]{0,4}(?:晃|悬空)",
         r"锈(?:断|穿|烂|透|掉)|只剩一个螺丝|螺丝都(?:松|掉|锈)|(?:支架|架子)[^，。,.!?！？；;\n]{0,2}(?:弯|断|歪|塌|脱)",
         r"(?:铁皮|铁片|彩钢板|瓦片|板子|碎片|碎渣|玻璃渣|砖头|砖|水泥块|石子|铁架|保温层|保温板|百叶|装饰板|装饰条|"
         r"广告字|混凝土块|大理石|石材板?|涂料壳|铝扣板)[^，。,.!?！？；;\n]{0,6}"
         r"(?:飞下|乱飞|往下[飞掉落]|掉下|掉渣|剥落|脱落|掉落|落到|落下来|砸)",
         r"(?:外墙|楼顶|外立面|幕墙|外机|广告牌|招牌|灯箱|雨棚|雨搭|遮阳棚|防盗窗|窗框|栏杆|护栏|吊篮|脚手架|女儿墙|"
         r"彩钢板|太阳能)[^，。,.!?！？；;\n]{0,10}(?:晃|摇|歪|翘起|掀|吹翻|倒了|脱落)",
         r"往下(?:扔|抛|丢|砸)|(?:扔|抛|丢)下来|砸在|砸坏|压到人|压伤",
         r"(?:树|电线杆|杆子|脚手架)[^，。,.!?！？；;\n]{0,6}(?:倒了|快倒|要倒|歪倒|倒下|刮断)",
         r"往下(?:掉|飞|落)(?!灰|烟灰|树叶|叶子|毛)"),
    _cue("electric_shock", "emergency", "触电危险",
         r"触电|电到人|被电到|电伤|漏电",
         r"被电(?![梯体提题话视脑费动瓶车])(?:了|麻|一下|着)?|电麻|带电|(?:手|身上)都?麻(?:了|麻的)?|感觉有电"),
    _cue("electric_shock", "emergency", "电火花或带电裸线",
         r"火星子?|电火花|闪火花|冒火花|火花四溅|火花一闪|放电(?![动瓶池])",
         rf"{_ELECTRIC_THING}[^，。,.!?！？；;\n]{{0,4}}(?:打火|冒火|火花|火星|烧黑|烧化|发黑|噼啪|啪啪|滋滋|滋啦|冒蓝光)",
         rf"{_ELECTRIC_THING}{_S}{{0,6}}(?:进水|泡水|泡在|在水里)",
         rf"(?:积水|水)里?泡着?{_S}{{0,4}}{_WIRE}|{_WIRE}{_S}{{0,6}}(?:积水|水里|水上|泡)",
         rf"水{_S}{{0,8}}(?:流进|漏到|漏进|顺着){_S}{{0,4}}(?:灯|{_ELECTRIC_THING})",
         rf"{_WIRE}{_S}{{0,6}}(?:露|裸露|破|断|掉|耷拉|垂|拖|在地上){_S}{{0,24}}?{_NEAR_DANGER}",
         rf"{_NEAR_DANGER}{_S}{{0,24}}?{_WIRE}{_S}{{0,6}}(?:露|裸露|破|断|掉|耷拉|垂|拖|在地上)"),
    _cue("cry_for_help", "emergency", "呼救",
         r"救命|救救|快来人(?![看修处弄])|出人命"),
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
         r"停水|没有?水(?![平准费压带封印])|断水|水停了|不出水|出不来水|不来水"),
    _cue("no_gas", "urgent", "燃气中断",
         rf"停气|没气了?|{_GAS}{_W}{{0,3}}(?:没了|停了|断了|不通|不来|没有了|供不上|用不了)|不来气|关阀(?!门)"),
    _cue("lift_out", "urgent", "电梯停运",
         rf"{_LIFT}{_W}{{0,4}}(?:坏|停了|停运|停用|不动|不能用|用不了|不好用|故障|卡住|卡了|没反应|不走|"
         r"不运行|不能坐|无法使用|打不开|关不上|罢工|异响)"),
    _cue("no_access", "urgent", "无法进入楼栋",
         rf"门禁{_W}{{0,6}}(?:坏|失灵|刷不开|打不开|进不去|不好使|没反应|故障|不能用|用不了|刷不了)",
         rf"门卡{_W}{{0,4}}(?:失效|刷不开|没用|坏|消磁|刷不了)",
         rf"(?:单元门|大门|楼门|防盗门){_W}{{0,4}}(?:打不开|开不了|进不去)",
         r"进不去|进不了|进不来|回不了家|开不了门|打不开门|门打不开",
         rf"被?锁在{_W}{{0,2}}外|反锁|钥匙{_W}{{0,4}}(?:锁|落|忘)在{_W}{{0,2}}里"),
    _cue("toilet_blocked", "urgent", "马桶或下水完全堵塞",
         r"(?:马桶|马统|厕所|蹲坑|蹲便器?|下水管?|下水道)[^，。,.!?！？；;\n]{0,6}"
         r"(?:堵死|彻底|完全|全堵|都堵|不通|堵得死死|冲不下去|下不去)"),
)

# Phrases that contain a cue's words but mean something harmless; blanked before matching.
_FALSE_FRIENDS = re.compile(
    r"困扰|困难|困惑|打火机|[打点]不着火?|不着火|着火点|防火|火灾(?:保险|险|演习|演练|隐患|预防)|"
    r"消防演[习练]|漏电保护器?|漏电开关|漏保|"
    r"(?:手机|电动车|电瓶车?|电池|车|锁)(?:也|都|又)?没电|(?:停电|停水|停气)的?(?:通知|公告|安排|计划|检修)|"
    r"计划停[电水]|手机进水|进水[管阀口]|(?:网站|网页|小程序|公众号|[Aa][Pp][Pp]|系统)(?:也|又)?进不去|"
    r"地漏|在(?:电梯)?里[面头]?抽烟|窗户?漏[气风]|[轮车]胎漏气|暖气片?漏气|燃气费|气费|烟花|手机泡水|"
    r"防触电|防漏电|(?:烟|烟道|油烟)[^，。,.!?！？；;\n]{0,3}倒灌"
    # a worn tap dripping into its basin, an old water mark, a lock that does not lock:
    # ordinary repairs, not leaks or a locked-out owner
    r"|(?:水?龙头|水笼头|水咙头)[^，。,.!?！？；;\n]{0,4}(?:关不紧|拧不紧|关不严|拧不严|关不死)(?:[^，。,.!?！？；;\n]{0,4}(?:滴答|在滴|滴水|往下滴|滴))?"
    r"|渗水的?(?:印子?|痕迹?|印记)|反锁不[上了]"
)
# A negation or hypothetical that cancels a cue when only filler words stand between.
_CANCEL = re.compile(
    r"(?P<word>没有|没|无|不是|并非|未|不再|不会再|不存在|如果|万一|假如|假设|要是|预防|防止|避免|"
    r"会不会|是否会|比如|例如|不(?![停断住知会是用敢小到能行好]))"
    r"(?P<gap>.{0,6})$"
)
_FILLER = re.compile(
    r"(?:人|有|任何|什么|啥|闻到|闻见|发现|看到|看见|听到|感觉到?|觉得|出现|发生|遇到|被|再|的|在|过|到|"
    r"是|事|家里|家|屋里|楼里|里面|真的|一点|问题|情况)*"
)
# Question forms (是不是 / 有没有) are doubts, not denials: they keep the cue.
_HEDGE_BEFORE = {"不是": "是", "没有": "有", "没": "有"}
_DENIAL = re.compile(r"(?<!有)没|无|(?<!是)不是|并非|未|闻不[到出见着]")
# A denial inside a cue, just before its verb: 外墙没掉, 水管没爆, 电梯没坏.
_INNER_DENIAL = re.compile(r"(?<!有)没有?|(?<!是)不是|并非")
_CLAUSE_END = re.compile(r"[，。,.!?！？；;\n 　]|但是|但|可是|不过|而是|却")
_SENTENCE_END = re.compile(r"[。!?！？\n]")
# Talk about an event rather than the event: right after the cue, or later in its sentence.
_TALK_AFTER = re.compile(r"[^，。,.!?！？；;\n ]{0,4}?(?:的话|的时候|(?<!什么)(?<!啥)(?<!多)时候|那次|的救援|的处理|流程)")
_TALK_IN_SENTENCE = re.compile(r"保险|理赔|能赔|赔偿|赔多少|要赔|维权|谁负责|谁的责任|维修基金|摄像头|预案")
# A past event that is closed: a past marker before the cue and a closing word in the message.
_PAST = re.compile(r"上次|上回|上个?月|上周|上礼拜|昨天|昨晚|前天|前两天|前几天|去年|之前|以前|那次|那天")
_CLOSED = re.compile(r"修好|解决|处理完|处理得|没事了|查过|表扬|投诉|赔|换了新|后来|怎么处理|书面|说法|补上|装修好|"
                     r"进度|一直没人|没人回复|修好没")
# Resolved, said after the cue, with no past marker needed (电梯困人的事已经解决了).
_RESOLVED = re.compile(r"(?:已经|都)(?:解决|修好|处理好|处理完)了?|修好了(?![^，。,.!?！？；;\n]{0,4}又)|没事了|"
                       r"(?:现在|已经)不(?:漏|渗|滴)了?|关(?:了|上|掉)就没事")


@dataclass(frozen=True)
class CueMatch:
    """A cue found in the text: which one, and the owner's exact words."""

    code: str
    level: Urgency
    label: str
    matched: str


@dataclass(frozen=True)
class UrgencyResult:
    """The urgency and the cues that decided it (those at `level`: the danger cues in text
    order, then the generic 呼救, so the first cue names the danger's own safety advice)."""

    level: Urgency
    cues: tuple[CueMatch, ...]

    @property
    def reasons(self) -> list[str]:
        """Distinct labels, e.g. ["疑似燃气泄漏"], for the ticket's 'why'."""
        return list(dict.fromkeys(cue.label for cue in self.cues))

    @property
    def kind(self) -> str | None:
        """The danger's kind (gas / lift / flood / fire / falling / electric) for an
        emergency; None otherwise, or when only a cry for help says what it is."""
        if self.level != "emergency":
            return None
        for cue in self.cues:
            if cue.code in KIND_OF_CODE:
                return KIND_OF_CODE[cue.code]
        return None


# The cue codes (= safety advice) of each danger kind, and back.
KIND_OF_CODE: dict[str, str] = {
    "gas_leak": "gas", "trapped": "lift", "lift_fall": "lift", "flooding": "flood",
    "fire": "fire", "falling": "falling", "electric_shock": "electric",
}
CODE_OF_KIND: dict[str, str] = {
    "gas": "gas_leak", "lift": "trapped", "flood": "flooding", "fire": "fire",
    "falling": "falling", "electric": "electric_shock",
}
# Reasons for what the model found and the rules did not.
MODEL_LABELS: dict[str, str] = {
    "gas": "模型判断：疑似燃气泄漏",
    "lift": "模型判断：疑似有人被困",
    "flood": "模型判断：疑似爆管或水淹",
    "fire": "模型判断：疑似火情",
    "falling": "模型判断：疑似高空坠物",
    "electric": "模型判断：疑似触电或电火花",
    "urgent": "模型判断：需尽快处理",
}
MODEL_CODE_URGENT = "model_urgent"
_GENERIC_CODES = frozenset({"cry_for_help"})
_MAX_MATCHED = 40


def assess_by_rules(text: str) -> UrgencyResult:
    """The rules alone: every non-cancelled cue; the most severe level wins."""
    if not text:
        return UrgencyResult("normal", ())
    masked = _FALSE_FRIENDS.sub(lambda m: "□" * len(m.group()), text)
    found: list[tuple[int, CueMatch]] = []
    for cue in CUES:
        for match in cue.pattern.finditer(masked):
            if match.group() and not _is_cancelled(masked, match.start(), match.end()):
                found.append((match.start(), CueMatch(cue.code, cue.level, cue.label,
                                                      text[match.start():match.end()])))
    found = _without_overlaps(found)
    if not found:
        return UrgencyResult("normal", ())
    level = max((cue.level for _, cue in found), key=_RANK.__getitem__)
    ordered = sorted(found, key=lambda item: (item[1].code in _GENERIC_CODES, item[0]))
    chosen = tuple(cue for _, cue in ordered if cue.level == level)
    return UrgencyResult(level, chosen)


# What a cancelled cue becomes in the model's view: one character it can learn from.
CANCELLED_MARK = "否"


def blank_for_model(text: str) -> str:
    """The owner's words with every cue the rules cancelled (没有燃气味, 万一漏气, 外墙没掉,
    上次水管爆了…修好了) replaced by one CANCELLED_MARK.

    The model reads this view, in training and in use, so it need not learn negation and
    hypotheticals from a thousand examples; the rest of the words stay as written (false
    friends too: 燃气灶打不着火 is only harmless as a whole). docs/urgency.md measures it.
    """
    if not text:
        return ""
    masked = _FALSE_FRIENDS.sub(lambda m: "□" * len(m.group()), text)
    spans: list[tuple[int, int]] = []
    for cue in CUES:
        for match in cue.pattern.finditer(masked):
            if match.group() and _is_cancelled(masked, match.start(), match.end()):
                spans.append((match.start(), match.end()))
    if not spans:
        return text
    pieces: list[str] = []
    position = 0
    for start, end in sorted(spans):
        if end <= position:
            continue
        if start >= position:
            pieces.append(text[position:start])
            pieces.append(CANCELLED_MARK)
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _without_overlaps(found: list[tuple[int, CueMatch]]) -> list[tuple[int, CueMatch]]:
    """One match per stretch of words and code: two patterns of one cue that read the same
    words (煤气味) are one reason, not two."""
    kept: list[tuple[int, CueMatch]] = []
    for start, cue in sorted(found, key=lambda item: (item[0], -len(item[1].matched))):
        end = start + len(cue.matched)
        if any(other.code == cue.code and other_start < end
               and start < other_start + len(other.matched) for other_start, other in kept):
            continue
        kept.append((start, cue))
    return kept


def assess_urgency(text: str) -> UrgencyResult:
    """The rules' level and the model's level; the more severe wins.

    Where the model raises the level, its reason is a "模型判断：…" cue whose code is the
    danger's safety advice; where both say emergency and the rules only heard a cry for
    help, the model's kind goes first so the advice follows the danger.
    """
    rules = assess_by_rules(text)
    verdict = _model_verdict(text)
    if verdict is None or _RANK[verdict.level] < _RANK[rules.level]:
        return rules
    words = " ".join((text or "").split())[:_MAX_MATCHED]
    if verdict.level == "emergency" and verdict.kind:
        model_cue = CueMatch(CODE_OF_KIND[verdict.kind], "emergency", MODEL_LABELS[verdict.kind],
                             words)
        if rules.level != "emergency":
            return UrgencyResult("emergency", (model_cue,))
        if rules.kind is None:
            return UrgencyResult("emergency", (model_cue, *rules.cues))
        return rules
    if _RANK[verdict.level] > _RANK[rules.level]:
        return UrgencyResult(verdict.level, (CueMatch(MODEL_CODE_URGENT, verdict.level,
                                                      MODEL_LABELS["urgent"], words),))
    return rules


def classify_urgency(text: str) -> Urgency:
    """"emergency", "urgent" or "normal" for one owner message."""
    return assess_urgency(text).level


def urgency_reasons(text: str) -> list[str]:
    """Why the message got its level (Chinese labels); empty when normal."""
    return assess_urgency(text).reasons


def danger_kind(text: str) -> str | None:
    """gas / lift / flood / fire / falling / electric when the message is an emergency, so
    the safety advice follows the danger (救命 before a lift cue gets the lift's advice);
    None when it is not an emergency or nothing says which danger it is."""
    return assess_urgency(text).kind


def _model_verdict(text: str) -> ModelVerdict | None:
    """The model's verdict; imported at first use (scikit-learn is heavy to load)."""
    if not text or not text.strip():
        return None
    try:
        from bot.understanding import urgency_model

        return urgency_model.predict(text)
    except Exception:  # noqa: BLE001 - the rules alone still answer
        log.exception("urgency model failed on a message; using the rules alone")
        return None


# --- doubtful danger: what the dialogue should ask at once ---

@dataclass(frozen=True)
class Doubt:
    """Words that hint at a danger without settling it; `kind` and `code` say what a "yes"
    would make it (the danger kind and the safety advice)."""

    name: str
    kind: str
    code: str
    pattern: re.Pattern[str]
    settled: re.Pattern[str]


def _doubt(name: str, kind: str, pattern: str, settled: str) -> Doubt:
    return Doubt(name, kind, CODE_OF_KIND[kind], re.compile(pattern), re.compile(settled))


# In the order of what would be worst if true; the first unsettled hint is asked about.
DOUBTS: tuple[Doubt, ...] = (
    _doubt("gas_smell", "gas",
           rf"{_GAS_PLACE}{_S}{{0,8}}(?:响|声音|嘶|滋|呲|一直在?[走转]|转得|走得|松了|松动|破了|裂|咬)|"
           rf"{_GAS}{_W}{{0,4}}(?:有问题|不对劲|不正常)|{_GAS}报警器{_W}{{0,4}}(?:亮|闪|叫|响|报警)",
           r"没有?(?:闻到)?[^，。,.!?！？；;\n ]{0,4}味|闻不到|没味|无味|不是漏气|没有异味|没有怪味"),
    _doubt("lift_trapped", "lift",
           rf"{_LIFT}门?{_W}{{0,8}}(?:停|卡|不动|不走|坏|急停|打不开|开不了|故障|没反应|下滑|掉)",
           r"没(?:有)?人|人都出来|都出来了|已经出来|刚出来|空的|没困|没有被困|不是困人|检修|维保|保养|"
           r"我们是走|走楼梯|走下来|爬楼"),
    _doubt("smoke_fire", "fire",
           rf"{_ELECTRIC_THING}{_S}{{0,6}}(?:发烫|烫手|很烫|发热|烫|焦|黑了|变色|熔|化了)|烟味|"
           r"(?:有点|有些|一点)焦|糊味",
           r"没(?:有)?(?:冒)?烟|没有?(?:焦|糊)?味|不是着火|抽烟|烧烤|做饭|油烟"),
    _doubt("live_wire", "electric",
           rf"{_WIRE}{_S}{{0,6}}(?:露|裸露|破皮|破了|断了|掉下来|耷拉|垂下|在地上)",
           r"没(?:有)?露|包着|没电|断电了|不带电|没碰到水|没有水|也没小孩"),
    _doubt("water_spreading", "flood",
           # A hint that the water spreads, not a leak as such: a plain 漏水了 / 渗水 /
           # 滴水 is an urgent repair, and asking every such owner about danger is noise.
           r"一地|一摊|一大摊|满地|地上全是水|到处都是水|流得到处|淹|漫出|漫到|往外冒|冒水|"
           r"往外流|流出来|止不住|越来越多|越漏越大|哗哗|水很大|积水|返水|反水|溢出|溢到|"
           r"进水了|漏(?:水)?到[^，。,.!?！？；;\n]{0,4}(?:家|屋|客厅|卧室|楼道|楼下)|流到",
           r"不大|一点点|一小块|一小滩|小股|不多|关了(?:总阀|水阀|阀门|角阀)|已经关|不滴了|不流了|止住|"
           r"用盆接|拿盆接|用桶接|接着呢|垫了|早就干"),
    _doubt("falling_object", "falling",
           r"(?:外墙|瓷砖|外机|空调架|支架|广告牌|招牌|灯箱|雨棚|雨搭|防盗窗|窗框|玻璃|栏杆|护栏|吊顶|天花板)"
           r"[^，。,.!?！？；;\n]{0,6}(?:松|裂|晃|歪|锈|翘|鼓|空鼓|脱)",
           r"没掉|不会掉|挺结实|很结实|没松|没晃|在屋里|屋里的|家里面|室内|地上|不影响"),
)


# For the dialogue: after a "yes" to DOUBTFUL_DANGER_QUESTIONS[name], DOUBT_BY_NAME[name]
# gives the danger kind and the safety advice code (utter_safety_<code>).
DOUBT_BY_NAME: dict[str, Doubt] = {doubt.name: doubt for doubt in DOUBTS}


def doubtful_danger(text: str) -> str | None:
    """The yes/no safety question to ask at once, by name (bot/texts.py
    DOUBTFUL_DANGER_QUESTIONS), when words hint at danger without settling it: a lift that
    stopped and may hold someone ("lift_trapped"), water that may be spreading
    ("water_spreading"), a gas pipe that hisses without a smell said (“gas_smell”) ...

    None when there is nothing to ask: the message is already an emergency (act, do not
    ask), it is about something hypothetical or past, or the owner already settled it
    (电梯坏了，没人在里面; 漏水不大，拿盆接着呢).
    """
    if not text or not text.strip():
        return None
    if classify_urgency(text) == "emergency":
        return None
    masked = _FALSE_FRIENDS.sub(lambda m: "□" * len(m.group()), text)
    for doubt in DOUBTS:
        for match in doubt.pattern.finditer(masked):
            if _is_cancelled(masked, match.start(), match.end()):
                continue
            if doubt.settled.search(masked):
                break
            return doubt.name
    return None


def _is_cancelled(text: str, start: int, end: int) -> bool:  # noqa: PLR0911 - one rule each
    """Whether the cue at text[start:end] is denied, hypothetical, talk, or a closed past.

    - a negation / hypothetical ends the clause just before the cue (没有燃气味, 万一漏气);
    - a cue spanning clauses has its last clause denied (电梯坏了，没有人被关在里面);
    - a denial sits inside the cue just before its last words (外墙没掉, 水管没爆);
    - the cue is talked about (电梯困人的时候…, 水管爆了保险能赔吗);
    - the cue is a past event, closed (上次水管爆了你们处理得挺快).
    """
    matched = text[start:end]
    ends = list(_CLAUSE_END.finditer(matched))
    if ends and _DENIAL.search(matched[ends[-1].end():]):
        return True
    inner = list(_INNER_DENIAL.finditer(matched))
    if inner and inner[-1].start() > 0 and len(matched) - inner[-1].end() <= 3:
        return True
    if _is_talk(text, start, end) or _is_closed_past(text, start):
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


def _is_talk(text: str, start: int, end: int) -> bool:
    """电梯困人的时候你们多久能到 / 燃气泄漏的话… / 外墙瓷砖掉了是谁的责任: about, not now."""
    if _TALK_AFTER.match(text, end):  # match at `end`: right after the cue
        return True
    stop = _SENTENCE_END.search(text, end)
    sentence_end = stop.start() if stop else len(text)
    return bool(_TALK_IN_SENTENCE.search(text, end, min(sentence_end, end + 16)))


def _is_closed_past(text: str, start: int) -> bool:
    """A past marker before the cue in its sentence and the matter closed or chased, or the
    owner saying after the cue that it is resolved."""
    if _RESOLVED.search(text, start):
        return True
    stops = list(_SENTENCE_END.finditer(text, max(0, start - 20), start))
    begin = stops[-1].end() if stops else max(0, start - 20)
    return bool(_PAST.search(text, begin, start)) and bool(_CLOSED.search(text))
