"""Where the data lives: one engine per database URL, SQLite by default, PostgreSQL by choice.

DATABASE_URL selects the database (e.g. postgresql://user@host/db). Without it the
service keeps a SQLite file under var/, in WAL mode so the Rasa, action and console
processes can read while one writes.

The SQLite file holds owners' phones and agents' password hashes, so it is created 0o600
(and var/ 0o700) before SQLite first opens it; SQLite gives its -wal, -shm and -journal
files the database file's own permissions.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.private_files import private_dir, private_file

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "var" / "assistant.db"
# How long a SQLite writer waits for another process's write to finish.
SQLITE_BUSY_SECONDS = 30
# The files SQLite keeps beside the database, named after it.
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


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


def sqlite_file(url: str) -> Path | None:
    """The database file of a sqlite:/// URL; None for an in-memory or URI-style one."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def prepare_sqlite_file(path: Path) -> None:
    """The database file private before SQLite opens it: created empty and 0o600 (SQLite
    takes an empty file for an empty database) in a 0o700 folder; one left too open by an
    older release is narrowed, with its -wal / -shm / -journal. The default var/ folder is
    narrowed too; a folder DATABASE_URL names is only created private, never changed."""
    private_dir(path.parent, tighten=path.parent == DEFAULT_SQLITE_PATH.parent)
    private_file(path, tighten=True)
    for suffix in SQLITE_COMPANIONS:
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            private_file(companion, tighten=True)


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    """One pooled engine per URL for the life of the process."""
    if url.startswith("sqlite:///"):
        path = sqlite_file(url)
        if path is not None:
            prepare_sqlite_file(path)
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
