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
}

UNKNOWN = "未识别"
NOT_GIVEN = "未提供"
