"""A sixth aid declared in the test folder (tests/aids/aide_permis): it deploys, is offered at the front desk,
is evaluated and decided through the pages, and its decision letter is printed; nothing outside its package,
its diagram and its forms was written for it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from service import aids, deployment
from service.extensions import db
from service.models import Document, Dossier, DossierStatus, HumanTask, ProcessDefinition, Role, User
from service.people import service as people
from tests.aids import aide_permis
from tests.conftest import text_of
from tests.pdf import text_of_pdf
from tests.workflow_helpers import as_user, post_form


@pytest.fixture
def sixth_aid(app: Flask) -> Iterator[aids.Aid]:
    aids.register(aide_permis.AID)
    try:
        yield aide_permis.AID
    finally:
        aids.unregister(aide_permis.AID.key)


@pytest.fixture
def team(make_user: Callable[..., User]) -> dict[str, User]:
    return {
        "accueil": make_user("nadia", Role.ACCUEIL),
        "instructeur": make_user("julien", Role.INSTRUCTEUR),
        "delegataire": make_user("michel", Role.DELEGATAIRE, full_name="Michel Garnier"),
    }


def _open_task(dossier: Dossier, name: str) -> HumanTask:
    db.session.expire_all()
    return db.session.scalars(
        select(HumanTask).where(HumanTask.dossier_id == dossier.id, HumanTask.task_name == name)
    ).one()


def test_a_sixth_aid_deploys_opens_decides_and_prints(
    sixth_aid: aids.Aid, team: dict[str, User], client: FlaskClient
) -> None:
    created = [d for d in deployment.deploy_folder(deployed_by="tests") if d.created]
    assert [(d.key, d.version) for d in created] == [("aide_permis", 1)]
    assert (
        db.session.scalars(
            select(ProcessDefinition.name).where(ProcessDefinition.process_key == "aide_permis")
        ).one()
        == "Aide au permis de conduire"
    )

    person = people.create(
        actor=team["accueil"], identity=people.Identity(last_name="Aubert", first_name="Camille")
    )
    as_user(client, "nadia")
    page = f"/personnes/{person.id}"
    assert 'value="aide_permis">Aide au permis de conduire</option>' in client.get(page).get_data(
        as_text=True
    )
    opened = post_form(
        client, page, {"aid_type": "aide_permis", "reason": "Permis B pour un emploi"}, f"{page}/demandes"
    )
    assert opened.status_code == 302, text_of(opened)
    dossier = db.session.scalars(select(Dossier).where(Dossier.aid_type == "aide_permis")).one()
    assert "Aide au permis de conduire" in text_of(client.get(f"/dossiers/{dossier.id}"))

    as_user(client, "julien")
    evaluation = {"situation": "Embauche conditionnée au permis B.", "montant_cents": "600"}
    assert post_form(client, f"/taches/{_open_task(dossier, 'evaluer').id}", evaluation).status_code == 302

    as_user(client, "michel")
    decision_page = f"/taches/{_open_task(dossier, 'decider').id}"
    assert 'value="600,00"' in client.get(decision_page).get_data(as_text=True)  # the aid's prefill
    too_much = post_form(client, decision_page, {"decision": "accord", "montant_accorde_cents": "550"})
    assert too_much.status_code == 422  # more than asked for
    partial = {"decision": "accord", "montant_accorde_cents": "450"}
    unreasoned = post_form(client, decision_page, partial)  # less than the 600 € asked, and no reasons
    assert unreasoned.status_code == 422
    assert "Un accord partiel doit être motivé" in text_of(unreasoned)
    decided = post_form(
        client, decision_page, {**partial, "motif": "Le permis est en partie financé par France Travail."}
    )
    assert decided.status_code == 302, text_of(decided)

    db.session.expire_all()
    assert (dossier.status, dossier.amount_granted_cents) == (DossierStatus.ACCORDE, 45000)
    letter = db.session.scalars(
        select(Document).where(Document.subject_id == dossier.id, Document.kind == "decision")
    ).one()
    text = text_of_pdf(letter.content)
    assert "aide au permis de conduire" in text.lower()
    assert "450,00" in text
    assert letter.number.startswith("DEC")


def test_an_aid_task_without_its_hook_is_refused_at_deployment(sixth_aid: aids.Aid) -> None:
    incomplete = aids.Aid(
        key=sixth_aid.key, label=sixth_aid.label, hooks={"evaluer": aide_permis.evaluate},
        diagram_folder=sixth_aid.diagram_folder,
    )  # fmt: skip
    aids.unregister(sixth_aid.key)
    aids.register(incomplete)
    with pytest.raises(deployment.DiagramError, match="aucun traitement n'est prévu pour « decider »"):
        deployment.deploy_folder(deployed_by="tests")
