"""channel windows: the numbered options last offered to each owner

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('channel_windows') as batch:
        batch.add_column(sa.Column('offered', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('channel_windows') as batch:
        batch.drop_column('offered')
