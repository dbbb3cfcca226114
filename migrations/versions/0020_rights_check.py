"""The rights check: OpenFisca estimates of a household's potential rights, and their follow-up.

Revision ID: 0020
Revises: 0019
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

HOUSING = sa.Enum(
    'locataire_vide', 'locataire_meuble', 'proprietaire', 'loge_gratuitement', 'sans_domicile',
    name='rights_housing', native_enum=False, length=20,
)
STATUS = sa.Enum('en_attente', 'calculee', 'indisponible', name='rights_estimate_status', native_enum=False, length=20)
FOLLOW_UP = sa.Enum('deja_ouvert', 'demande_faite', 'non_souhaite', name='right_follow_up_status', native_enum=False, length=20)


def upgrade():
    op.create_table('rights_estimate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('housing', HOUSING, nullable=False),
    sa.Column('disability', sa.Boolean(), nullable=False),
    sa.Column('inputs_hash', sa.String(length=64), nullable=False),
    sa.Column('situation', sa.JSON(), nullable=False),
    sa.Column('status', STATUS, nullable=False),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('asked_by_id', sa.Integer(), nullable=True),
    sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('duration_ms', sa.Integer(), nullable=True),
    sa.Column('amounts', sa.JSON(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['asked_by_id'], ['app_user.id'], name=op.f('fk_rights_estimate_asked_by_id_app_user')),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_rights_estimate_centre_id_centre')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_rights_estimate_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rights_estimate'))
    )
    with op.batch_alter_table('rights_estimate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rights_estimate_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rights_estimate_inputs_hash'), ['inputs_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_rights_estimate_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rights_estimate_status'), ['status'], unique=False)

    op.create_table('right_follow_up',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('right', sa.String(length=40), nullable=False),
    sa.Column('status', FOLLOW_UP, nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_right_follow_up_centre_id_centre')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_right_follow_up_person_id_person')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['app_user.id'], name=op.f('fk_right_follow_up_recorded_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_right_follow_up'))
    )
    with op.batch_alter_table('right_follow_up', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_right_follow_up_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_right_follow_up_person_id'), ['person_id'], unique=False)


def downgrade():
    with op.batch_alter_table('right_follow_up', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_right_follow_up_person_id'))
        batch_op.drop_index(batch_op.f('ix_right_follow_up_centre_id'))
    op.drop_table('right_follow_up')
    with op.batch_alter_table('rights_estimate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rights_estimate_status'))
        batch_op.drop_index(batch_op.f('ix_rights_estimate_person_id'))
        batch_op.drop_index(batch_op.f('ix_rights_estimate_inputs_hash'))
        batch_op.drop_index(batch_op.f('ix_rights_estimate_centre_id'))
    op.drop_table('rights_estimate')
