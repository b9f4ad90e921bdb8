"""Which department a ticket goes to, from data/service/departments.yml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DEPARTMENTS_FILE = Path(__file__).resolve().parents[2] / "data" / "service" / "departments.yml"


@dataclass(frozen=True)
class DepartmentInfo:
    code: str
    name: str
    default_responsible: str


@dataclass(frozen=True)
class Rule:
    categories: frozenset[str]
    keywords: re.Pattern[str]
    department: str


@dataclass(frozen=True)
class RoutingTable:
    departments: dict[str, DepartmentInfo]
    defaults: dict[str, str]
    rules: tuple[Rule, ...]

    def route(self, category: str, description: str) -> DepartmentInfo:
        """The first matching rule's department, else the category's default."""
        for rule in self.rules:
            if category in rule.categories and rule.keywords.search(description):
                return self.departments[rule.department]
        return self.departments[self.defaults[category]]


def load_routing(path: Path = DEPARTMENTS_FILE) -> RoutingTable:
    """Read and check the table: a rule naming an unknown department fails at start-up."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    departments = {
        item["code"]: DepartmentInfo(item["code"], item["name"], item["default_responsible"])
        for item in document["departments"]
    }
    rules = tuple(
        Rule(frozenset(item["categories"]), re.compile(item["keywords"]), item["department"])
        for item in document.get("rules") or []
    )
    defaults = dict(document["defaults"])
    for code in [*defaults.values(), *(rule.department for rule in rules)]:
        if code not in departments:
            raise ValueError(f"{path}: unknown department {code!r}")
    return RoutingTable(departments, defaults, rules)


@lru_cache(maxsize=1)
def default_routing() -> RoutingTable:
    return load_routing()
