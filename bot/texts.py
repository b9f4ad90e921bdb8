"""Every sentence and label an owner or agent reads from bot/, in one place.

Dialogue replies live in domain.yml's responses; this file holds the text the service
itself produces (command-line output, later ticket replies).
"""

from __future__ import annotations

INTENT_LABELS: dict[str, str] = {
    "report_repair": "报修",
    "file_complaint": "投诉",
    "make_suggestion": "建议",
    "ask_procedure": "办事咨询",
    "check_ticket_status": "查询工单进度",
    "request_human": "转人工",
    "greet": "问候",
    "goodbye": "道别",
    "thank": "致谢",
    "affirm": "确认",
    "deny": "否定",
    "out_of_scope": "超出服务范围",
}

URGENCY_LABELS: dict[str, str] = {
    "emergency": "特急",
    "urgent": "急",
    "normal": "一般",
}

WHEN_PROBLEM_LABELS: dict[str, str] = {
    "impossible_date": "日期不存在",
    "impossible_hour": "时间不存在",
    "impossible_minute": "分钟数不存在",
    "in_past": "时间已过去",
    "conflicting_date": "日期和星期对不上",
    "too_far": "超出可预约的时间范围",
}

UNKNOWN = "未识别"
NOT_GIVEN = "未提供"

CATEGORY_LABELS: dict[str, str] = {
    "repair": "报修",
    "complaint": "投诉",
    "suggestion": "建议",
    "inquiry": "咨询",
}

STATUS_LABELS: dict[str, str] = {
    "new": "已登记,等待受理",
    "accepted": "已受理",
    "in_progress": "处理中",
    "resolved": "已处理完成,等待回访",
    "closed": "已办结",
    "reopened": "已重新打开,正在跟进",
}

NEXT_STEPS: dict[str, str] = {
    "new": "工单已转给{department},负责人会尽快与您联系。",
    "accepted": "{department}已受理,{responsible}会按约定时间与您联系或上门。",
    "in_progress": "{responsible}正在处理,完成后会通知您。",
    "resolved": "问题已处理完成,近期我们会对您进行回访,如仍有问题可以直接告诉我。",
    "closed": "此工单已办结。如问题再次出现,告诉我即可为您重新处理。",
    "reopened": "我们已重新跟进,{responsible}会尽快联系您。",
}

SUMMARY_LABELS: dict[str, str] = {
    "category": "类别",
    "place": "位置",
    "problem": "问题",
    "phone": "联系电话",
    "visit_time": "上门时间",
    "desired_outcome": "您的诉求",
}

ANY_TIME = "随时可以"
# The visit time of an owner who wants someone as soon as possible: no appointment, the
# urgency's own promise applies.
AS_SOON_AS_POSSIBLE = "越快越好"


def promise(category: str, urgency: str | None, due_local: str) -> str:
    """The time promise from DOMAIN.md, as the owner reads it after the ticket is written."""
    if category == "repair":
        if urgency == "emergency":
            return "值班维修人员将在10分钟内赶到现场。"
        if urgency == "urgent":
            return "维修人员将在15分钟内与您联系并到场。"
        return f"维修人员将按约定时间上门({due_local}前)。"
    if category == "complaint":
        return "客服专员将在2小时内与您联系,跟进处理直到解决。"
    return "我们会在10分钟内转给负责部门,并在1个工作日内给您答复。"


def place_text(building: str | None, unit: str | None, room: str | None, area: str | None) -> str:
    """5栋2单元302室, 3栋电梯, 车库 ..."""
    parts = [f"{building}栋" if building else "", f"{unit}单元" if unit else "",
             f"{room}室" if room else "", area or ""]
    return "".join(parts)

# --- knowledge answers ---
KNOWLEDGE_SECTIONS: dict[str, str] = {
    "steps": "办理步骤",
    "materials": "需要准备",
    "time_limits": "时间要求",
    "fees": "费用",
    "notes": "注意事项",
    "contact": "办理地点/联系",
}
KNOWLEDGE_FOLLOW_UP = "还想了解{topic}的其他手续吗?比如:{titles}。"
KNOWLEDGE_MAYBE = "您问的可能是「{title}」,如果不是,请再具体说一下:\n"
KNOWLEDGE_UNKNOWN = "这个问题我需要向同事确认一下,确认后会尽快答复您。"
KNOWLEDGE_INQUIRY_OPENED = "已为您登记咨询单 {number},工作人员会在1个工作日内答复您。"
KNOWLEDGE_NOTHING_TO_ASK = "请问您想了解哪项手续呢?比如装修申请、装修押金退还、物品放行、门禁卡补办。"

