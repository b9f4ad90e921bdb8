"""handoff requests become escalations (priority, due time, holder, ticket)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.rename_table('handoff_requests', 'escalations')
    with op.batch_alter_table('escalations') as batch:
        batch.add_column(sa.Column('priority', sa.Integer(), nullable=False, server_default='3'))
        batch.add_column(sa.Column('due_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('holder', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('ticket_number', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('summary', sa.Text(), nullable=True))
    op.execute("UPDATE escalations SET due_at = created_at WHERE due_at IS NULL")
    op.execute("UPDATE escalations SET status = 'waiting' WHERE status = 'open'")
    with op.batch_alter_table('escalations') as batch:
        batch.alter_column('due_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch.drop_constraint('pk_handoff_requests', type_='primary')
        batch.create_primary_key('pk_escalations', ['id'])


def downgrade() -> None:
    with op.batch_alter_table('escalations') as batch:
        batch.drop_constraint('pk_escalations', type_='primary')
        batch.create_primary_key('pk_handoff_requests', ['id'])
        for column in ('summary', 'ticket_number', 'holder', 'due_at', 'priority'):
            batch.drop_column(column)
    op.rename_table('escalations', 'handoff_requests')
