"""conversation ids carry their channel (telegram:<chat>, wechat:<openid>, web:<session>)

Our own tables already keep people as (channel, sender id) and need nothing. What changes is
the conversation id Rasa keeps: its SQL tracker store's `events` table (present when Rasa
shares this database, the production layout) and the analytics' `conversation_events`. A
bare id is given the channel that delivered to it through a signed webhook (the
`inbound_messages` claims of Telegram and WeChat); any other bare id was written through
the REST channel and becomes `rest:<id>`.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

PREFIXED = ("telegram:", "wechat:", "web:", "rest:")
SIGNED_CHANNELS = ("telegram", "wechat")


def _channels(connection: sa.engine.Connection) -> dict[str, str]:
    """Bare sender id -> the signed channel that delivered to it."""
    rows = connection.execute(sa.text(
        "SELECT DISTINCT channel, sender_id FROM inbound_messages "
        "WHERE channel IN ('telegram', 'wechat')")).all()
    found: dict[str, str] = {}
    for channel, sender in rows:
        found.setdefault(sender, channel)
    return found


def _rename(connection: sa.engine.Connection, table: str, channels: dict[str, str]) -> None:
    senders = [row[0] for row in connection.execute(
        sa.text(f"SELECT DISTINCT sender_id FROM {table}")).all()]
    for sender in senders:
        if sender is None or sender.startswith(PREFIXED):
            continue
        new = f"{channels.get(sender, 'rest')}:{sender}"
        connection.execute(sa.text(f"UPDATE {table} SET sender_id = :new WHERE sender_id = :old"),
                           {"new": new, "old": sender})


def _tables(connection: sa.engine.Connection) -> set[str]:
    return set(sa.inspect(connection).get_table_names())


def upgrade() -> None:
    connection = op.get_bind()
    channels = _channels(connection)
    tables = _tables(connection)
    for table in ("conversation_events", "events"):
        if table in tables:
            _rename(connection, table, channels)


def downgrade() -> None:
    connection = op.get_bind()
    tables = _tables(connection)
    for table in ("conversation_events", "events"):
        if table not in tables:
            continue
        for (sender,) in connection.execute(sa.text(f"SELECT DISTINCT sender_id FROM {table}")).all():
            if sender and sender.startswith(PREFIXED):
                connection.execute(
                    sa.text(f"UPDATE {table} SET sender_id = :old WHERE sender_id = :new"),
                    {"old": sender.split(":", 1)[1], "new": sender})
