"""Clear cases of an angry owner (the seeds name anger, anxiety, sadness and loudness; the
assistant acts on anger and loudness, where a person should step in).

Loudness alone is anger only when the words are not friendly: "谢谢!!!" and "太好了!!!" are
an owner pleased, not an owner to apologise to.
"""

from __future__ import annotations

import re

_ANGER = re.compile(
    r"气死|太过分|忍无可忍|受够了|太气人|火大|恶心死|垃圾物业|什么破物业|破物业|无语死|"
    r"投诉到底|要曝光|找媒体|打12345|告你们|骗子|黑心|强烈不满|非常愤怒|"
    r"到底管不管|还管不管|有没有人管|"
    r"他妈|妈的|tmd|TMD|草泥马|傻逼|SB|滚"
)
# Shouting: a run of exclamation or question marks.
_LOUD = re.compile(r"[!！]{3,}|[?？]{3,}|[!！?？]{4,}")
_FRIENDLY = re.compile(r"谢谢|感谢|多谢|太好了|辛苦|你好|您好|哈哈|棒|赞|好的|没问题|麻烦你了")


def is_angry(text: str) -> bool:
    if _ANGER.search(text):
        return True
    return bool(_LOUD.search(text)) and not _FRIENDLY.search(text)
