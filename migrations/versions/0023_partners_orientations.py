"""Orientation: the centre's directory of partners, and the people oriented to them.

Revision ID: 0023
Revises: 0022
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

KIND = sa.Enum(
    'cms_eds', 'caf', 'cpam', 'france_services', 'aide_alimentaire', 'mediation_dettes', 'conseil_juridique',
    'association', name='partner_kind', native_enum=False, length=40,
)
OUTCOME = sa.Enum('contacte', 'non_joint', 'sans_objet', name='orientation_outcome', native_enum=False, length=20)


def upgrade():
    op.create_table('partner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', KIND, nullable=False),
    sa.Column('domains', sa.JSON(), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('hours', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_partner_centre_id_centre')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner')),
    sa.UniqueConstraint('centre_id', 'name', name='uq_partner_centre_id_name')
    )
    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_centre_id'), ['centre_id'], unique=False)

    op.create_table('orientation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('domain', sa.String(length=40), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('consent', sa.Boolean(), nullable=False),
    sa.Column('oriented_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('oriented_by_id', sa.Integer(), nullable=True),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('mailed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', OUTCOME, nullable=True),
    sa.Column('outcome_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_orientation_centre_id_centre')),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_orientation_document_id_document')),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], name=op.f('fk_orientation_instance_id_process_instance')),
    sa.ForeignKeyConstraint(['oriented_by_id'], ['app_user.id'], name=op.f('fk_orientation_oriented_by_id_app_user')),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_orientation_partner_id_partner')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_orientation_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orientation'))
    )
    with op.batch_alter_table('orientation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orientation_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index('ix_orientation_centre_id_oriented_at', ['centre_id', 'oriented_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_orientation_instance_id'), ['instance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_orientation_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_orientation_person_id'), ['person_id'], unique=False)


def downgrade():
    with op.batch_alter_table('orientation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orientation_person_id'))
        batch_op.drop_index(batch_op.f('ix_orientation_partner_id'))
        batch_op.drop_index(batch_op.f('ix_orientation_instance_id'))
        batch_op.drop_index('ix_orientation_centre_id_oriented_at')
        batch_op.drop_index(batch_op.f('ix_orientation_centre_id'))
    op.drop_table('orientation')
    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partner_centre_id'))
    op.drop_table('partner')
