"""The worklist: claim, hand back, reassign (head of service only), filters, other centres invisible."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient
from sqlalchemy import insert, select, update

from scenarios.factories import make_centre, open_aid, open_task, person_with_budget
from service.clock import TravellingClock
from service.dossiers import tasks
from service.extensions import db
from service.models import AidType, Centre, Dossier, HumanTask, Person, Quartier, Role, User
from tests.conftest import csrf_token, text_of
from tests.test_reads_audited import _cost
from tests.workflow_helpers import as_user, create_person_with_budget, open_secours, post_form

# A page of the worklist may cost: the user and their roles, the centre (navigation), the page's rows, the
# counts of its views, the grants of its dossiers, the load per agent, the steps, agents and quartiers offered
# as filters.
WORKLIST_BUDGET = 11

EVALUATION = {
    "situation": "Facture d'eau impayée.",
    "nature_besoin": "autre",
    "montant_cents": "80",
    "mode_paiement": "virement",
}


@pytest.fixture
def team(make_user: Callable[..., User]) -> dict[str, User]:
    return {
        "nadia": make_user("nadia", Role.ACCUEIL),
        "julien": make_user("julien", Role.INSTRUCTEUR, full_name="Julien Marchand"),
        "karim": make_user("karim", Role.INSTRUCTEUR, full_name="Karim Haddad"),
        "claire": make_user("claire", Role.RESPONSABLE, full_name="Claire Dumont"),
    }


@pytest.fixture
def task_page(client: FlaskClient, team: dict[str, User]) -> str:
    as_user(client, "nadia")
    dossier = open_secours(client, create_person_with_budget(client, "Lopez", "Ana"))
    return f"/taches/{open_task(dossier, 'evaluer').id}"


def test_claimed_task_belongs_to_its_assignee(client: FlaskClient, task_page: str) -> None:
    as_user(client, "julien")
    assert post_form(client, task_page, {}, f"{task_page}/prendre").status_code == 302
    assert "Évaluer la situation" in text_of(client.get("/taches/?vue=mes-taches"))

    as_user(client, "karim")
    team_view = text_of(client.get("/taches/?vue=equipe"))
    assert "Julien Marchand" in team_view
    assert "Prendre</button>" not in team_view
    response = post_form(client, task_page, EVALUATION)
    assert response.status_code == 409
    assert "Cette tâche a été prise par un·e collègue entre-temps." in text_of(response)

    as_user(client, "julien")
    assert post_form(client, task_page, {}, f"{task_page}/rendre").status_code == 302
    as_user(client, "karim")
    assert post_form(client, task_page, EVALUATION).status_code == 302


def test_only_the_head_of_service_reassigns(
    client: FlaskClient, team: dict[str, User], task_page: str
) -> None:
    as_user(client, "julien")
    refused = post_form(client, task_page, {"assignee_id": str(team["karim"].id)}, f"{task_page}/reattribuer")
    assert refused.status_code == 403

    as_user(client, "claire")
    page = text_of(client.get(task_page))
    assert "Réattribuer à" in page
    not_a_holder = post_form(
        client, task_page, {"assignee_id": str(team["nadia"].id)}, f"{task_page}/reattribuer"
    )
    assert not_a_holder.status_code == 403
    assert (
        post_form(
            client, task_page, {"assignee_id": str(team["karim"].id)}, f"{task_page}/reattribuer"
        ).status_code
        == 302
    )

    as_user(client, "karim")
    assert "Évaluer la situation" in text_of(client.get("/taches/?vue=mes-taches"))


def test_aid_filter_and_completed_tasks_leave_the_list(client: FlaskClient, task_page: str) -> None:
    as_user(client, "julien")
    assert f'href="{task_page}"' in text_of(client.get("/taches/?vue=equipe&aide=secours_urgence"))
    post_form(client, task_page, EVALUATION)
    assert f'href="{task_page}"' not in text_of(client.get("/taches/?vue=equipe"))
    assert post_form(client, task_page, EVALUATION).status_code == 409


@pytest.fixture
def intruder(make_user: Callable[..., User], centre: Centre) -> User:
    other: Centre = make_centre("ccas-ailleurs", "CCAS d'Ailleurs")
    return make_user("intrus", Role.INSTRUCTEUR, Role.RESPONSABLE, centre_code=other.code)


def test_another_centre_cannot_reach_a_task_or_a_dossier(
    client: FlaskClient, intruder: User, task_page: str
) -> None:
    as_user(client, "intrus")
    assert client.get(task_page).status_code == 404
    dossier_page = text_of(client.get("/taches/?vue=equipe"))
    assert "Aucune tâche dans cette vue." in dossier_page
    response = client.post(
        task_page, data={**EVALUATION, "csrf_token": csrf_token(client, "/tableau-de-bord")}
    )
    assert response.status_code == 404


# --- A worklist paged by key: 50 rows, next and previous, counts per view, filters in the URL -------------


def _backlog(agent: User, size: int, *, start: datetime) -> int:
    """A real dossier made through the use cases, whose open task is then multiplied in SQL: `size` open
    tasks of the instructors' lane, due one hour apart from `start`."""
    dossier = open_aid(agent, person_with_budget(agent, "Lopez"), AidType.SECOURS_URGENCE)
    model = open_task(dossier, "evaluer")
    db.session.execute(
        insert(HumanTask),
        [
            {
                "centre_id": model.centre_id,
                "instance_id": model.instance_id,
                "dossier_id": model.dossier_id,
                "process_key": model.process_key,
                "task_id": f"copie-{number}",
                "task_name": model.task_name,
                "title": model.title,
                "role": model.role,
                "form_key": model.form_key,
                "due_at": start + timedelta(hours=number),
                "created_at": model.created_at,
            }
            for number in range(size - 1)
        ],
    )
    db.session.flush()
    return model.id  # the real one


