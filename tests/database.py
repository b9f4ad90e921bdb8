"""Databases for tests: a SQLite file per test, and PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text

from bot.bootstrap import prepare_database
from bot.store.engine import engine_for
from bot.store.models import metadata

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()


def _postgres_reachable(url: str) -> str | None:
    """None when the server answers, else why not (for the skip message)."""
    try:
        with create_engine(url, future=True).connect() as connection:
            connection.execute(text("select 1"))
        return None
    except Exception as error:  # noqa: BLE001 - any failure means "not here"
        return f"{type(error).__name__}: {str(error).splitlines()[0]}"


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """A PostgreSQL database of its own on the TEST_DATABASE_URL server, dropped afterwards;
    skips (saying why) where there is no such server."""
    if not TEST_DATABASE_URL:
        pytest.skip("TEST_DATABASE_URL is not set: no PostgreSQL server to test against")
    problem = _postgres_reachable(TEST_DATABASE_URL)
    if problem:
        pytest.skip(f"PostgreSQL at TEST_DATABASE_URL is not reachable ({problem})")
    name = f"assistant_test_{uuid.uuid4().hex[:8]}"
    admin = create_engine(TEST_DATABASE_URL, future=True, isolation_level="AUTOCOMMIT")
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


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throw-away PostgreSQL database for this run, dropped afterwards."""
    with throwaway_postgres() as url:
        yield url


def _empty_tables(url: str) -> None:
    engine = engine_for(url)
    with engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path, monkeypatch) -> Iterator[str]:
    """The service's database, migrated and seeded, on each engine in turn."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'assistant.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    monkeypatch.setenv("DATABASE_URL", url)
    prepare_database()
    yield url
    if request.param == "postgresql":
        _empty_tables(url)
    else:
        engine_for(url).dispose()
