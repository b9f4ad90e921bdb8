"""The departments table mirrors data/service/departments.yml."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from bot.store.engine import session_scope
from bot.store.models import Department


def sync_departments(departments: Iterable[tuple[str, str, str]]) -> None:
    """Insert or update (code, name, default responsible); departments are never deleted,
    because old tickets still point at them."""
    with session_scope() as session:
        existing = {d.code: d for d in session.execute(select(Department)).scalars()}
        for code, name, responsible in departments:
            row = existing.get(code) or Department(code=code)
            row.name, row.default_responsible = name, responsible
            session.add(row)