def _ids(page: tasks.WorklistPage) -> list[int]:
    return [row.line.id for row in page.rows]


def test_pages_of_fifty_follow_each_other_by_due_date(team: dict[str, User], travel: TravellingClock) -> None:
    julien = team["julien"]
    _backlog(julien, 120, start=travel.now() - timedelta(hours=10))
    first = tasks.worklist_page(actor=julien)
    assert (len(first.rows), first.previous_cursor) == (50, None)
    assert first.next_cursor is not None
    assert (first.counts.team, first.counts.overdue) == (120, 10)
    second = tasks.worklist_page(actor=julien, after=first.next_cursor)
    third = tasks.worklist_page(actor=julien, after=second.next_cursor)
    assert (len(second.rows), len(third.rows), third.next_cursor) == (50, 20, None)
    everything = _ids(first) + _ids(second) + _ids(third)
    assert len(set(everything)) == 120
    dues = [row.line.due_at for page in (first, second, third) for row in page.rows]
    assert dues == sorted(dues, key=lambda due: (due is None, due))  # no due date last
    back = tasks.worklist_page(actor=julien, before=third.previous_cursor)
    assert _ids(back) == _ids(second)
    assert _ids(tasks.worklist_page(actor=julien, before=back.previous_cursor)) == _ids(first)
    overdue = tasks.worklist_page(actor=julien, view=tasks.WorklistView.OVERDUE)
    assert len(overdue.rows) == 10
    assert all(row.overdue for row in overdue.rows)


def test_the_page_links_to_the_next_and_keeps_the_filters(
    client: FlaskClient, team: dict[str, User], travel: TravellingClock
) -> None:
    _backlog(team["julien"], 60, start=travel.now() + timedelta(hours=1))
    as_user(client, "julien")
    page = text_of(client.get("/taches/?vue=equipe&aide=secours_urgence"))
    assert "Tâches de mes rôles (60)" in page
    following = re.search(r'<a rel="next"[^>]* href="([^"]+)"', page)
    assert following is not None
    assert "aide=secours_urgence" in html.unescape(following[1])
    second = text_of(client.get(html.unescape(following[1])))
    assert second.count("Ouvrir</a>") == 10
    assert 'rel="prev"' in second
    assert 'rel="next"' not in second
    assert "Aucune tâche" in text_of(client.get("/taches/?vue=equipe&aide=colis_alimentaire"))
    assert (
        text_of(client.get("/taches/?vue=equipe&echeance=aujourdhui")).count("Ouvrir</a>") == 14
    )  # 10:00 to 23:00
    assert "Aucune tâche" in text_of(client.get("/taches/?vue=equipe&echeance=en-retard"))
    assert client.get("/taches/?apres=n%27importe-quoi&agent=x&echeance=jamais").status_code == 200
    for cursor in ("-.²", "²².1", "-.99999999999999999999", "1e3.1", "--5.1"):  # « ² » answered 500
        assert client.get(f"/taches/?apres={quote(cursor)}").status_code == 200, cursor
        assert client.get(f"/taches/?avant={quote(cursor)}").status_code == 200, cursor


