"""Issued documents, and one counter table for every numbered series (dossiers, delegated decisions).

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('counter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_value', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_counter_centre_id_centre')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counter')),
    sa.UniqueConstraint('centre_id', 'series', 'year', name=op.f('uq_counter_centre_id_series_year'))
    )
    with op.batch_alter_table('counter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_counter_centre_id'), ['centre_id'], unique=False)

    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('subject_type', sa.String(length=40), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('author_name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['app_user.id'], name=op.f('fk_document_author_id_app_user')),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_document_centre_id_centre')),
    sa.ForeignKeyConstraint(['corrects_id'], ['document.id'], name=op.f('fk_document_corrects_id_document')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document'))
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index('ix_document_subject', ['subject_type', 'subject_id'], unique=False)

    op.execute(
        "INSERT INTO counter (centre_id, series, year, last_value) "
        "SELECT centre_id, 'dossier', year, last_value FROM dossier_counter"
    )
    with op.batch_alter_table('dossier_counter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_counter_centre_id'))

    op.drop_table('dossier_counter')


def downgrade():
    op.create_table('dossier_counter',
    sa.Column('id', sa.INTEGER(), nullable=False),
    sa.Column('year', sa.INTEGER(), nullable=False),
    sa.Column('last_value', sa.INTEGER(), nullable=False),
    sa.Column('centre_id', sa.INTEGER(), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_dossier_counter_centre_id_centre')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier_counter')),
    sa.UniqueConstraint('centre_id', 'year', name=op.f('uq_dossier_counter_centre_id_year'))
    )
    with op.batch_alter_table('dossier_counter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_counter_centre_id'), ['centre_id'], unique=False)

    op.execute(
        "INSERT INTO dossier_counter (centre_id, year, last_value) "
        "SELECT centre_id, year, last_value FROM counter WHERE series = 'dossier'"
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index('ix_document_subject')
        batch_op.drop_index(batch_op.f('ix_document_centre_id'))

    op.drop_table('document')
    with op.batch_alter_table('counter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_counter_centre_id'))

    op.drop_table('counter')
