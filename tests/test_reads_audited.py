"""Every read is traced, cheaply: one INSERT in the read's own commit, the history never read back one row
at a time, and the pages of a dossier and of a person cost the same number of statements whatever their
past."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from scenarios.factories import open_task
from scenarios.secours import EVALUATION
from service.dossiers import tasks
from service.extensions import db
from service.models import AidType, AuditEvent, Dossier, Role, User
from tests.aid_steps import NOTIFIED, do, open_aid, person_with_budget
from tests.conftest import text_of
from tests.statements import counted
from tests.workflow_helpers import as_user

# A page may cost: the user and their roles, the centre (navigation), the dossier with the reader's relations
# and its process, its open steps, its history, its documents, and the trace of the read.
DOSSIER_PAGE_BUDGET = 8
PERSON_PAGE_BUDGET = 8


@pytest.fixture
def team(make_user: Callable[..., User]) -> dict[str, User]:
    return {
        "agent": make_user("julien", Role.ACCUEIL, Role.INSTRUCTEUR, full_name="Julien Marchand"),
        "delegate": make_user("michel", Role.DELEGATAIRE, full_name="Michel Garnier"),
        "regisseur": make_user("paul", Role.REGISSEUR, full_name="Paul Henry"),
        "responsable": make_user("claire", Role.RESPONSABLE, full_name="Claire Dumont"),
    }


def _decided(team: dict[str, User]) -> Dossier:
    agent = team["agent"]
    dossier = open_aid(agent, person_with_budget(agent, "Aubert"), AidType.SECOURS_URGENCE, "Facture EDF")
    do(agent, dossier, "evaluer", EVALUATION)
    do(
        team["delegate"],
        dossier,
        "decider_delegation",
        {
            "decision": "accord",
            "montant_accorde_cents": "150",
            "motif": "Une partie de la dépense est déjà prise en charge.",
        },
    )
    do(agent, dossier, "notifier", NOTIFIED)
    return dossier


def _cost(client: FlaskClient, path: str) -> list[str]:
    """The statements of one request, its session starting empty as a request's does in production."""
    db.session.remove()
    with counted() as statements:
        response = client.get(path)
    assert response.status_code == 200
    return statements


@pytest.mark.parametrize("username", ["claire", "julien", "paul"])
def test_the_dossier_page_costs_the_same_after_a_hundred_views(
    client: FlaskClient, team: dict[str, User], username: str
) -> None:
    dossier = _decided(team)
    as_user(client, username)
    path = f"/dossiers/{dossier.id}"
    first = _cost(client, path)
    for _ in range(100):
        assert client.get(path).status_code == 200
    later = _cost(client, path)
    assert len(later) == len(first), "\n".join(later)
    assert len(later) <= DOSSIER_PAGE_BUDGET, "\n".join(later)
    assert sum(1 for statement in later if statement.startswith("INSERT")) == 1  # the trace, and no more


def test_every_view_is_traced_with_its_parts_and_left_out_of_the_history(
    client: FlaskClient, team: dict[str, User]
) -> None:
    dossier = _decided(team)
    as_user(client, "paul")
    for _ in range(3):
        client.get(f"/dossiers/{dossier.id}")
    reads = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "dossier.consultation",
            AuditEvent.subject_id == str(dossier.id),
            AuditEvent.actor_name == "Paul Henry",
        )
    ).all()
    assert len(reads) == 3
    assert {tuple(read.details["parties"]) for read in reads} == {("identité", "paiement")}
    as_user(client, "claire")
    page = text_of(client.get(f"/dossiers/{dossier.id}"))
    assert "Consultation du dossier" not in page  # the history shows what was done, not who looked


def test_the_person_page_costs_the_same_after_a_hundred_views(
    client: FlaskClient, team: dict[str, User]
) -> None:
    dossier = _decided(team)
    as_user(client, "claire")
    path = f"/personnes/{dossier.person_id}"
    first = _cost(client, path)
    for _ in range(100):
        assert client.get(path).status_code == 200
    later = _cost(client, path)
    assert len(later) == len(first), "\n".join(later)
    assert len(later) <= PERSON_PAGE_BUDGET, "\n".join(later)
    reads = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "personne.consultation", AuditEvent.subject_id == str(dossier.person_id)
        )
    ).all()
    assert len(reads) == 102
    assert reads[0].details["parties"] == ["identité", "coordonnées", "budget", "foyer", "consultations"]


def test_a_search_traces_each_person_it_lists(client: FlaskClient, team: dict[str, User]) -> None:
    agent = team["agent"]
    listed = [person_with_budget(agent, "Aubert"), person_with_budget(agent, "Aubertin")]
    other = person_with_budget(agent, "Martin")
    as_user(client, "julien")
    assert "AUBERTIN Camille" in text_of(client.get("/personnes/?q=aubert"))
    traced = db.session.scalars(
        select(AuditEvent.subject_id).where(AuditEvent.action == "personne.recherche")
    ).all()
    assert sorted(traced) == sorted(str(person_id) for person_id in listed)
    assert str(other) not in traced


def test_the_dossier_page_costs_the_same_whatever_its_history(
    client: FlaskClient, team: dict[str, User]
) -> None:
    agent = team["agent"]
    dossier = open_aid(agent, person_with_budget(agent, "Aubert"), AidType.SECOURS_URGENCE, "Facture EDF")
    dossier_id, agent_id = dossier.id, agent.id
    as_user(client, "claire")
    path = f"/dossiers/{dossier_id}"
    short = _cost(client, path)
    agent = db.session.get(User, agent_id)  # measuring emptied the session, as a request ends
    assert agent is not None
    task_id = open_task(dossier_id, "evaluer").id
    for _ in range(60):  # 120 steps of its history: taken, handed back
        tasks.claim_task(actor=agent, task_id=task_id)
        tasks.unclaim_task(actor=agent, task_id=task_id)
    long = _cost(client, path)
    assert len(long) == len(short), "\n".join(long)
    assert len(long) <= DOSSIER_PAGE_BUDGET, "\n".join(long)