# --- handing over to a person ---
HANDOFF_COMING = "已为您转接人工客服,客服专员将在{minutes}分钟内与您联系,请稍候。在此期间您也可以继续告诉我您的问题。"
HANDOFF_AFTER_HOURS = ("现在是服务中心的非工作时间(工作时间 {opens}-{closes}),客服专员会在{when}上班后第一时间联系您。"
                       "在此之前,我可以继续为您登记报修、解答办事问题;紧急情况请直接告诉我。")
ANGRY_ACK = "非常理解您的心情,给您带来这样的困扰,真的很抱歉。我已请客服人员优先跟进您的问题。"

# --- channels (Telegram, WeChat) ---
PHOTO_RECEIVED = "照片已收到,我们会把它附在您的工单上,方便师傅提前了解情况。"
VOICE_ASK_TO_TYPE = "抱歉,我暂时听不了语音。您的语音已经保存,麻烦您用文字再描述一下问题,谢谢!"
LOCATION_RECEIVED = "位置已收到。为了让师傅准确找到您,请再告诉我楼栋、单元和房号。"
UNSUPPORTED_MESSAGE = "抱歉,这类消息我暂时看不了,请用文字告诉我您需要什么帮助。"
STILL_WORKING = "抱歉让您久等了,系统正在处理您的消息,处理完会马上回复您,请稍候。"
TRY_AGAIN_SHORTLY = "抱歉,系统暂时出了点问题。您的消息我们已经收到,稍后会自动为您处理,不用重复发送。"
CHANNEL_OFF = "This channel is not configured on this server (该渠道未启用)."

# --- WeChat channel ---
WECHAT_CHANNEL_OFF = ("微信公众号渠道未启用:请设置环境变量 WECHAT_TOKEN。"
                      " WeChat channel is off: set WECHAT_TOKEN to enable it.")
WECHAT_SORRY = "抱歉,系统暂时出了点问题,请稍后再发一次。"
WECHAT_OPTIONS_HINT = "请回复序号选择:"
WECHAT_OPTION = "{number}. {title}"
# What the WeChat channel hands Rasa when an owner follows the account: a greeting.
WECHAT_GREETING_FOR_RASA = "你好"

# --- agents' console ---
AGENT_ROLE_LABELS: dict[str, str] = {
    "agent": "客服",
    "supervisor": "主管",
}
AGENT_ACTIVE = "启用"
AGENT_INACTIVE = "停用"
PASSWORD_TOO_SHORT = "密码太短:至少需要{minimum}个字符。"
PASSWORD_ALL_DIGITS = "密码不能全是数字,请加入字母或符号。"
AGENT_LOGIN_INVALID = "登录名不能为空、不能包含空格,最多{maximum}个字符。"
AGENT_NAME_INVALID = "显示名称不能为空,最多{maximum}个字符。"
AGENT_ROLE_INVALID = "角色只能是 agent(客服)或 supervisor(主管)。"
AGENT_LOGIN_TAKEN = "登录名「{login}」已被使用,请换一个。"
AGENT_NOT_FOUND = "找不到登录名为「{login}」的坐席账号。"
AGENT_NOT_ALLOWED = "您没有权限进行此操作:需要{role}权限。"
SESSION_HOURS_INVALID = "环境变量 CONSOLE_SESSION_HOURS 必须是大于0的小时数,当前为「{value}」。"
AGENT_PASSWORD_PROMPT = "请输入密码:"
AGENT_PASSWORD_AGAIN = "请再输入一次密码:"
AGENT_PASSWORDS_DIFFER = "两次输入的密码不一致,账号未创建。"
AGENT_ADDED = "已创建坐席账号:{login}({name},{role})。"
AGENT_NONE_YET = "还没有坐席账号。可用 python -m bot agents add 创建。"
AGENT_LIST_LINE = "{login}\t{name}\t{role}\t{status}\t创建于 {created}"

# --- the console: what the owner reads when a person joins and leaves ---
AGENT_JOINED = "您好,我是客服专员{name},接下来由我为您服务。"
HANDED_BACK = "感谢您的耐心,人工客服已处理完毕。接下来由智能助手继续为您服务,有需要随时告诉我。"

