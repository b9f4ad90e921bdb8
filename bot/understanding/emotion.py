"""Clear cases of an angry owner (the seeds name anger, anxiety, sadness and loudness; the
assistant acts on anger and loudness, where a person should step in)."""

from __future__ import annotations

import re

_ANGER = re.compile(
    r"气死|太过分|忍无可忍|受够了|太气人|火大|恶心死|垃圾物业|什么破物业|破物业|无语死|"
    r"投诉到底|要曝光|找媒体|打12345|告你们|骗子|黑心|强烈不满|非常愤怒|"
    r"他妈|妈的|tmd|TMD|草泥马|傻逼|SB|滚"
)
# Shouting: a run of exclamation or question marks.
_LOUD = re.compile(r"[!！]{3,}|[?？]{3,}|[!！?？]{4,}")


def is_angry(text: str) -> bool:
    return bool(_ANGER.search(text) or _LOUD.search(text))
