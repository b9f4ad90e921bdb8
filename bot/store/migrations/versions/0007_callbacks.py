"""callbacks (回访) and their answers; owners' do-not-disturb, delivery and move-in dates

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('contacts') as batch:
        batch.add_column(sa.Column('do_not_disturb', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column('delivered_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('moved_in_on', sa.Date(), nullable=True))
    op.create_table('callbacks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=160), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('ticket_number', sa.String(length=32), nullable=True),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('claimed_by', sa.String(length=64), nullable=True),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('dissatisfied', sa.Boolean(), nullable=False),
    sa.Column('outcome_note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'],
                            name=op.f('fk_callbacks_contact_id_contacts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_callbacks')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_callbacks_dedupe_key'))
    )
    op.create_index(op.f('ix_callbacks_contact_id'), 'callbacks', ['contact_id'], unique=False)
    op.create_index(op.f('ix_callbacks_status'), 'callbacks', ['status'], unique=False)
    op.create_index(op.f('ix_callbacks_next_attempt_at'), 'callbacks', ['next_attempt_at'],
                    unique=False)
    op.create_table('callback_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('callback_id', sa.Integer(), nullable=False),
    sa.Column('question', sa.String(length=32), nullable=False),
    sa.Column('scale', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['callback_id'], ['callbacks.id'],
                            name=op.f('fk_callback_answers_callback_id_callbacks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_callback_answers'))
    )
    op.create_index(op.f('ix_callback_answers_callback_id'), 'callback_answers',
                    ['callback_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_callback_answers_callback_id'), table_name='callback_answers')
    op.drop_table('callback_answers')
    op.drop_index(op.f('ix_callbacks_next_attempt_at'), table_name='callbacks')
    op.drop_index(op.f('ix_callbacks_status'), table_name='callbacks')
    op.drop_index(op.f('ix_callbacks_contact_id'), table_name='callbacks')
    op.drop_table('callbacks')
    with op.batch_alter_table('contacts') as batch:
        batch.drop_column('moved_in_on')
        batch.drop_column('delivered_on')
        batch.drop_column('do_not_disturb')
