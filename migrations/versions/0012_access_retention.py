"""Need to know and the person's rights: who registered a person and when their file last changed (they
follow it; retention counts from it), when retention pseudonymised it, and when a document's PDF was
destroyed past the archival period (its register line stays).

Revision ID: 0012
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

_EDITS = ("personne.création", "foyer.ajout", "foyer.retrait", "budget.ajout", "budget.retrait")


def upgrade():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('pseudonymised_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_person_created_by_id_app_user'), 'app_user', ['created_by_id'], ['id']
        )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))
    # Who registered each person, and their file's last change, as the audit log recorded them.
    op.execute(
        sa.text(
            "UPDATE person SET created_by_id = (SELECT MIN(audit_event.actor_id) FROM audit_event "
            "WHERE audit_event.subject_type = 'personne' AND audit_event.subject_id = CAST(person.id AS VARCHAR(80)) "
            "AND audit_event.action = :created)"
        ).bindparams(created=_EDITS[0])
    )
    op.execute(
        sa.text(
            "UPDATE person SET updated_at = (SELECT MAX(audit_event.at) FROM audit_event "
            "WHERE audit_event.subject_type = 'personne' AND audit_event.subject_id = CAST(person.id AS VARCHAR(80)) "
            "AND audit_event.action IN (:a, :b, :c, :d, :e))"
        ).bindparams(a=_EDITS[0], b=_EDITS[1], c=_EDITS[2], d=_EDITS[3], e=_EDITS[4])
    )
    op.execute("UPDATE person SET updated_at = created_at WHERE updated_at IS NULL")


def downgrade():
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_person_created_by_id_app_user'), type_='foreignkey')
        batch_op.drop_column('pseudonymised_at')
        batch_op.drop_column('updated_at')
        batch_op.drop_column('created_by_id')
