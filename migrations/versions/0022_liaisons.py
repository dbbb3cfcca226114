"""Fiches de liaison: the town-hall agents' posts and the liaisons they send to the centre.

Revision ID: 0022
Revises: 0021
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

OUTCOME = sa.Enum(
    'rendez_vous', 'demande_aide', 'orientation', 'information',
    name='liaison_outcome', native_enum=False, length=20,
)


def upgrade():
    op.create_table('town_hall_post',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('commune_id', sa.Integer(), nullable=False),
    sa.Column('quartier_id', sa.Integer(), nullable=True),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_town_hall_post_centre_id_centre')),
    sa.ForeignKeyConstraint(['commune_id'], ['commune.id'], name=op.f('fk_town_hall_post_commune_id_commune')),
    sa.ForeignKeyConstraint(['quartier_id'], ['quartier.id'], name=op.f('fk_town_hall_post_quartier_id_quartier')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_town_hall_post_user_id_app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_town_hall_post')),
    sa.UniqueConstraint('user_id', name=op.f('uq_town_hall_post_user_id'))
    )
    with op.batch_alter_table('town_hall_post', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_town_hall_post_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_town_hall_post_commune_id'), ['commune_id'], unique=False)

    op.create_table('liaison',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.Integer(), nullable=False),
    sa.Column('commune_id', sa.Integer(), nullable=False),
    sa.Column('quartier_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('birth_year', sa.Integer(), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('consent', sa.Boolean(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', OUTCOME, nullable=True),
    sa.Column('outcome_note', sa.Text(), nullable=False),
    sa.Column('outcome_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_liaison_centre_id_centre')),
    sa.ForeignKeyConstraint(['commune_id'], ['commune.id'], name=op.f('fk_liaison_commune_id_commune')),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], name=op.f('fk_liaison_instance_id_process_instance')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_liaison_person_id_person')),
    sa.ForeignKeyConstraint(['quartier_id'], ['quartier.id'], name=op.f('fk_liaison_quartier_id_quartier')),
    sa.ForeignKeyConstraint(['sender_id'], ['app_user.id'], name=op.f('fk_liaison_sender_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_liaison'))
    )
    with op.batch_alter_table('liaison', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_liaison_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_liaison_commune_id'), ['commune_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_liaison_outcome'), ['outcome'], unique=False)
        batch_op.create_index(batch_op.f('ix_liaison_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_liaison_sender_id'), ['sender_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_liaison_sent_at'), ['sent_at'], unique=False)


def downgrade():
    with op.batch_alter_table('liaison', schema=None) as batch_op:
        for name in ('sent_at', 'sender_id', 'person_id', 'outcome', 'commune_id', 'centre_id'):
            batch_op.drop_index(batch_op.f(f'ix_liaison_{name}'))
    op.drop_table('liaison')
    with op.batch_alter_table('town_hall_post', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_town_hall_post_commune_id'))
        batch_op.drop_index(batch_op.f('ix_town_hall_post_centre_id'))
    op.drop_table('town_hall_post')
