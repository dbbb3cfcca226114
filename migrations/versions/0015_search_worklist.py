"""Scale: the worklist walks a centre's open tasks in due-date order (a partial index), and the people
search ranks by trigram similarity within the centre (pg_trgm, a GiST index starting with the centre).

On PostgreSQL the extensions pg_trgm and btree_gist are created when the migration's role may; when it may
not, the migration says so and goes on without the trigram index (the search then ranks in Python over the
centre's candidates, as on SQLite). A superuser can add them later:
    CREATE EXTENSION pg_trgm; CREATE EXTENSION btree_gist;
then run `entraide db downgrade 0012 && entraide db upgrade` (or create the index by hand, as below).

Revision ID: 0015
Revises: 0014
"""
import logging

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

_NO_EXTENSION = (
    "Les extensions PostgreSQL pg_trgm et btree_gist n'ont pas pu être créées (%s) : la recherche de personnes "
    "fonctionne sans index de similarité. Demandez à un superutilisateur : CREATE EXTENSION pg_trgm; "
    "CREATE EXTENSION btree_gist; puis relancez : entraide db downgrade 0012 && entraide db upgrade"
)


def _trigram_extensions(bind: sa.engine.Connection) -> bool:
    """Create pg_trgm and btree_gist if they are missing; False when this role may not."""
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS btree_gist"))
    except sa.exc.DBAPIError as error:
        log.warning(_NO_EXTENSION, str(error.orig).strip().splitlines()[0])
        print(_NO_EXTENSION % str(error.orig).strip().splitlines()[0])
        return False
    return True


def upgrade():
    bind = op.get_bind()
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.create_index(
            'ix_human_task_worklist', ['centre_id', 'due_at', 'id'], unique=False,
            postgresql_include=['role', 'assignee_id', 'task_name', 'process_key', 'title'],
            postgresql_where=sa.text('completed_at IS NULL'), sqlite_where=sa.text('completed_at IS NULL'),
        )
    if bind.dialect.name == 'postgresql':
        if _trigram_extensions(bind):
            op.create_index(
                'ix_person_search_trigram', 'person', ['centre_id', 'search_key'], unique=False,
                postgresql_using='gist', postgresql_ops={'search_key': 'gist_trgm_ops'},
            )
    else:
        with op.batch_alter_table('person', schema=None) as batch_op:
            batch_op.create_index('ix_person_search_trigram', ['centre_id', 'search_key'], unique=False)


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        op.execute(sa.text('DROP INDEX IF EXISTS ix_person_search_trigram'))
    else:
        with op.batch_alter_table('person', schema=None) as batch_op:
            batch_op.drop_index('ix_person_search_trigram')
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_index('ix_human_task_worklist')
