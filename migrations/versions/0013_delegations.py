"""Delegations as data: the board's deliberations delegating its power to decide (R123-21 CASF) and the
president's delegations of signature (R123-23); a session's chair and secretary, its postponement or
cancellation.

Revision ID: 0013
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('board_delegation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('adopted_on', sa.Date(), nullable=False),
    sa.Column('in_force_from', sa.Date(), nullable=False),
    sa.Column('holder_id', sa.Integer(), nullable=False),
    sa.Column('capacity', sa.Enum('president', 'vice_president', name='delegatee_capacity', native_enum=False, length=20), nullable=False),
    sa.Column('ceilings_cents', sa.JSON(), nullable=False),
    sa.Column('covers_amendments', sa.Boolean(), nullable=False),
    sa.Column('superseded_on', sa.Date(), nullable=True),
    sa.Column('superseded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_board_delegation_centre_id_centre')),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_board_delegation_created_by_id_app_user')),
    sa.ForeignKeyConstraint(['holder_id'], ['app_user.id'], name=op.f('fk_board_delegation_holder_id_app_user')),
    sa.ForeignKeyConstraint(['superseded_by_id'], ['board_delegation.id'], name=op.f('fk_board_delegation_superseded_by_id_board_delegation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_board_delegation'))
    )
    with op.batch_alter_table('board_delegation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_board_delegation_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_board_delegation_holder_id'), ['holder_id'], unique=False)

    op.create_table('signature_delegation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=False),
    sa.Column('delegator_id', sa.Integer(), nullable=False),
    sa.Column('holder_id', sa.Integer(), nullable=False),
    sa.Column('aids', sa.JSON(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_signature_delegation_centre_id_centre')),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_signature_delegation_created_by_id_app_user')),
    sa.ForeignKeyConstraint(['delegator_id'], ['app_user.id'], name=op.f('fk_signature_delegation_delegator_id_app_user')),
    sa.ForeignKeyConstraint(['holder_id'], ['app_user.id'], name=op.f('fk_signature_delegation_holder_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signature_delegation'))
    )
    with op.batch_alter_table('signature_delegation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signature_delegation_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_signature_delegation_holder_id'), ['holder_id'], unique=False)

    with op.batch_alter_table('committee_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chair_member_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('secretary_name', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('postponed_from', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('status_note', sa.Text(), nullable=False, server_default=''))
        batch_op.create_foreign_key(
            batch_op.f('fk_committee_session_chair_member_id_committee_member'), 'committee_member',
            ['chair_member_id'], ['id'],
        )
    with op.batch_alter_table('committee_session', schema=None) as batch_op:
        batch_op.alter_column('secretary_name', server_default=None)
        batch_op.alter_column('status_note', server_default=None)


def downgrade():
    with op.batch_alter_table('committee_session', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_committee_session_chair_member_id_committee_member'), type_='foreignkey')
        batch_op.drop_column('status_note')
        batch_op.drop_column('cancelled_at')
        batch_op.drop_column('postponed_from')
        batch_op.drop_column('secretary_name')
        batch_op.drop_column('chair_member_id')
    with op.batch_alter_table('signature_delegation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signature_delegation_holder_id'))
        batch_op.drop_index(batch_op.f('ix_signature_delegation_centre_id'))
    op.drop_table('signature_delegation')
    with op.batch_alter_table('board_delegation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_board_delegation_holder_id'))
        batch_op.drop_index(batch_op.f('ix_board_delegation_centre_id'))
    op.drop_table('board_delegation')
