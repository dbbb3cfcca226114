"""People imported from another software's export: the imports (rows, mapping, preview, progress) and each
centre's saved mapping of columns.

Revision ID: 0021
Revises: 0020
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('import_mapping',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('columns', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_import_mapping_centre_id_centre')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['app_user.id'], name=op.f('fk_import_mapping_updated_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_mapping')),
    sa.UniqueConstraint('centre_id', name='uq_import_mapping_centre_id')
    )
    with op.batch_alter_table('import_mapping', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_mapping_centre_id'), ['centre_id'], unique=False)

    op.create_table('people_import',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('status', sa.Enum('correspondance', 'analyse_en_attente', 'analyse_en_cours', 'apercu', 'import_en_attente', 'import_en_cours', 'termine', 'echec', name='import_status', native_enum=False, length=30), nullable=False),
    sa.Column('headers', sa.JSON(), nullable=False),
    sa.Column('rows', sa.JSON(), nullable=False),
    sa.Column('mapping', sa.JSON(), nullable=False),
    sa.Column('include_duplicates', sa.Boolean(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('refusals', sa.JSON(), nullable=False),
    sa.Column('duplicates', sa.JSON(), nullable=False),
    sa.Column('refused_count', sa.Integer(), nullable=False),
    sa.Column('duplicate_count', sa.Integer(), nullable=False),
    sa.Column('people_created', sa.Integer(), nullable=False),
    sa.Column('members_created', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('progress_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_people_import_centre_id_centre')),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_people_import_created_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people_import'))
    )
    with op.batch_alter_table('people_import', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_people_import_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index('ix_people_import_status', ['status'], unique=False)



def downgrade():
    with op.batch_alter_table('people_import', schema=None) as batch_op:
        batch_op.drop_index('ix_people_import_status')
        batch_op.drop_index(batch_op.f('ix_people_import_centre_id'))

    op.drop_table('people_import')
    with op.batch_alter_table('import_mapping', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_mapping_centre_id'))

    op.drop_table('import_mapping')
