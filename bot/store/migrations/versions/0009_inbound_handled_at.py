"""inbound messages: when each was handled to the end

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('inbound_messages') as batch:
        batch.add_column(sa.Column('handled_at', sa.DateTime(timezone=True), nullable=True))
    # Everything received before this version was handled the old way: to the end.
    op.execute("UPDATE inbound_messages SET handled_at = received_at")


def downgrade() -> None:
    with op.batch_alter_table('inbound_messages') as batch:
        batch.drop_column('handled_at')
