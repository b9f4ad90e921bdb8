"""wechat: the nonces of accepted pushes, so a replayed push is refused

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('wechat_nonces',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pushed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('nonce', sa.String(length=64), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wechat_nonces')),
    sa.UniqueConstraint('pushed_at', 'nonce', name='uq_wechat_nonces_key')
    )


def downgrade() -> None:
    op.drop_table('wechat_nonces')
