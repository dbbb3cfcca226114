"""Domiciliation: each election of domicile (its link with the commune, decision, validity, last contact, end)
and the register of the mail received for the people domiciled and handed over against signature.

Revision ID: 0019
Revises: 0018
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('domiciliation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('link', sa.String(length=40), nullable=False),
    sa.Column('link_details', sa.Text(), nullable=False),
    sa.Column('situation', sa.Text(), nullable=False),
    sa.Column('requested_on', sa.Date(), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('refusal_reason', sa.String(length=40), nullable=False),
    sa.Column('refusal_details', sa.Text(), nullable=False),
    sa.Column('oriented_to', sa.String(length=200), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('renewals', sa.Integer(), nullable=False),
    sa.Column('last_contact_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.String(length=40), nullable=False),
    sa.Column('end_details', sa.Text(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_domiciliation_centre_id_centre')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_domiciliation_dossier_id_dossier')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_domiciliation_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_domiciliation')),
    sa.UniqueConstraint('dossier_id', name=op.f('uq_domiciliation_dossier_id'))
    )
    with op.batch_alter_table('domiciliation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_domiciliation_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_domiciliation_person_id'), ['person_id'], unique=False)

    op.create_table('domiciliation_mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('domiciliation_id', sa.Integer(), nullable=False),
    sa.Column('sender_kind', sa.String(length=40), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('handed_over_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('handed_over_by_id', sa.Integer(), nullable=True),
    sa.Column('signed_by', sa.String(length=200), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_domiciliation_mail_centre_id_centre')),
    sa.ForeignKeyConstraint(['domiciliation_id'], ['domiciliation.id'], name=op.f('fk_domiciliation_mail_domiciliation_id_domiciliation')),
    sa.ForeignKeyConstraint(['handed_over_by_id'], ['app_user.id'], name=op.f('fk_domiciliation_mail_handed_over_by_id_app_user')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['app_user.id'], name=op.f('fk_domiciliation_mail_recorded_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_domiciliation_mail'))
    )
    with op.batch_alter_table('domiciliation_mail', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_domiciliation_mail_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_domiciliation_mail_domiciliation_id'), ['domiciliation_id'], unique=False)


def downgrade():
    with op.batch_alter_table('domiciliation_mail', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_domiciliation_mail_domiciliation_id'))
        batch_op.drop_index(batch_op.f('ix_domiciliation_mail_centre_id'))
    op.drop_table('domiciliation_mail')
    with op.batch_alter_table('domiciliation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_domiciliation_person_id'))
        batch_op.drop_index(batch_op.f('ix_domiciliation_centre_id'))
    op.drop_table('domiciliation')
