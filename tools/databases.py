"""Throw-away PostgreSQL databases on a given server, for the tests and the benchmark."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text


def postgres_problem(url: str) -> str | None:
    """None when the server answers, else why not (for skip messages)."""
    try:
        with create_engine(url, future=True).connect() as connection:
            connection.execute(text("select 1"))
        return None
    except Exception as error:  # noqa: BLE001 - any failure means "not here"
        return f"{type(error).__name__}: {str(error).splitlines()[0]}"


@contextmanager
def throwaway_database(server_url: str, prefix: str = "assistant_test") -> Iterator[str]:
    """A new database on the server behind `server_url`, dropped (connections and all) after."""
    from bot.store.engine import engine_for

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, future=True, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        engine_for(url).dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
