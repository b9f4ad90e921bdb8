"""An answer composed from an entry: the part that answers the question first, then what
else matters, then the related topics; never the whole entry dumped."""

from __future__ import annotations

from bot import texts
from bot.knowledge.entries import Entry

# What a question asks about, by the words that say so. The first aspect found wins.
ASPECTS: dict[str, tuple[str, ...]] = {
    "time_limits": ("多久", "多长时间", "几天", "什么时候", "啥时候", "几时", "时限", "期限",
                    "多快", "几个月", "几点", "时间"),
    "materials": ("材料", "带什么", "资料", "证件", "准备什么", "要带", "提交什么", "证明",
                  "要什么东西", "需要什么"),
    "fees": ("多少钱", "费用", "收费", "收钱", "要钱", "交钱", "交多少", "扣钱", "扣", "钱"),
    "contact": ("找谁", "电话", "联系谁", "哪个部门", "在哪办", "去哪办", "在哪里办", "哪里办",
                "去哪", "在哪"),
    "steps": ("流程", "步骤", "怎么办", "怎么弄", "程序", "手续", "怎么申请", "如何申请",
              "怎么操作", "怎么处理"),
}
ASPECT_WORDS = frozenset(word for words in ASPECTS.values() for word in words)
# Sections shown after the summary when the question asks nothing in particular.
DEFAULT_SECTIONS = ("steps", "materials", "time_limits", "fees")
MAX_LIST_ITEMS = 6


def aspect_of(question: str) -> str | None:
    for aspect, words in ASPECTS.items():
        if any(word in question for word in words):
            return aspect
    return None


def _section(entry: Entry, name: str) -> str | None:
    label = texts.KNOWLEDGE_SECTIONS[name]
    if name == "contact":
        return f"{label}:{entry.contact}" if entry.contact else None
    items: tuple[str, ...] = getattr(entry, name)
    if not items:
        return None
    if len(items) == 1:
        return f"{label}:{items[0]}"
    listed = "\n".join(f"{n}. {item}" for n, item in enumerate(items[:MAX_LIST_ITEMS], 1))
    return f"{label}:\n{listed}"


def compose(entry: Entry, question: str, related: list[Entry]) -> str:
    """Summary, then the asked aspect (or the usual sections), notes, contact, follow-up."""
    aspect = aspect_of(question)
    order = (aspect,) if aspect else DEFAULT_SECTIONS
    parts = [entry.summary]
    for name in order:
        section = _section(entry, name)
        if section:
            parts.append(section)
    if aspect is None and entry.notes:
        parts.append(_section(entry, "notes") or "")
    if aspect != "contact" and entry.contact:
        parts.append(_section(entry, "contact") or "")
    if related:
        parts.append(texts.KNOWLEDGE_FOLLOW_UP.format(
            topic=entry.topic_label, titles="、".join(e.title for e in related)))
    return "\n".join(part for part in parts if part)