def test_filters_by_step_assignee_and_quartier(team: dict[str, User], travel: TravellingClock) -> None:
    julien = team["julien"]
    tasks.claim_task(actor=julien, task_id=_backlog(julien, 3, start=travel.now()))
    mine = tasks.worklist_page(actor=julien, filters=tasks.Filters(assignee_id=julien.id))
    assert (mine.counts.team, len(mine.rows)) == (1, 1)
    nobody = tasks.worklist_page(actor=julien, filters=tasks.Filters(assignee_id=tasks.UNASSIGNED))
    assert len(nobody.rows) == 2
    assert len(tasks.worklist_page(actor=julien, filters=tasks.Filters(step="decider")).rows) == 0
    assert len(tasks.worklist_page(actor=julien, filters=tasks.Filters(step="evaluer")).rows) == 3
    nowhere = tasks.worklist_page(actor=julien, filters=tasks.Filters(quartier_id=10**9))
    assert (list(nowhere.rows), nowhere.counts.team) == ([], 0)


def test_tasks_without_a_due_date_are_paged_last_and_back(
    team: dict[str, User], travel: TravellingClock
) -> None:
    julien = team["julien"]
    real = _backlog(julien, 110, start=travel.now())
    db.session.execute(update(HumanTask).where(HumanTask.id != real).values(due_at=None))
    first = tasks.worklist_page(actor=julien)
    assert first.rows[0].line.id == real  # the one with a date first
    assert first.next_cursor is not None
    assert first.next_cursor.due_at is None
    second = tasks.worklist_page(actor=julien, after=first.next_cursor)
    third = tasks.worklist_page(actor=julien, after=second.next_cursor)
    assert (len(second.rows), len(third.rows), third.next_cursor) == (50, 10, None)
    assert len(set(_ids(first) + _ids(second) + _ids(third))) == 110
    assert _ids(tasks.worklist_page(actor=julien, before=third.previous_cursor)) == _ids(second)
    assert _ids(tasks.worklist_page(actor=julien, before=second.previous_cursor)) == _ids(first)


def test_filters_by_the_persons_quartier_and_commune(team: dict[str, User], travel: TravellingClock) -> None:
    julien = team["julien"]
    real = _backlog(julien, 4, start=travel.now())
    quartier = db.session.scalars(select(Quartier).where(Quartier.centre_id == julien.centre_id)).one()
    person_id = db.session.scalar(
        select(Dossier.person_id)
        .join(HumanTask, HumanTask.dossier_id == Dossier.id)
        .where(HumanTask.id == real)
    )
    db.session.execute(update(Person).where(Person.id == person_id).values(quartier_id=quartier.id))
    for filters in (
        tasks.Filters(quartier_id=quartier.id),
        tasks.Filters(commune_id=quartier.commune_id),
        tasks.Filters(quartier_id=quartier.id, commune_id=quartier.commune_id, step="evaluer"),
    ):
        page = tasks.worklist_page(actor=julien, filters=filters)
        assert (len(page.rows), page.counts.team) == (4, 4)
    assert tasks.worklist_page(actor=julien, filters=tasks.Filters(commune_id=10**9)).counts.team == 0


def test_the_head_of_service_sees_every_lane_and_the_load_per_agent(
    client: FlaskClient, team: dict[str, User], travel: TravellingClock
) -> None:
    real = _backlog(team["julien"], 5, start=travel.now() - timedelta(days=1))
    tasks.claim_task(actor=team["karim"], task_id=real)
    as_user(client, "claire")
    page = text_of(client.get("/taches/?vue=equipe"))
    assert "Tâches de mes rôles (5)" in page
    assert "(toutes les étapes)" in page
    for shown in ("Charge par agent", "Karim Haddad", "Personne (à prendre)"):
        assert shown in page
    assert page.count("Ouvrir</a>") == 5


@pytest.mark.parametrize("viewer", ["julien", "claire"])
def test_the_statements_of_a_page_do_not_grow_with_the_backlog(
    client: FlaskClient, team: dict[str, User], travel: TravellingClock, viewer: str
) -> None:
    as_user(client, viewer)
    karim_id = team["karim"].id
    _backlog(team["julien"], 60, start=travel.now() - timedelta(hours=30))
    small = _cost(client, "/taches/?vue=equipe")
    karim = db.session.get(User, karim_id)  # measuring emptied the session, as a request ends
    assert karim is not None
    _backlog(karim, 540, start=travel.now() - timedelta(hours=300))
    large = _cost(client, "/taches/?vue=equipe")
    assert len(large) == len(small), "\n".join(large)
    assert len(large) <= WORKLIST_BUDGET, "\n".join(large)
    assert all(statement.startswith("SELECT") for statement in large)  # a list writes nothing