# --- the console: labels and refusals the agents read ---
ESCALATION_REASON_LABELS: dict[str, str] = {
    "emergency": "紧急报修",
    "serious_complaint": "严重投诉",
    "angry": "业主情绪激动",
    "repeated_complaint": "重复投诉",
    "asked": "业主要求人工",
    "not_understood": "助手两次未能理解",
    "callback_dissatisfied": "回访不满意",
    "callback_phone": "回访需电话联系",
}
ESCALATION_STATUS_LABELS: dict[str, str] = {
    "waiting": "等待接管",
    "held": "人工处理中",
    "returned": "已交还助手",
}
ESCALATION_EVENT_LABELS: dict[str, str] = {
    "taken": "接管对话",
    "reply": "回复业主",
    "note": "内部备注",
    "reassigned": "转派",
    "handed_back": "交还助手",
}
TICKET_EVENT_TAKEN = "客服接管了业主的对话"
TICKET_EVENT_HANDED_BACK = "客服将对话交还助手。小结:{summary}"
TICKET_EVENT_REASSIGNED = "主管将对话转派给 {name}"
LATENESS_LABELS: dict[str, str] = {
    "response": "首次响应超时",
    "resolution": "处理超时",
}
CONSOLE_SIGN_IN_FIRST = "请先登录坐席控制台。"
CONSOLE_SIGN_IN_FAILED = "登录名或密码不正确,或账号已停用。"
CONSOLE_BAD_REQUEST = "请求格式不正确。"
CONSOLE_FORBIDDEN_ORIGIN = "请求来源不正确,已拒绝。"
CONSOLE_ESCALATION_NOT_FOUND = "找不到这条转人工记录。"
CONSOLE_TICKET_NOT_FOUND = "找不到工单 {number}。"
CONSOLE_ALREADY_HELD = "这段对话已由{name}接管。"
CONSOLE_ALREADY_RETURNED = "这段对话已交还助手。"
CONSOLE_NOT_HOLDER = "只有接管这段对话的客服才能进行此操作(当前由{name}处理)。"
CONSOLE_NOT_HELD = "请先接管这段对话。"
CONSOLE_EMPTY_TEXT = "内容不能为空。"
CONSOLE_TEXT_TOO_LONG = "内容太长:最多{maximum}个字。"
CONSOLE_SUMMARY_NEEDED = "交还助手前请写一句处理小结。"
CONSOLE_UNKNOWN_AGENT = "找不到可接收转派的坐席「{login}」(账号不存在或已停用)。"
CONSOLE_UNKNOWN_DEPARTMENT = "没有这个部门:{code}。"
CONSOLE_ILLEGAL_STATUS = "工单不能从「{current}」改为「{wanted}」。"
CONSOLE_RASA_DOWN = "暂时连接不上助手服务,操作未完成,请稍后重试。"
CONSOLE_STARTED = ("坐席控制台已启动: 在浏览器打开 http://localhost:{port}/ 登录"
                   "(账号用 python -m bot agents add 创建)")
# Sign-in throttling: the same words for known and unknown logins, and for a login or an
# address locked; the minutes are rounded up, never "0分钟".
CONSOLE_SIGN_IN_LOCKED = "登录失败次数过多，请{minutes}分钟后再试。"
# The console's audit trail (console_events), one line per lock-out.
CONSOLE_AUDIT_LOGIN_LOCKED = ("登录名「{key}」在{window}分钟内登录失败{failures}次，"
                              "锁定{minutes}分钟（最后一次来自 {address}）。")
CONSOLE_AUDIT_ADDRESS_LOCKED = "地址 {key} 在{window}分钟内登录失败{failures}次，锁定{minutes}分钟。"
CONSOLE_NOT_FOUND = "找不到您要的内容。"
CONSOLE_TICKET_UNKNOWN = "找不到这张工单。"
CONSOLE_METHOD_NOT_ALLOWED = "不支持这种请求方式。"
CONSOLE_TOO_LARGE = "请求内容太大。"
CONSOLE_INTERNAL_ERROR = "控制台内部出错，操作可能未完成，请稍后重试。"
TRUSTED_PROXY_INVALID = ("环境变量 {variable} 应是以逗号分隔的 IP 地址或网段"
                         "（如 127.0.0.1 或 10.0.0.0/8），当前为「{value}」。")

