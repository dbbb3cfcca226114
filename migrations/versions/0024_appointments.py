"""Appointments: a social worker's slots at the centre or in a town hall, and the appointments booked in them.

Revision ID: 0024
Revises: 0023
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

STATUS = sa.Enum('prevu', 'honore', 'non_honore', 'annule', name='appointment_status', native_enum=False, length=20)


def upgrade():
    op.create_table('appointment_slot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('commune_id', sa.Integer(), nullable=True),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agent_id'], ['app_user.id'], name=op.f('fk_appointment_slot_agent_id_app_user')),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_appointment_slot_centre_id_centre')),
    sa.ForeignKeyConstraint(['commune_id'], ['commune.id'], name=op.f('fk_appointment_slot_commune_id_commune')),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_appointment_slot_created_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointment_slot')),
    sa.UniqueConstraint('agent_id', 'starts_at', name=op.f('uq_appointment_slot_agent_id_starts_at')),
    )
    with op.batch_alter_table('appointment_slot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appointment_slot_agent_id'), ['agent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointment_slot_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointment_slot_starts_at'), ['starts_at'], unique=False)

    op.create_table('appointment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('holding_slot_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('status', STATUS, nullable=False),
    sa.Column('booked_by_id', sa.Integer(), nullable=False),
    sa.Column('booked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome_by_id', sa.Integer(), nullable=True),
    sa.Column('convocation_id', sa.Integer(), nullable=True),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['booked_by_id'], ['app_user.id'], name=op.f('fk_appointment_booked_by_id_app_user')),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_appointment_centre_id_centre')),
    sa.ForeignKeyConstraint(['convocation_id'], ['document.id'], name=op.f('fk_appointment_convocation_id_document')),
    sa.ForeignKeyConstraint(['holding_slot_id'], ['appointment_slot.id'], name=op.f('fk_appointment_holding_slot_id_appointment_slot')),
    sa.ForeignKeyConstraint(['outcome_by_id'], ['app_user.id'], name=op.f('fk_appointment_outcome_by_id_app_user')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_appointment_person_id_person')),
    sa.ForeignKeyConstraint(['slot_id'], ['appointment_slot.id'], name=op.f('fk_appointment_slot_id_appointment_slot')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointment')),
    sa.UniqueConstraint('holding_slot_id', name=op.f('uq_appointment_holding_slot_id')),
    )
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appointment_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointment_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointment_slot_id'), ['slot_id'], unique=False)


def downgrade():
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appointment_slot_id'))
        batch_op.drop_index(batch_op.f('ix_appointment_person_id'))
        batch_op.drop_index(batch_op.f('ix_appointment_centre_id'))
    op.drop_table('appointment')
    with op.batch_alter_table('appointment_slot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appointment_slot_starts_at'))
        batch_op.drop_index(batch_op.f('ix_appointment_slot_centre_id'))
        batch_op.drop_index(batch_op.f('ix_appointment_slot_agent_id'))
    op.drop_table('appointment_slot')
