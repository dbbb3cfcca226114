"""The pages a centre opens every minute, at a national host's size, on PostgreSQL.

Twenty centres. In the measured one a few dozen real people and dossiers are made through the use cases
(opened, evaluated, decided), then every table the pages read is multiplied in SQL (INSERT … SELECT over
generate_series, copying those real rows) across the twenty centres: for N open tasks, 2N people, 1.5N
dossiers, 3N completed tasks and 4.5N audit events. Two installations are built, N = 10,000 and N = 100,000,
each in a database of its own named after ENTRAIDE_BENCH_DATABASE_URL's (`<name>_scale_10000`, …), kept
between runs (BENCH_SCALE_REBUILD=1 builds them again).

Measured as an instructor of the measured centre (about 5 % of everything): the worklist's first page, a
people search with a typo, a dossier page. Each page's time is set against the same statements run bare
on a connection of their own (captured from the page, with their parameters; rolled back). Prints RATIO and
BENCH lines; without ENTRAIDE_BENCH_DATABASE_URL, one line saying it was skipped.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import Table, create_engine, event, make_url, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.kit import BENCH_URL, migrated_app, server_database, signed_in_client
from scenarios.factories import delegate_power
from service.accounts import service as accounts
from service.dossiers import service as dossiers
from service.dossiers import tasks
from service.extensions import db
from service.models import (
    AidType,
    AuditEvent,
    BudgetKind,
    Centre,
    CentreKind,
    Dossier,
    HumanTask,
    Person,
    Role,
    User,
)
from service.models.tenancy import ALL_CENTRES
from service.organisation import service as organisation
from service.people import service as people

SIZES = tuple(int(size) for size in os.environ.get("BENCH_SCALE_SIZES", "10000,100000").split(","))
CENTRES = 20
REAL_DOSSIERS = 40
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "30"))
PASSWORD = "mot-de-passe-du-banc"
MEASURED = "mesure"
LAST_NAMES = (
    "Martin",
    "Bernard",
    "Thomas",
    "Petit",
    "Robert",
    "Richard",
    "Durand",
    "Dubois",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Lefebvre",
    "Leroy",
    "Roux",
    "David",
    "Bertrand",
    "Morel",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Muller",
    "Lefevre",
    "Faure",
    "Andre",
    "Mercier",
    "Blanc",
    "Guerin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "Francois",
    "Legrand",
    "Gauthier",
    "Garcia",
    "Perrin",
    "Robin",
    "Clement",
    "Morin",
    "Nicolas",
    "Henry",
    "Roussel",
    "Mathieu",
    "Gautier",
    "Masson",
    "Diallo",
    "Traore",
    "Nguyen",
    "Haddad",
    "Benali",
    "Lopez",
    "Fernandes",
)
FIRST_NAMES = (
    "Jean",
    "Marie",
    "Camille",
    "Lea",
    "Hugo",
    "Lucas",
    "Chloe",
    "Emma",
    "Louis",
    "Nathan",
    "Ines",
    "Sarah",
    "Fatou",
    "Mamadou",
    "Karim",
    "Nadia",
    "Julien",
    "Claire",
    "Paul",
    "Sophie",
    "Thomas",
    "Manon",
    "Yanis",
    "Amina",
    "Ali",
    "Lina",
    "Adam",
    "Jade",
    "Noah",
    "Alice",
)
EVALUATION = {
    "situation": "Facture d'énergie impayée.",
    "nature_besoin": "energie",
    "montant_cents": "150",
    "mode_paiement": "bon",
}
DECISION = {"decision": "accord", "montant_accorde_cents": "150"}


def main() -> None:
    if not BENCH_URL or make_url(BENCH_URL).get_backend_name() != "postgresql":
        print("BENCH scale skipped: set ENTRAIDE_BENCH_DATABASE_URL to a PostgreSQL database to run it")
        return
    rebuild = os.environ.get("BENCH_SCALE_REBUILD") == "1"
    results: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in SIZES:
            name = f"{make_url(BENCH_URL).database}_scale_{size}"
            url, existed = server_database(BENCH_URL, name, fresh=rebuild)
            if existed and not _is_built(url, size):
                url, existed = server_database(BENCH_URL, name, fresh=True)  # a build cut short
            app = migrated_app(url, Path(tmp) / f"instance-{size}")
            if not existed:
                with app.app_context():
                    started = time.perf_counter()
                    _build(size)
                    print(f"BENCH scale_build_seconds_{size} {time.perf_counter() - started:.1f}")
            results[size] = measure(app)
            with app.app_context():
                db.engine.dispose()
    large, small = results[SIZES[-1]], results[SIZES[0]]
    for page in ("worklist", "search", "dossier"):
        print(f"BENCH {page}_page_ms {large[page]:.2f}")
        print(f"BENCH {page}_sql_ms {large[page + '_sql']:.2f}")
        print(f"RATIO {page}_page_vs_sql {large[page] / large[page + '_sql']:.2f}")
    print(f"BENCH worklist_statements {int(large['worklist_statements'])}")
    print(f"BENCH dossier_statements {int(large['dossier_statements'])}")
    print(f"BENCH worklist_page_ms_10k {small['worklist']:.2f}")
    print(f"RATIO worklist_100k_vs_10k {large['worklist'] / small['worklist']:.2f}")


# --- Building the installation ---------------------------------------------------------------------------


def _is_built(url: str, size: int) -> bool:
    engine = create_engine(url)
    with engine.connect() as connection:
        exists = connection.execute(text("SELECT to_regclass('bench_scale') IS NOT NULL")).scalar()
        done = (
            exists
            and connection.execute(
                text("SELECT count(*) FROM bench_scale WHERE size = :s"), {"s": size}
            ).scalar()
        )
    engine.dispose()
    return bool(done)


def _build(size: int) -> None:
    db.session.execute(text("CREATE TABLE bench_scale (size integer)"))
    centres = [_centre(index) for index in range(CENTRES)]
    agent = _real_rows()
    _multiply(size, centres, agent)
    db.session.execute(text("INSERT INTO bench_scale (size) VALUES (:s)"), {"s": size})
    db.session.commit()
    db.session.commit()
    with db.engine.connect() as connection:  # the visibility map too: the counts read the index alone
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))


def _centre(index: int) -> int:
    code = MEASURED if index == 0 else f"centre-{index:02d}"
    found = db.session.scalar(select(Centre.id).where(Centre.code == code))
    if found is not None:
        return int(found)
    centre = organisation.create_centre(
        code=code,
        name=f"CCAS {code}",
        kind=CentreKind.CCAS,
        communes={("99999", f"Commune {index}"): ["Centre"]},
    )
    roles = [Role.ACCUEIL, Role.INSTRUCTEUR, Role.DELEGATAIRE]
    for number in range(4):
        accounts.create_user(
            centre_code=code, username=f"{code}-agent{number}", full_name=f"Agent {number} de {code}",
            password=PASSWORD, roles=roles,
        )  # fmt: skip
    accounts.create_user(
        centre_code=code, username=f"{code}-responsable", full_name=f"Responsable de {code}",
        password=PASSWORD, roles=[Role.RESPONSABLE],
    )  # fmt: skip
    return centre.id


def _real_rows() -> User:
    """Real people and dossiers of the measured centre, made through the use cases."""
    agent = accounts.authenticate(username=f"{MEASURED}-agent0", password=PASSWORD, address="banc")
    accounts.scope_session_to(agent)
    delegate_power(agent)  # the president, holding the board's delegation: the decisions are theirs
    for index in range(REAL_DOSSIERS):
        person = people.create(
            actor=agent,
            identity=people.Identity(
                last_name=LAST_NAMES[index % len(LAST_NAMES)],
                first_name=FIRST_NAMES[index % len(FIRST_NAMES)],
                phone=f"06 12 34 {index // 10:02d} {index % 100:02d}",
            ),
            confirm_duplicate=True,
        )  # fmt: skip
        people.add_budget_line(
            actor=agent, person_id=person.id, kind=BudgetKind.RESSOURCE, category="rsa", label="",
            monthly_amount_cents=60000,
        )  # fmt: skip
        people.add_budget_line(
            actor=agent, person_id=person.id, kind=BudgetKind.CHARGE, category="loyer", label="",
            monthly_amount_cents=45000,
        )  # fmt: skip
        dossier = dossiers.open_request(
            actor=agent, person_id=person.id, aid_type=AidType.SECOURS_URGENCE, reason="Énergie"
        )
        if index % 2 == 0:
            tasks.complete_task(actor=agent, task_id=_open_task(dossier.id), form=EVALUATION)
        if index % 4 == 0:
            tasks.complete_task(actor=agent, task_id=_open_task(dossier.id), form=DECISION)
    db.session.commit()
    return agent


def _open_task(dossier_id: int) -> int:
    return int(
        db.session.scalars(
            select(HumanTask.id).where(HumanTask.dossier_id == dossier_id, HumanTask.completed_at.is_(None))
        ).first()
        or 0
    )


def _copy(table: Table, template_id: int, count: int, values: dict[str, str]) -> None:
    """`count` copies of one row, with some columns computed from g (1..count) in SQL."""
    columns = [column.name for column in table.columns if column.name != "id"]
    chosen = ", ".join(values.get(column, f"t.{column}") for column in columns)
    db.session.execute(
        text(
            f"INSERT INTO {table.name} ({', '.join(columns)}) SELECT {chosen} "  # noqa: S608 - the models' names
            f"FROM {table.name} t, generate_series(1, :count) g WHERE t.id = :template"
        ),
        {"count": count, "template": template_id},
    )


def _multiply(size: int, centres: list[int], agent: User) -> None:
    """The real rows, copied across the centres: 2N people, 1.5N dossiers, N open and 3N completed tasks,
    4.5N audit events."""
    session = db.session
    template_person = session.scalar(select(Person.id).order_by(Person.id).limit(1))
    template_dossier = session.scalar(select(Dossier.id).order_by(Dossier.id).limit(1))
    template_task = session.scalar(select(HumanTask.id).order_by(HumanTask.id).limit(1))
    template_event = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id).limit(1))
    for template in (template_person, template_dossier, template_task, template_event):
        assert template, "the real rows were not made"
    agents = select(User.centre_id, User.id).where(User.username.like("%-agent1"))
    users = dict(session.execute(agents.execution_options(**{ALL_CENTRES: True})).all())
    last = "ARRAY[" + ", ".join(f"'{name}'" for name in LAST_NAMES) + "]"
    first = "ARRAY[" + ", ".join(f"'{name}'" for name in FIRST_NAMES) + "]"
    share = size // CENTRES
    for centre_id in centres:
        people_count, dossier_count = 2 * share, 3 * share // 2
        person_start = int(session.scalar(text("SELECT coalesce(max(id), 0) FROM person")) or 0)
        ln = f"({last})[1 + (g * 7) % {len(LAST_NAMES)}]"
        fn = f"({first})[1 + (g * 13) % {len(FIRST_NAMES)}]"
        _copy(
            Person.__table__,  # type: ignore[arg-type]
            template_person,
            people_count,
            {
                "centre_id": str(centre_id),
                "last_name": ln,
                "first_name": fn,
                "search_key": f"lower({ln} || ' ' || {fn})",
                "birth_date": "date '1950-01-01' + (g % 20000)",
                "phone": "'06 ' || lpad((g % 100000000)::text, 8, '0')",
                "quartier_id": "NULL",
            },
        )
        dossier_start = int(session.scalar(text("SELECT coalesce(max(id), 0) FROM dossier")) or 0)
        _copy(
            Dossier.__table__,  # type: ignore[arg-type]
            template_dossier,
            dossier_count,
            {
                "centre_id": str(centre_id),
                "number": f"'B{centre_id}-' || g",
                "person_id": f"{person_start} + 1 + (g % {people_count})",
            },
        )
        assignee = users.get(centre_id)
        for completed, count in ((False, share), (True, 3 * share)):
            _copy(
                HumanTask.__table__,  # type: ignore[arg-type]
                template_task,
                count,
                {
                    "centre_id": str(centre_id),
                    "dossier_id": f"{dossier_start} + 1 + (g % {dossier_count})",
                    "task_id": f"'copie-{centre_id}-{int(completed)}-' || g",
                    "role": "(ARRAY['instructeur', 'instructeur', 'accueil', 'delegataire'])[1 + g % 4]",
                    "due_at": "now() + ((g % 1440) - 480) * interval '1 hour'",
                    "assignee_id": f"CASE WHEN g % 3 = 0 THEN {assignee or 'NULL'} END::integer",
                    "completed_at": "now() - interval '1 day'" if completed else "NULL",
                },
            )
        _copy(
            AuditEvent.__table__,  # type: ignore[arg-type]
            template_event,
            9 * share // 2,
            {
                "centre_id": str(centre_id),
                "subject_type": "'dossier'",
                "subject_id": f"({dossier_start} + 1 + (g % {dossier_count}))::text",
            },
        )
        session.commit()
    del agent


# --- Measuring -------------------------------------------------------------------------------------------


@contextmanager
def captured(app: Flask) -> Iterator[list[tuple[str, Any]]]:
    """The statements the database is sent, with their parameters (transaction control aside)."""
    statements: list[tuple[str, Any]] = []
    with app.app_context():
        engine = db.engine

    def on_execute(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if statement.lstrip().split(" ", 1)[0].upper() in {"SELECT", "INSERT", "UPDATE", "DELETE", "SET"}:
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)


def _bare(connection: Any, statements: list[tuple[str, Any]]) -> float:
    """The same statements on the bench's own connection, then rolled back: seconds."""
    cursor = connection.cursor()
    started = time.perf_counter()
    for statement, parameters in statements:
        cursor.execute(statement, parameters)
        if cursor.description is not None:
            cursor.fetchall()
    elapsed = time.perf_counter() - started
    connection.rollback()
    return elapsed


