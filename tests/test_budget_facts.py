"""A barème never runs on facts nobody entered: the evaluation shows the budget it will use, with a link
to complete it, and refuses to go on while the household's resources and charges are not entered, unless
the agent records that the person declared none."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape

import pytest
from flask.testing import FlaskClient

from service.errors import InvalidInputError
from service.models import AidType, DossierStatus, Role, User
from service.people import service as people
from tests.aid_steps import do, open_aid, open_tasks, person_with_budget, task_of
from tests.workflow_helpers import as_user

EVALUATION = {
    "situation": "Facture d'énergie de 180 € impayée.",
    "nature_besoin": "energie",
    "montant_cents": "180",
    "mode_paiement": "bon",
}


def _words(html: str) -> str:
    """The page as read: tags dropped, spaces (non-breaking ones too) collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).replace("\u00a0", " ").split())


@pytest.fixture
def agent(make_user: Callable[..., User]) -> User:
    return make_user("julien", Role.ACCUEIL, Role.INSTRUCTEUR)


def test_without_a_budget_the_evaluation_shows_it_and_refuses_to_go_on(
    agent: User, client: FlaskClient
) -> None:
    person = people.create(actor=agent, identity=people.Identity(last_name="Vide", first_name="Léa"))
    dossier = open_aid(agent, person.id, AidType.SECOURS_URGENCE)
    as_user(client, "julien")
    page = _words(client.get(f"/taches/{task_of(dossier, 'evaluer').id}").text)
    for shown in ("Budget sur lequel le barème calculera", "Budget incomplet", "Ressources mensuelles 0,00",
                  "Compléter le budget du foyer"):  # fmt: skip
        assert shown in page, shown
    assert f"/personnes/{person.id}#budget" in client.get(f"/taches/{task_of(dossier, 'evaluer').id}").text

    with pytest.raises(InvalidInputError, match="Le budget du foyer n'est pas saisi"):
        do(agent, dossier, "evaluer", EVALUATION)
    assert open_tasks(dossier) == ["evaluer"]  # nothing moved, no barème ran
    assert dossier.situation == ""

    do(agent, dossier, "evaluer", {**EVALUATION, "budget_declare": "on"})  # the person declared none
    assert "la personne a déclaré n'avoir aucune ressource ou aucune charge" in dossier.situation
    assert dossier.status is DossierStatus.EN_ATTENTE_DECISION


def test_documents_to_ask_for_come_before_the_budget(agent: User) -> None:
    person = people.create(actor=agent, identity=people.Identity(last_name="Vide", first_name="Léa"))
    dossier = open_aid(agent, person.id, AidType.SECOURS_URGENCE)
    do(agent, dossier, "evaluer", {**EVALUATION, "pieces_manquantes": "Dernier avis de la CAF"})
    assert dossier.status is DossierStatus.EN_ATTENTE_PIECES  # the barème does not run yet


def test_a_budget_entered_needs_no_declaration(agent: User, client: FlaskClient) -> None:
    dossier = open_aid(agent, person_with_budget(agent, "Plein"), AidType.COLIS_ALIMENTAIRE)
    as_user(client, "julien")
    page = _words(client.get(f"/taches/{task_of(dossier, 'evaluer').id}").text)
    assert "Ressources mensuelles 600,00" in page
    assert "Budget incomplet" not in page
    do(agent, dossier, "evaluer", {"situation": "Plus de quoi acheter à manger."})
    assert "déclaré" not in dossier.situation
