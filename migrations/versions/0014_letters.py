"""Letters the law requires: the centre names the tribunal administratif its acts can be appealed to, and a
person's civility (when they gave it) addresses the letters.

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('civility', sa.String(length=10), nullable=False, server_default=''))
    with op.batch_alter_table('centre', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tribunal_name', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(
            sa.Column('tribunal_address', sa.String(length=300), nullable=False, server_default='')
        )


def downgrade():
    with op.batch_alter_table('centre', schema=None) as batch_op:
        batch_op.drop_column('tribunal_address')
        batch_op.drop_column('tribunal_name')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_column('civility')