def _timed(app: Flask, client: Any, path: str) -> tuple[float, float, int]:
    """Median page time and median bare time of its statements (ms), and its statement count.

    The bare statements run on a connection of their own, kept for the rounds (as the pages keep theirs in the
    pool): taking one from the application's pool would hand the page a different connection each round."""
    pages, bares, count = [], [], 0
    with app.app_context():
        connection = db.engine.raw_connection()
        connection.detach()  # the bench's own: the pool will not hand it to a page
    try:
        for round_ in range(ROUNDS + 2):
            with app.app_context():
                db.session.remove()
            with captured(app) as statements:
                started = time.perf_counter()
                response = client.get(path)
                elapsed = time.perf_counter() - started
            assert response.status_code == 200, (path, response.status_code)
            if round_ < 2:
                continue  # warm-up
            pages.append(elapsed)
            bares.append(_bare(connection, statements))
            count = len(statements)
    finally:
        connection.close()
    return statistics.median(pages) * 1000, statistics.median(bares) * 1000, count


def measure(app: Flask) -> dict[str, float]:
    with app.app_context():
        measured = db.session.scalar(select(Centre.id).where(Centre.code == MEASURED))
        dossier_id = db.session.scalar(
            select(Dossier.id)
            .where(Dossier.centre_id == measured, Dossier.decision != "")
            .order_by(Dossier.id)
        )
    client, _ = signed_in_client(app, f"{MEASURED}-agent0", PASSWORD)
    worklist, worklist_sql, worklist_statements = _timed(app, client, "/taches/?vue=equipe")
    search, search_sql, _ = _timed(app, client, "/personnes/?q=martn")
    dossier, dossier_sql, dossier_statements = _timed(app, client, f"/dossiers/{dossier_id}")
    return {
        "worklist": worklist, "worklist_sql": worklist_sql, "worklist_statements": worklist_statements,
        "search": search, "search_sql": search_sql,
        "dossier": dossier, "dossier_sql": dossier_sql, "dossier_statements": dossier_statements,
    }  # fmt: skip


if __name__ == "__main__":
    main()
