"""Make a database ready for the service: newest schema, departments from the routing table."""

from __future__ import annotations

from bot import store
from bot.tickets.routing import default_routing


def prepare_database() -> None:
    """Safe to call at every start-up of every process: each step is idempotent."""
    store.upgrade()
    store.sync_departments(
        (d.code, d.name, d.default_responsible) for d in default_routing().departments.values()
    )
