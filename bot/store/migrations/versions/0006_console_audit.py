"""console audit: escalation events, take-over and hand-back times, wider actor names

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('escalation_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('escalation_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=160), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['escalation_id'], ['escalations.id'],
                            name=op.f('fk_escalation_events_escalation_id_escalations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_escalation_events'))
    )
    op.create_index(op.f('ix_escalation_events_escalation_id'), 'escalation_events',
                    ['escalation_id'], unique=False)
    with op.batch_alter_table('escalations') as batch:
        batch.add_column(sa.Column('taken_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('returned_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('ticket_events') as batch:
        batch.alter_column('actor', existing_type=sa.String(length=64),
                           type_=sa.String(length=160), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('ticket_events') as batch:
        batch.alter_column('actor', existing_type=sa.String(length=160),
                           type_=sa.String(length=64), existing_nullable=False)
    with op.batch_alter_table('escalations') as batch:
        batch.drop_column('returned_at')
        batch.drop_column('taken_at')
    op.drop_index(op.f('ix_escalation_events_escalation_id'), table_name='escalation_events')
    op.drop_table('escalation_events')
