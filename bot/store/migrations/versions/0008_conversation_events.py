"""conversation events from the event broker, for the analytics

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('conversation_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.String(length=128), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=True),
    sa.Column('intent', sa.String(length=64), nullable=True),
    sa.Column('fallback', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversation_events')),
    sa.UniqueConstraint('sender_id', 'at', 'kind', name='uq_conversation_events_key')
    )
    op.create_index(op.f('ix_conversation_events_at'), 'conversation_events', ['at'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_conversation_events_at'), table_name='conversation_events')
    op.drop_table('conversation_events')
