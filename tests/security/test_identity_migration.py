"""Migration 0011 carries conversations over to ids that carry their channel: a Telegram
owner's tracker (Rasa's `events` table in a shared database) and analytics become
`telegram:<chat>`, everything else that came through REST `rest:<sender>`, and what already
carries a channel is left alone. Run on SQLite and, where it answers, PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from alembic import command

from bot.store.engine import engine_for
from bot.store.schema import alembic_config

AT = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)


@pytest.fixture(params=["sqlite", "postgresql"])
def old_database(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
        yield url
        return
    from tests.database import throwaway_postgres

    with throwaway_postgres() as url:
        yield url


def _migrate(url: str, revision: str) -> None:
    engine = engine_for(url)
    config = alembic_config(str(engine.url))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    engine.dispose()


def test_old_conversations_move_to_their_channel_ids(old_database: str) -> None:
    _migrate(old_database, "0010")
    engine = engine_for(old_database)
    with engine.begin() as connection:
        # What Rasa's SQL tracker store keeps, in the shape it creates.
        connection.execute(sa.text(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
            "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, data TEXT)"))
        connection.execute(sa.text(
            "INSERT INTO inbound_messages (channel, external_id, sender_id, kind, received_at) "
            "VALUES ('telegram', '1001', '4242', 'text', :at), "
            "('wechat', 'm-1', 'oWx-openid', 'text', :at)"), {"at": AT})
        for number, sender in enumerate(["4242", "4242", "oWx-openid", "owner-1", "web:abc"]):
            connection.execute(sa.text(
                "INSERT INTO events (id, sender_id, type_name, timestamp, data) "
                "VALUES (:id, :sender, 'user', 1.0, '{}')"), {"id": number + 1, "sender": sender})
        connection.execute(sa.text(
            "INSERT INTO conversation_events (sender_id, at, kind, channel, fallback) "
            "VALUES ('4242', :at, 'message', 'telegram', false), "
            "('owner-1', :at, 'message', 'rest', false)"), {"at": AT})
    engine.dispose()

    _migrate(old_database, "head")

    engine = engine_for(old_database)
    with engine.connect() as connection:
        trackers = sorted(row[0] for row in connection.execute(
            sa.text("SELECT sender_id FROM events")))
        analytics = sorted(row[0] for row in connection.execute(
            sa.text("SELECT sender_id FROM conversation_events")))
    engine.dispose()
    assert trackers == ["rest:owner-1", "telegram:4242", "telegram:4242", "web:abc",
                        "wechat:oWx-openid"]
    assert analytics == ["rest:owner-1", "telegram:4242"]