# --- callbacks (回访) ---
CENTRE_NAME_DEFAULT = "物业服务中心"
CALLBACK_KIND_LABELS: dict[str, str] = {
    "ticket": "报修/投诉处理回访",
    "delivery": "交付/入住服务回访",
    "living": "入住三个月回访",
    "opinion": "业主意见调查",
}
CALLBACK_OUTCOME_LABELS: dict[str, str] = {
    "scheduled": "待回访",
    "calling": "回访中",
    "answered": "已回访",
    "refused": "业主拒绝",
    "unreachable": "联系不上",
    "handed_to_person": "转人工回访",
}
CALLBACK_RESUMING = "您好,我们继续之前的回访。"
CALLBACK_NOT_UNDERSTOOD = "抱歉,我没有看明白。"
CALLBACK_SCALE_HINT = "请从「很满意、满意、一般、不满意、很不满意」中选一个回答。"
CALLBACK_YES_NO_HINT = "请回复「需要」或「不需要」。"
CALLBACK_CONSENT_HINT = "请回复「方便」开始回访,或回复「不方便」。"
CALLBACK_CONSENT_BUTTONS = ("方便", "现在不方便")
CALLBACK_YES_NO_BUTTONS = ("需要", "不需要")
CALLBACK_DO_NOT_DISTURB = "好的,以后不再通过消息回访您。如有需要随时联系我们。"
CALLBACK_SET_ASIDE = "好的,回访稍后再说,先帮您处理这件事。"
CALLBACK_PHONE_TASK = "{kind}:该业主的消息渠道目前无法送达,请电话回访。{ticket}"
CALLBACK_DISSATISFIED_TASK = "{kind}业主不满意:{details}"
CALLBACK_REOPEN_NOTE = "回访不满意,重新打开:{details}"
CALLBACK_COMPLAINT_DESCRIPTION = "{kind}中业主反映:{details}"
CALLBACK_ACTOR = "回访"
CALLBACK_NO_DETAILS = "未说明具体原因"
CALLBACK_TICK_DONE = "回访调度完成: {report}"
CALLBACK_SCHEDULER_STARTED = "回访调度已启动: 每{seconds:g}秒检查一次到期的回访(Ctrl-C 停止)"
OWNER_DATES_SAVED = "已记录业主 {channel}:{sender} 的交付/入住日期。"

# --- the monthly report ---
REPORT_MONTH = "{year}年{month}月"
REPORT_TITLE = "{month}物业客服月度报表"
REPORT_BAD_MONTH = "月份格式不正确:「{value}」。请写成 YYYY-MM,例如 2026-11。"
REPORT_GENERATED = "生成时间:{at}(北京时间)"
REPORT_NO_TICKETS = "本月没有工单。"
REPORT_NO_DATA = "本月没有可统计的数据。"
REPORT_NOT_APPLICABLE = "—"
REPORT_NO_BUILDING = "公共区域/未登记房屋"
REPORT_ALL_CALLBACKS = "全部回访"
REPORT_WRITTEN = "报表已写入 {path}"
REPORT_SECTIONS: dict[str, str] = {
    "overview": "工单概况",
    "category": "按类别",
    "department": "按部门",
    "building": "按楼栋",
    "rates": "时效与回访",
    "callbacks": "各类回访覆盖情况",
    "satisfaction": "回访满意度(报修/投诉处理回访)",
    "themes": "投诉热点",
    "definitions": "统计口径",
}
REPORT_COLUMNS: dict[str, str] = {
    "item": "项目",
    "tickets": "工单数",
    "share": "占比",
    "met": "达标/应计",
    "rate": "比率",
    "kind": "回访类型",
    "planned": "应回访",
    "covered": "已有结果",
    "coverage": "覆盖率",
    "answered": "业主应答",
    "answered_share": "应答率",
    "question": "问题",
    "answers": "回答数",
    "satisfied": "满意率(满意+很满意)",
    "mean": "平均分(5分制)",
    "rank": "排名",
    "theme": "关键词",
    "complaints": "涉及投诉(件)",
}
REPORT_OVERVIEW = "本月新建工单 {tickets} 件,其中投诉 {complaints} 件。"
REPORT_RATE_LABELS: dict[str, str] = {
    "first_response": "首次响应及时率",
    "resolution": "处理及时率",
    "coverage": "回访覆盖率",
    "answered": "回访应答率",
}
REPORT_QUESTION_LABELS: dict[str, str] = {
    "result": "对处理结果",
    "process": "对处理过程",
    "person": "对负责人员",
}
SCALE_LABELS: dict[int, str] = {5: "很满意", 4: "满意", 3: "一般", 2: "不满意", 1: "很不满意"}
REPORT_DEFINITIONS = (
    "月份按服务中心当地时间(北京时间)的自然月计算。",
    "工单数:本月新建的工单,按类别、部门和楼栋统计;不在房屋内的(电梯、车库等)计入「公共区域/未登记房屋」。",
    "首次响应及时率:首次响应时限落在本月的工单中,在时限内被受理的比例。",
    "处理及时率:应完成时间落在本月的工单中,在应完成时间之前处理完成的比例;重新打开的工单以最近一次处理完成为准。",
    "两项及时率都不计报表生成时尚未到期、也尚未完成的工单。",
    "回访覆盖率:本月安排的回访中,截至报表生成时已有结果(已回访、业主拒绝、联系不上、转人工回访)的比例;"
    "回访应答率:其中业主完成回答(已回访)的比例,分母同为本月安排的回访。",
    "回访满意度:本月收到的报修/投诉处理回访的三项评分(处理结果、处理过程、负责人员),"
    "同一回访同一问题以最后一次回答为准;满意率为「满意」和「很满意」之和的占比。",
    "投诉热点:本月新建投诉的描述经分词后出现最多的词,每件投诉中的同一个词只计一次。",
)
REPORT_SUMMARY_TICKETS = "工单 {tickets} 件:{categories}"
REPORT_LIST_SEPARATOR = "、"
REPORT_SUMMARY_SATISFACTION = "满意率(满意+很满意):{questions}"
REPORT_SUMMARY_THEMES = "投诉热点:{themes}"
REPORT_RATE_TEXT = "{percent}({part}/{whole})"
# Chart titles: in Chinese when a font can draw it, else in English (no empty boxes).
REPORT_CHART_TITLES: dict[str, tuple[str, str]] = {
    "category": ("工单类别", "Tickets by category"),
    "department": ("工单部门", "Tickets by department"),
    "building": ("工单楼栋", "Tickets by building"),
    "rates": ("时效与回访(%)", "On time and callbacks (%)"),
    "satisfaction": ("回访满意度(回答数)", "Callback satisfaction (answers; 5 = very satisfied)"),
    "themes": ("投诉热点(涉及投诉件数)", "Complaint themes (complaints; see the table)"),
}

