"""Databases for tests: a SQLite file per test, and PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from bot.bootstrap import prepare_database
from bot.store.engine import engine_for
from bot.store.models import metadata
from tools.databases import postgres_problem, throwaway_database

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """A PostgreSQL database of its own on the TEST_DATABASE_URL server, dropped afterwards;
    skips (saying why) where there is no such server."""
    if not TEST_DATABASE_URL:
        pytest.skip("TEST_DATABASE_URL is not set: no PostgreSQL server to test against")
    problem = postgres_problem(TEST_DATABASE_URL)
    if problem:
        pytest.skip(f"PostgreSQL at TEST_DATABASE_URL is not reachable ({problem})")
    with throwaway_database(TEST_DATABASE_URL) as url:
        yield url


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
