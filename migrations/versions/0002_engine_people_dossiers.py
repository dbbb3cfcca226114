"""Engine and first aid: process definitions, instances, human tasks; people, households, budgets; dossiers.

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('process_definition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('process_key', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.Column('spec', sa.JSON(), nullable=False),
    sa.Column('deployed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deployed_by', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_definition')),
    sa.UniqueConstraint('process_key', 'content_hash', name=op.f('uq_process_definition_process_key_content_hash')),
    sa.UniqueConstraint('process_key', 'version', name=op.f('uq_process_definition_process_key_version'))
    )
    op.create_table('dossier_counter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_value', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_dossier_counter_centre_id_centre')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier_counter')),
    sa.UniqueConstraint('centre_id', 'year', name=op.f('uq_dossier_counter_centre_id_year'))
    )
    with op.batch_alter_table('dossier_counter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_counter_centre_id'), ['centre_id'], unique=False)

    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('search_key', sa.String(length=210), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('address_line', sa.String(length=200), nullable=False),
    sa.Column('postal_code', sa.String(length=10), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('quartier_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_person_centre_id_centre')),
    sa.ForeignKeyConstraint(['quartier_id'], ['quartier.id'], name=op.f('fk_person_quartier_id_quartier')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person'))
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_search_key'), ['search_key'], unique=False)

    op.create_table('budget_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('ressource', 'charge', name='budget_kind', native_enum=False, length=20), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('label', sa.Text(), nullable=False),
    sa.Column('monthly_amount_cents', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_budget_line_centre_id_centre')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_budget_line_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_line'))
    )
    with op.batch_alter_table('budget_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_line_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_budget_line_person_id'), ['person_id'], unique=False)

    op.create_table('dossier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('aid_type', sa.Enum('secours_urgence', name='aid_type', native_enum=False, length=40), nullable=False),
    sa.Column('status', sa.Enum('en_instruction', 'en_attente_decision', 'accorde', 'refuse', 'verse', 'clos', name='dossier_status', native_enum=False, length=40), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('instructor_id', sa.Integer(), nullable=True),
    sa.Column('opened_by_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('situation', sa.Text(), nullable=False),
    sa.Column('need_kind', sa.String(length=40), nullable=False),
    sa.Column('payment_mode', sa.String(length=20), nullable=False),
    sa.Column('amount_requested_cents', sa.Integer(), nullable=True),
    sa.Column('amount_granted_cents', sa.Integer(), nullable=True),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('amount_paid_cents', sa.Integer(), nullable=True),
    sa.Column('payment_reference', sa.String(length=80), nullable=False),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_dossier_centre_id_centre')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['app_user.id'], name=op.f('fk_dossier_decided_by_id_app_user')),
    sa.ForeignKeyConstraint(['instructor_id'], ['app_user.id'], name=op.f('fk_dossier_instructor_id_app_user')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['app_user.id'], name=op.f('fk_dossier_opened_by_id_app_user')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_dossier_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier')),
    sa.UniqueConstraint('centre_id', 'number', name=op.f('uq_dossier_centre_id_number'))
    )
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_person_id'), ['person_id'], unique=False)

    op.create_table('household_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('relationship_kind', sa.Enum('conjoint', 'enfant', 'parent', 'autre', name='relationship_kind', native_enum=False, length=20), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_household_member_centre_id_centre')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_household_member_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household_member'))
    )
    with op.batch_alter_table('household_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_member_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_member_person_id'), ['person_id'], unique=False)

    op.create_table('process_instance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('definition_id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('en_cours', 'terminee', name='instance_status', native_enum=False, length=20), nullable=False),
    sa.Column('state', sa.Text(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_process_instance_centre_id_centre')),
    sa.ForeignKeyConstraint(['definition_id'], ['process_definition.id'], name=op.f('fk_process_instance_definition_id_process_definition')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_process_instance_dossier_id_dossier')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_instance'))
    )
    with op.batch_alter_table('process_instance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_process_instance_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_process_instance_definition_id'), ['definition_id'], unique=False)
        batch_op.create_index('ix_process_instance_dossier_id', ['dossier_id'], unique=False)

    op.create_table('human_task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=True),
    sa.Column('process_key', sa.String(length=80), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=False),
    sa.Column('task_name', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('form_key', sa.String(length=120), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_by_id', sa.Integer(), nullable=True),
    sa.Column('cancelled', sa.Boolean(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['app_user.id'], name=op.f('fk_human_task_assignee_id_app_user')),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_human_task_centre_id_centre')),
    sa.ForeignKeyConstraint(['completed_by_id'], ['app_user.id'], name=op.f('fk_human_task_completed_by_id_app_user')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_human_task_dossier_id_dossier')),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], name=op.f('fk_human_task_instance_id_process_instance')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_human_task')),
    sa.UniqueConstraint('instance_id', 'task_id', name=op.f('uq_human_task_instance_id_task_id'))
    )
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_human_task_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_human_task_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index('ix_human_task_open_by_assignee', ['assignee_id', 'completed_at'], unique=False)
        batch_op.create_index('ix_human_task_open_by_due', ['centre_id', 'completed_at', 'due_at'], unique=False)
        batch_op.create_index('ix_human_task_open_by_process', ['centre_id', 'process_key', 'completed_at'], unique=False)
        batch_op.create_index('ix_human_task_open_by_role', ['centre_id', 'role', 'completed_at'], unique=False)



def downgrade():
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_index('ix_human_task_open_by_role')
        batch_op.drop_index('ix_human_task_open_by_process')
        batch_op.drop_index('ix_human_task_open_by_due')
        batch_op.drop_index('ix_human_task_open_by_assignee')
        batch_op.drop_index(batch_op.f('ix_human_task_dossier_id'))
        batch_op.drop_index(batch_op.f('ix_human_task_centre_id'))

    op.drop_table('human_task')
    with op.batch_alter_table('process_instance', schema=None) as batch_op:
        batch_op.drop_index('ix_process_instance_dossier_id')
        batch_op.drop_index(batch_op.f('ix_process_instance_definition_id'))
        batch_op.drop_index(batch_op.f('ix_process_instance_centre_id'))

    op.drop_table('process_instance')
    with op.batch_alter_table('household_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_member_person_id'))
        batch_op.drop_index(batch_op.f('ix_household_member_centre_id'))

    op.drop_table('household_member')
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_person_id'))
        batch_op.drop_index(batch_op.f('ix_dossier_centre_id'))

    op.drop_table('dossier')
    with op.batch_alter_table('budget_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_line_person_id'))
        batch_op.drop_index(batch_op.f('ix_budget_line_centre_id'))

    op.drop_table('budget_line')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_search_key'))
        batch_op.drop_index(batch_op.f('ix_person_centre_id'))

    op.drop_table('person')
    with op.batch_alter_table('dossier_counter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_counter_centre_id'))

    op.drop_table('dossier_counter')
    op.drop_table('process_definition')
