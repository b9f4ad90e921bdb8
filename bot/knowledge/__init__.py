"""The knowledge base: data/knowledge/ loaded, retrieval, and composing an answer."""

from bot.knowledge.entries import Entry, load_entries, load_synonyms
from bot.knowledge.service import KnowledgeAnswer, KnowledgeBase, default_knowledge

__all__ = [
    "Entry",
    "KnowledgeAnswer",
    "KnowledgeBase",
    "default_knowledge",
    "load_entries",
    "load_synonyms",
]
