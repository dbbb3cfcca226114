"""The figures page on a large installation: the whole page (queries, masking, charts, tables) against its SQL
aggregates alone, in one run, on ENTRAIDE_BENCH_DATABASE_URL (PostgreSQL: the scale the issue asks about).

Prints `RATIO statistics_page_vs_sql` (kept ≤ 3.0) and BENCH lines (dossiers, seconds). The rows are
inserted in bulk (a benchmark's set-up, not the service's way): a CIAS of four communes with quartiers,
BENCH_PEOPLE households and three dossiers each, spread over the past year, decided and paid.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import insert, make_url, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.kit import migrated_app, scratch_database
from service.accounts import service as accounts
from service.extensions import db
from service.models import CentreKind, Dossier, DossierStatus, Person, Quartier, Role
from service.organisation import service as organisation
from service.stats import catalogue
from service.stats.figures import Split
from service.stats.period import Period

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "20000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
PASSWORD = "mot-de-passe-du-banc"
NOW = datetime.now(UTC)


def build(url: str, tmp: Path) -> Flask:
    app = migrated_app(url, tmp / "instance")
    with app.app_context():
        organisation.create_centre(
            code="banc",
            name="CIAS du Banc",
            kind=CentreKind.CIAS,
            communes={
                (f"9900{i}", f"Commune {i}"): [f"Quartier {i}-{j}" for j in range(3)] for i in range(4)
            },
        )
        user = accounts.create_user(
            centre_code="banc",
            username="direction",
            full_name="Direction",
            password=PASSWORD,
            roles=[Role.RESPONSABLE],
        )
        _fill(user.centre_id, user.id)
    return app


def _fill(centre_id: int, user_id: int) -> None:
    """PEOPLE households and three dossiers each, inserted in bulk."""
    rng = random.Random(21)
    quartiers = db.session.execute(select(Quartier.id, Quartier.commune_id)).all()
    people = []
    for index in range(PEOPLE):
        quartier_id, commune_id = quartiers[index % len(quartiers)]
        people.append(
            {
                "centre_id": centre_id,
                "last_name": f"Banc{index}",
                "first_name": "A",
                "search_key": f"banc{index} a",
                "quartier_id": quartier_id,
                "commune_id": commune_id,
                "housing": "locataire_social",
                "created_at": NOW,
            }
        )
    db.session.execute(insert(Person), people)
    ids = db.session.execute(select(Person.id, Person.commune_id, Person.quartier_id)).all()
    dossiers = []
    for number, (person_id, commune_id, quartier_id) in enumerate(ids * 3):
        opened = NOW - timedelta(days=rng.randint(1, 360), hours=rng.randint(0, 23))
        decided = opened + timedelta(days=rng.randint(1, 20))
        granted = rng.random() < 0.7
        dossiers.append(
            {
                "centre_id": centre_id,
                "number": f"B-{number:07d}",
                "aid_type": "secours_urgence",
                "status": DossierStatus.VERSE if granted else DossierStatus.REFUSE,
                "person_id": person_id,
                "opened_by_id": user_id,
                "opened_at": opened,
                "decision": "accord" if granted else "refus",
                "decided_at": decided,
                "decided_under_delegation": rng.random() < 0.8,
                "amount_granted_cents": rng.randint(50, 300) * 100 if granted else None,
                "paid_at": decided + timedelta(days=rng.randint(1, 10)) if granted else None,
                "refusal_category": "" if granted else "ressources",
                "commune_id": commune_id,
                "quartier_id": quartier_id,
                "household_kind": rng.choice(["seul", "monoparentale", "couple_avec_enfants"]),
                "age_band": rng.choice(["moins_25", "25_39", "40_59", "60_plus"]),
                "resources_band": "600_999",
                "housing": "locataire_social",
            }
        )
    for start in range(0, len(dossiers), 5000):
        db.session.execute(insert(Dossier), dossiers[start : start + 5000])
    db.session.commit()


def timed(action: object) -> float:
    started = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - started


def main() -> None:
    url = os.environ.get("ENTRAIDE_BENCH_DATABASE_URL")
    if not url:
        print("bench_statistics: ENTRAIDE_BENCH_DATABASE_URL n'est pas défini, banc sauté.")
        return
    scratch_name = f"{make_url(url).database}_statistiques"
    with tempfile.TemporaryDirectory() as folder, scratch_database(url, scratch_name) as scratch:
        app = build(scratch, Path(folder))
        client = app.test_client()
        token = (
            client.get("/connexion")
            .get_data(as_text=True)
            .split('name="csrf_token" type="hidden" value="')[1]
            .split('"')[0]
        )
        signed_in = client.post(
            "/connexion", data={"username": "direction", "password": PASSWORD, "csrf_token": token}
        )
        assert signed_in.status_code == 302, signed_in.status_code
        today = NOW.date()
        period = Period.past_twelve_months(today)
        with app.app_context():
            centre_id = db.session.scalars(select(Person.centre_id).limit(1)).one()

            def sql() -> None:
                catalogue.figures(centre_id=centre_id, period=period, split=Split.COMMUNE)

            def page() -> None:
                response = client.get("/statistiques/?repartition=commune")
                assert response.status_code == 200, response.status_code

            sql()
            page()  # warm both
            sql_times = [timed(sql) for _ in range(ROUNDS)]
            page_times = [timed(page) for _ in range(ROUNDS)]
            db.session.remove()
            db.engine.dispose()  # the scratch database is dropped next
        sql_s, page_s = statistics.median(sql_times), statistics.median(page_times)
        print(f"BENCH statistics_dossiers {PEOPLE * 3}")
        print(f"BENCH statistics_sql_seconds {sql_s:.3f}")
        print(f"BENCH statistics_page_seconds {page_s:.3f}")
        print(f"RATIO statistics_page_vs_sql {page_s / sql_s:.2f}")


if __name__ == "__main__":
    main()
