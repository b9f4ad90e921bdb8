"""Owners' data files are private from their first byte: the SQLite database (phones,
password hashes) with its -wal / -shm / -journal, Rasa's endpoints file (engine passwords)
and attachment folders; directories 0o700, files 0o600.

The commands run as a centre runs them (`python -m bot db-upgrade`, `python -m bot
endpoints`), under the loosest umask (0), so nothing depends on the umask being kind.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from sqlalchemy import text

from bot.deploy.engines import Engines, write_endpoints_file
from bot.private_files import private_dir, private_file, write_private
from bot.store.engine import engine_for, prepare_sqlite_file
from tools.stack import ROOT, quiet_env

ENGINE_VARIABLES = ("DATABASE_URL", "REDIS_URL", "RABBITMQ_URL")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@contextmanager
def umask(value: int) -> Iterator[None]:
    previous = os.umask(value)
    try:
        yield
    finally:
        os.umask(previous)


def run_bot(*arguments: str, **variables: str) -> subprocess.CompletedProcess:
    """`python -m bot ...` with the loosest umask and only the engines given."""
    env = {k: v for k, v in quiet_env().items() if k not in ENGINE_VARIABLES} | variables
    return subprocess.run([sys.executable, "-m", "bot", *arguments], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120,
                          preexec_fn=lambda: os.umask(0))


# --- the SQLite database -----------------------------------------------------------------


def test_db_upgrade_creates_the_database_and_its_folder_private(tmp_path: Path) -> None:
    database = tmp_path / "var" / "assistant.db"
    done = run_bot("db-upgrade", DATABASE_URL=f"sqlite:///{database}")
    assert done.returncode == 0, done.stderr
    assert mode(database.parent) == 0o700
    assert mode(database) == 0o600
    for companion in database.parent.glob("assistant.db-*"):
        assert mode(companion) == 0o600, companion


def test_the_wal_and_shm_files_are_private_while_the_service_writes(tmp_path: Path) -> None:
    database = tmp_path / "data" / "assistant.db"
    with umask(0):
        engine = engine_for(f"sqlite:///{database}")
        try:
            with engine.connect() as connection:
                connection.execute(text("create table owners (phone text)"))
                connection.execute(text("insert into owners values ('13800138000')"))
                connection.commit()
                # The connection is still open: SQLite keeps its WAL and shared memory.
                companions = {p.name: mode(p) for p in database.parent.glob("assistant.db-*")}
        finally:
            engine.dispose()
    assert mode(database) == 0o600 and mode(database.parent) == 0o700
    assert companions == {"assistant.db-wal": 0o600, "assistant.db-shm": 0o600}


def test_a_rollback_journal_is_private_too(tmp_path: Path) -> None:
    database = tmp_path / "assistant.db"
    with umask(0):
        prepare_sqlite_file(database)
        connection = sqlite3.connect(database, isolation_level=None)
        try:
            connection.execute("pragma journal_mode=delete")
            connection.execute("create table owners (phone text)")
            connection.execute("begin immediate")
            connection.execute("insert into owners values ('13800138000')")
            journal = database.with_name("assistant.db-journal")
            assert journal.exists()
            assert mode(journal) == 0o600
            connection.execute("commit")
        finally:
            connection.close()


def test_a_database_left_open_by_an_older_release_is_narrowed(tmp_path: Path) -> None:
    database = tmp_path / "assistant.db"
    sqlite3.connect(database).close()
    database.chmod(0o644)
    wal = database.with_name("assistant.db-wal")
    wal.write_bytes(b"")
    wal.chmod(0o644)
    done = run_bot("db-upgrade", DATABASE_URL=f"sqlite:///{database}")
    assert done.returncode == 0, done.stderr
    assert mode(database) == 0o600
    assert not wal.exists() or mode(wal) == 0o600


def test_a_folder_database_url_names_is_not_changed(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    done = run_bot("db-upgrade", DATABASE_URL=f"sqlite:///{shared / 'assistant.db'}")
    assert done.returncode == 0, done.stderr
    assert mode(shared) == 0o755, "only the default var/ is narrowed"
    assert mode(shared / "assistant.db") == 0o600


# --- Rasa's endpoints file ---------------------------------------------------------------


def test_the_endpoints_command_writes_a_private_file_in_a_private_folder(tmp_path: Path) -> None:
    out = tmp_path / "var" / "endpoints.yml"
    done = run_bot("endpoints", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert mode(out) == 0o600
    assert mode(out.parent) == 0o700
    assert set(yaml.safe_load(out.read_text(encoding="utf-8"))) == {"action_endpoint"}
    assert [p.name for p in out.parent.iterdir()] == ["endpoints.yml"], "no temporary left"


def test_the_endpoints_command_replaces_an_open_file_with_a_private_one(tmp_path: Path) -> None:
    out = tmp_path / "endpoints.yml"
    out.write_text("old: true\n", encoding="utf-8")
    out.chmod(0o644)
    done = run_bot("endpoints", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert mode(out) == 0o600
    assert "old" not in yaml.safe_load(out.read_text(encoding="utf-8"))


def test_the_endpoints_file_is_never_narrowed_after_writing(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("chmod after the file was written")

    monkeypatch.setattr(os, "chmod", refuse)
    monkeypatch.setattr(Path, "chmod", refuse)
    engines = Engines(database_url="postgresql://assistant:pg-secret@db.example/assistant",
                      redis_url=None, rabbitmq_url=None,
                      actions_url="http://127.0.0.1:5055/webhook")
    with umask(0):
        written = write_endpoints_file(tmp_path / "var" / "endpoints.yml", engines)
    assert mode(written) == 0o600 and mode(written.parent) == 0o700
    assert "pg-secret" in written.read_text(encoding="utf-8")


# --- the helpers (attachments use them: bot/channels/telegram.py) -------------------------


def test_write_private_makes_every_missing_folder_private(tmp_path: Path) -> None:
    target = tmp_path / "attachments" / "telegram" / "AgADBAAD.jpg"
    with umask(0):
        written = write_private(target, b"\xff\xd8photo")
    assert written == target and target.read_bytes() == b"\xff\xd8photo"
    assert mode(target) == 0o600
    assert mode(tmp_path / "attachments") == 0o700
    assert mode(tmp_path / "attachments" / "telegram") == 0o700
    assert [p.name for p in target.parent.iterdir()] == ["AgADBAAD.jpg"]


def test_write_private_writes_text_as_utf8_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "note.txt"
    write_private(target, "第一版")
    write_private(target, "业主电话 13800138000")
    assert target.read_text(encoding="utf-8") == "业主电话 13800138000"
    assert mode(target) == 0o600


def test_private_file_keeps_content_and_narrows_only_when_asked(tmp_path: Path) -> None:
    target = tmp_path / "assistant.db"
    target.write_bytes(b"kept")
    target.chmod(0o644)
    private_file(target)
    assert mode(target) == 0o644 and target.read_bytes() == b"kept"
    private_file(target, tighten=True)
    assert mode(target) == 0o600 and target.read_bytes() == b"kept"


def test_private_dir_narrows_only_what_it_should(tmp_path: Path) -> None:
    own = tmp_path / "var"
    own.mkdir()
    own.chmod(0o755)
    private_dir(own)
    assert mode(own) == 0o755, "not without tighten"
    private_dir(own, tighten=True)
    assert mode(own) == 0o700
    stricter = tmp_path / "read-only"
    stricter.mkdir()
    stricter.chmod(0o500)
    private_dir(stricter, tighten=True)
    assert mode(stricter) == 0o500, "never widened"
    shared = tmp_path / "shared-tmp"
    shared.mkdir()
    shared.chmod(0o1777)
    private_dir(shared, tighten=True)
    assert mode(shared) == 0o1777, "a sticky shared folder such as /tmp is left alone"