# --- running on real engines ---
ENGINE_UNREACHABLE = "无法启动:{problem}。请检查该服务是否已启动、地址是否正确,或去掉对应的环境变量以使用内置默认配置。"
ANALYTICS_NO_BROKER = "未设置 RABBITMQ_URL:没有事件代理,对话统计消费者不启动(内置默认配置下无需此进程)。"
ANALYTICS_STARTED = "对话统计消费者已启动:从 RabbitMQ 队列 {queue} 读取事件。"

# The public door: what an owner reads when a message is cut, too frequent, or a web chat
# session is missing (bot/channels/, bot/webchat/).
MESSAGE_CUT = ("您的消息较长，我先按前{limit}个字为您处理；后面的内容请分几条发送，"
               "或稍后告诉为您服务的工作人员。")
TOO_MANY_MESSAGES = "您发送得太快了，请稍后再试。"
WEBCHAT_NO_SESSION = "会话已失效，请刷新页面后重试。"
WEBCHAT_BAD_REQUEST = "请求格式不正确。"
WEBCHAT_EMPTY = "消息不能为空。"
WEBCHAT_RASA_DOWN = "助手暂时没有响应，请稍后再试。"
WEBCHAT_STARTED = "网页聊天已启动：在浏览器打开 http://localhost:{port}/ 以业主身份与助手对话"
# Shown to agents beside a web chat (or REST) owner: nobody vouches for who they are.
UNVERIFIED_OWNER = "【未验证：网页访客，身份未经核实】"
WEBCHAT_TOO_LARGE = "消息太长了，请分几条发送。"

# Doubtful danger (bot/understanding/urgency.py doubtful_danger): the yes/no safety question
# the dialogue asks at once when the words hint at danger without settling it. A "yes" makes
# the repair an emergency of the matching kind (urgency.DOUBTS gives kind and advice code).
DOUBTFUL_DANGER_QUESTIONS: dict[str, str] = {
    "gas_smell": "请问现在能闻到燃气味吗？",
    "lift_trapped": "请问现在有人被困在电梯里吗？",
    "smoke_fire": "请问现在有冒烟、火花或焦糊味吗？",
    "live_wire": "请问露出的电线附近有水，或者有人（特别是孩子）能碰到吗？",
    "water_spreading": "请问水现在还在往外流、流到别处吗？",
    "falling_object": "请问它现在有随时掉下来的危险吗？",
}
