"""Where the data lives: one engine per database URL, SQLite by default, PostgreSQL by choice.

DATABASE_URL selects the database (e.g. postgresql://user@host/db). Without it the
service keeps a SQLite file under var/, in WAL mode so the Rasa, action and console
processes can read while one writes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "var" / "assistant.db"
# How long a SQLite writer waits for another process's write to finish.
SQLITE_BUSY_SECONDS = 30


def database_url() -> str:
    """The configured database, normalised so SQLAlchemy picks the installed driver."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{DEFAULT_SQLITE_PATH}"
    if url.startswith("postgres://"):  # Heroku-style spelling
        url = "postgresql://" + url[len("postgres://"):]
    return url


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # Let SQLAlchemy, not the driver, decide when a transaction begins: see
        # "Serializable isolation / Savepoints / Transactional DDL" in SQLAlchemy's SQLite docs.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:  # type: ignore[no-untyped-def]
        # Take the write lock at BEGIN: two writers then queue instead of deadlocking
        # on a lock upgrade, which is what keeps ticket numbering safe on SQLite.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    """One pooled engine per URL for the life of the process."""
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, future=True, connect_args={"timeout": SQLITE_BUSY_SECONDS, "check_same_thread": False}
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(url, future=True, pool_pre_ping=True)


def get_engine() -> Engine:
    return engine_for(database_url())


@lru_cache(maxsize=8)
def _session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A unit of work: committed when the block ends, rolled back if it raises."""
    session: Session = _session_factory(engine or get_engine())()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
