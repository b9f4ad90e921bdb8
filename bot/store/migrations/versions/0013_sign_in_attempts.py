"""console: failed sign-ins per login and per address, for throttling

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sign_in_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('login', sa.String(length=160), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_failures'))
    )
    with op.batch_alter_table('sign_in_failures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_failures_login'), ['login'], unique=False)
        batch_op.create_index(batch_op.f('ix_sign_in_failures_address'), ['address'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_sign_in_failures_at'), ['at'], unique=False)
    op.create_table('sign_in_locks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=160), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('until', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_locks')),
    sa.UniqueConstraint('scope', 'key', name='uq_sign_in_locks_key')
    )
    op.create_table('console_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=160), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_console_events'))
    )
    with op.batch_alter_table('console_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_console_events_at'), ['at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('console_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_console_events_at'))
    op.drop_table('console_events')
    op.drop_table('sign_in_locks')
    with op.batch_alter_table('sign_in_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_failures_at'))
        batch_op.drop_index(batch_op.f('ix_sign_in_failures_address'))
        batch_op.drop_index(batch_op.f('ix_sign_in_failures_login'))
    op.drop_table('sign_in_failures')
