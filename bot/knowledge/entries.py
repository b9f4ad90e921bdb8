"""The knowledge base as data: entries and synonyms loaded from data/knowledge/*.yml."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

KNOWLEDGE_DIR = Path(__file__).resolve().parents[2] / "data" / "knowledge"
SYNONYMS_FILE = "synonyms.yml"


@dataclass(frozen=True)
class Entry:
    """One procedure or rule, with the facts an answer is composed from."""

    id: str
    topic: str
    topic_label: str
    title: str
    summary: str
    questions: tuple[str, ...]
    keywords: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()
    materials: tuple[str, ...] = ()
    fees: tuple[str, ...] = ()
    time_limits: tuple[str, ...] = ()
    contact: str | None = None
    notes: tuple[str, ...] = ()
    source: tuple[str, ...] = field(default_factory=tuple)

    @property
    def searchable_text(self) -> str:
        """What retrieval matches a question against: how owners ask, and what it is about."""
        return " ".join([self.title, self.title, *self.questions, *self.keywords, self.summary])


def _strings(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(item) for item in value)  # type: ignore[union-attr]


def load_entries(folder: Path = KNOWLEDGE_DIR) -> list[Entry]:
    """Every entry of every topic file; a duplicate id or a missing field fails loudly."""
    entries: list[Entry] = []
    for path in sorted(folder.glob("*.yml")):
        if path.name == SYNONYMS_FILE:
            continue
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for raw in document.get("entries") or []:
            try:
                entries.append(
                    Entry(
                        id=raw["id"],
                        topic=document["topic"],
                        topic_label=document["label"],
                        title=raw["title"],
                        summary=raw["summary"],
                        questions=_strings(raw.get("questions")),
                        keywords=_strings(raw.get("keywords")),
                        steps=_strings(raw.get("steps")),
                        materials=_strings(raw.get("materials")),
                        fees=_strings(raw.get("fees")),
                        time_limits=_strings(raw.get("time_limits")),
                        contact=raw.get("contact"),
                        notes=_strings(raw.get("notes")),
                        source=_strings(raw.get("source")),
                    )
                )
            except KeyError as missing:
                raise ValueError(f"{path}: an entry lacks {missing}") from None
    ids = [entry.id for entry in entries]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"duplicate knowledge entry ids: {duplicates}")
    return entries


def load_synonyms(folder: Path = KNOWLEDGE_DIR) -> dict[str, str]:
    """Each synonym mapped to its group's first word: 保证金 → 押金, 出门条 → 放行条."""
    path = folder / SYNONYMS_FILE
    if not path.exists():
        return {}
    groups = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("synonyms") or []
    return {word: group[0] for group in groups for word in group}
