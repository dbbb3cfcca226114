"""Observation: the person's commune and housing, and what each dossier keeps for the figures (the commune,
quartier and household as they were at filing, whether the decision was delegated, the refusal's category).

Revision ID: 0016
Revises: 0015
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('commune_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('housing', sa.String(length=30), nullable=False, server_default=''))
        batch_op.create_foreign_key(batch_op.f('fk_person_commune_id_commune'), 'commune', ['commune_id'], ['id'])
    # A person registered in a quartier lives in its commune.
    op.execute(
        "UPDATE person SET commune_id = (SELECT quartier.commune_id FROM quartier "
        "WHERE quartier.id = person.quartier_id) WHERE quartier_id IS NOT NULL"
    )
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decided_under_delegation', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('refusal_category', sa.String(length=40), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('commune_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('quartier_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('household_kind', sa.String(length=30), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('age_band', sa.String(length=20), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('resources_band', sa.String(length=20), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('housing', sa.String(length=30), nullable=False, server_default=''))
        batch_op.create_index(batch_op.f('ix_dossier_commune_id'), ['commune_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_quartier_id'), ['quartier_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_dossier_commune_id_commune'), 'commune', ['commune_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_dossier_quartier_id_quartier'), 'quartier', ['quartier_id'], ['id'])
    # Existing dossiers take the person's present commune and quartier: the best the database knows.
    op.execute(
        "UPDATE dossier SET quartier_id = (SELECT person.quartier_id FROM person WHERE person.id = dossier.person_id), "
        "commune_id = (SELECT person.commune_id FROM person WHERE person.id = dossier.person_id)"
    )


def downgrade():
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_dossier_quartier_id_quartier'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_dossier_commune_id_commune'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_dossier_quartier_id'))
        batch_op.drop_index(batch_op.f('ix_dossier_commune_id'))
        for column in ('housing', 'resources_band', 'age_band', 'household_kind', 'quartier_id', 'commune_id',
                       'refusal_category', 'decided_under_delegation'):
            batch_op.drop_column(column)
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_person_commune_id_commune'), type_='foreignkey')
        batch_op.drop_column('housing')
        batch_op.drop_column('commune_id')
