"""The worklist: claim, hand back, reassign (head of service only), filters, other centres invisible."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from service.models import Centre, Role, User
from tests.conftest import csrf_token, text_of
from tests.factories import make_centre, open_task
from tests.workflow_helpers import as_user, create_person_with_budget, open_secours, post_form

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
