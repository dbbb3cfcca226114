"""The pages tell a newcomer what comes next, and nothing irreversible happens in one click: a POST without
its confirmation shows the consequence and changes nothing; the state line follows the process's step; a task
whose choices the service cannot offer says why and where to fix it, and cannot be sent meanwhile."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from scenarios.committee import members, next_week
from service.aids.cheque_accompagnement import stock
from service.committee import sessions
from service.dossiers import tasks
from service.errors import InvalidInputError
from service.extensions import db
from service.models import (
    AgendaItem,
    AidType,
    ChequeNature,
    CommitteeSession,
    HumanTask,
    ItemStatus,
    Role,
    SessionKind,
    User,
)
from tests.aid_steps import NOTIFIED, do, open_aid, person_with_budget, task_of
from tests.conftest import text_of
from tests.workflow_helpers import as_user, post_form


def _words(response: TestResponse) -> str:
    """The page's text as read, tags left out."""
    return " ".join(re.sub(r"<[^>]+>", " ", text_of(response)).split())


@pytest.fixture
def agents(make_user: Callable[..., User]) -> dict[str, User]:
    return {
        "accueil": make_user("nadia", Role.ACCUEIL),
        "instructeur": make_user("julien", Role.INSTRUCTEUR, full_name="Julien Marchand"),
        "delegataire": make_user("michel", Role.DELEGATAIRE, full_name="Michel Garnier"),
        "secretariat": make_user("sophie", Role.SECRETARIAT),
        "regisseur": make_user("paul", Role.REGISSEUR),
    }


def _cheques_granted(agents: dict[str, User]) -> int:
    """A grant of support cheques for food, notified: the cheques are to be taken from stock."""
    person_id = person_with_budget(agents["instructeur"], "Martin")
    dossier = open_aid(agents["accueil"], person_id, AidType.CHEQUE_ACCOMPAGNEMENT)
    evaluation = {"situation": "Plus rien à manger.", "nature": "alimentation", "montant_cents": "60"}
    do(agents["instructeur"], dossier, "evaluer", evaluation)
    do(
        agents["delegataire"],
        dossier,
        "decider_delegation",
        {"decision": "accord", "montant_accorde_cents": "60"},
    )
    do(agents["instructeur"], dossier, "notifier", NOTIFIED)
    return task_of(dossier, "delivrer_cheques").id


def test_with_no_book_in_stock_the_task_says_so_links_to_the_stock_and_cannot_be_sent(
    client: FlaskClient, agents: dict[str, User]
) -> None:
    task_id = _cheques_granted(agents)
    as_user(client, "sophie")
    response = client.get(f"/taches/{task_id}")
    page, words = response.get_data(as_text=True), text_of(response)
    assert "rien à choisir" in words
    assert "Aucun carnet de chèques de la nature accordée n'est en stock" in words
    assert 'href="/cheques/stock"' in page
    assert "Entrer un carnet en stock" in words
    assert 'name="carnet"' not in page  # no free-text box standing in for a list
    assert "Valider" not in page
    refused = post_form(client, f"/taches/{task_id}", {"carnet": "1", "nombre": "3"})
    assert refused.status_code == 422
    assert "Aucun carnet de chèques de la nature accordée n'est en stock" in text_of(refused)
    assert db.session.get(HumanTask, task_id).completed_at is None
    with pytest.raises(InvalidInputError, match="Aucun carnet"):
        tasks.complete_task(actor=agents["secretariat"], task_id=task_id, form={"carnet": "1", "nombre": "3"})

    stock.register_book(
        actor=agents["secretariat"], series="CAP-A", first_number=1, last_number=50, face_value_cents=2000,
        nature=ChequeNature.ALIMENTATION,
    )  # fmt: skip
    page = client.get(f"/taches/{task_id}").get_data(as_text=True)
    assert "rien à choisir" not in page
    assert "Série CAP-A" in page
    assert 'name="carnet"' in page


def test_the_dossier_page_says_what_comes_next_and_who_does_it(
    client: FlaskClient, agents: dict[str, User]
) -> None:
    person_id = person_with_budget(agents["instructeur"], "Martin")
    dossier = open_aid(agents["accueil"], person_id, AidType.SECOURS_URGENCE)
    as_user(client, "julien")
    page = _words(client.get(f"/dossiers/{dossier.id}"))
    assert "Évaluer la situation — à faire par : Travailleur·se social·e / instructeur·rice" in page
    assert "(toute personne de ce rôle)" in page
    assert "Ensuite : Décider sous délégation (Président·e / vice-président·e)" in page
    assert "Attendre la décision de la commission (Membre du conseil d'administration), selon l'issue" in page
    tasks.claim_task(actor=agents["instructeur"], task_id=task_of(dossier, "evaluer").id)
    page = _words(client.get(f"/dossiers/{dossier.id}"))
    assert "(prise par Julien Marchand)" in page


def test_the_people_page_always_offers_a_new_person_prefilled_after_an_empty_search(
    client: FlaskClient, agents: dict[str, User]
) -> None:
    as_user(client, "nadia")
    assert 'href="/personnes/nouvelle"' in client.get("/personnes/").get_data(as_text=True)
    found = client.get("/personnes/?q=Introuvable").get_data(as_text=True)
    assert "0 résultat(s)" in found
    assert 'href="/personnes/nouvelle?nom=Introuvable"' in found
    form = client.get("/personnes/nouvelle?nom=Introuvable").get_data(as_text=True)
    assert 'value="Introuvable"' in form


def _session(agents: dict[str, User]) -> CommitteeSession:
    members(agents["secretariat"].centre_id)
    return sessions.plan_session(
        actor=agents["secretariat"], kind=SessionKind.COMMISSION_PERMANENTE, starts_at=next_week(),
        place="Salle du conseil",
    )  # fmt: skip


def test_the_session_state_follows_its_step_and_each_final_step_asks_first(
    client: FlaskClient, agents: dict[str, User]
) -> None:
    session = _session(agents)
    as_user(client, "sophie")
    path = f"/commission/seances/{session.id}"
    page = _words(client.get(path))
    assert "État Ordre du jour en préparation" in page
    assert "Étape en cours : Préparer l'ordre du jour" in page

    asked = post_form(client, path, {}, action=f"{path}/arreter")  # one click: the consequence only
    assert asked.status_code == 200
    assert "L'ordre du jour sera arrêté avec 0 point(s)" in text_of(asked)
    assert (
        sessions.open_step(db.session.get(CommitteeSession, session.id)).task_name == "preparer_ordre_du_jour"
    )
    assert "L'ordre du jour sera arrêté" in text_of(client.get(f"{path}/arreter"))  # the same page by GET

    assert post_form(client, path, {"confirme": "oui"}, action=f"{path}/arreter").status_code == 302
    page = _words(client.get(path))
    assert "État Ordre du jour arrêté, membres à convoquer" in page
    assert "Étape en cours : Convoquer les membres" in page

    unsent = post_form(client, path, {}, action=f"{path}/convoquer")
    assert "3 membre(s) recevront aussitôt la convocation par courriel" in text_of(unsent)
    db.session.expire_all()
    assert db.session.get(CommitteeSession, session.id).convoked_at is None
    assert post_form(client, path, {"confirme": "oui"}, action=f"{path}/convoquer").status_code == 302
    page = _words(client.get(path))
    assert "État Membres convoqués, séance à tenir" in page
    assert page.rindex("Clore la séance") > page.index(
        "Présences et quorum"
    )  # closing comes after the attendance and the votes


def _convened(client: FlaskClient, agents: dict[str, User]) -> tuple[CommitteeSession, str]:
    session = _session(agents)
    as_user(client, "sophie")
    path = f"/commission/seances/{session.id}"
    for step in ("arreter", "convoquer"):
        assert post_form(client, path, {"confirme": "oui"}, action=f"{path}/{step}").status_code == 302
    return session, path


def test_postponing_a_session_asks_first_and_one_post_changes_nothing(
    client: FlaskClient, agents: dict[str, User]
) -> None:
    session, path = _convened(client, agents)
    planned = session.starts_at
    later = planned + timedelta(days=14)
    typed = {"day": later.date().isoformat(), "hour": "14:30", "reason": "Quorum impossible"}
    asked = post_form(client, path, typed, action=f"{path}/reporter")
    assert asked.status_code == 200
    body = text_of(asked)
    assert "Reporter la séance ?" in body
    assert "Les présences et les votes déjà saisis seront effacés" in body
    assert "jours francs avant la nouvelle date" in body
    assert 'value="Quorum impossible"' in body  # what was typed goes on with the confirmation
    db.session.expire_all()
    assert db.session.get(CommitteeSession, session.id).starts_at == planned

    done = post_form(client, path, {**typed, "confirme": "oui"}, action=f"{path}/reporter")
    assert done.status_code == 302
    db.session.expire_all()
    postponed = db.session.get(CommitteeSession, session.id)
    assert (postponed.postponed_from, postponed.starts_at.date()) == (planned, later.date())


def test_cancelling_a_session_asks_first_and_one_post_changes_nothing(
    client: FlaskClient, agents: dict[str, User]
) -> None:
    session, path = _convened(client, agents)
    asked = post_form(client, path, {"reason": "Salle indisponible"}, action=f"{path}/annuler")
    assert asked.status_code == 200
    body = text_of(asked)
    assert "Annuler la séance ?" in body
    assert "l'annulation ne peut pas être défaite" in body
    assert "0 dossier(s) inscrit(s) attendront une prochaine séance" in body
    db.session.expire_all()
    assert db.session.get(CommitteeSession, session.id).cancelled_at is None

    done = post_form(
        client, path, {"reason": "Salle indisponible", "confirme": "oui"}, action=f"{path}/annuler"
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(CommitteeSession, session.id).cancelled_at is not None


def test_withdrawing_an_agenda_item_asks_first_and_one_post_changes_nothing(
    client: FlaskClient, agents: dict[str, User], make_user: Callable[..., User]
) -> None:
    session = _session(agents)
    person_id = person_with_budget(agents["instructeur"], "Petit")
    dossier = open_aid(agents["accueil"], person_id, AidType.SECOURS_URGENCE)
    item = AgendaItem(
        centre_id=session.centre_id, session_id=session.id, dossier_id=dossier.id, position=1,
        status=ItemStatus.INSCRIT,
    )  # fmt: skip
    db.session.add(item)
    db.session.commit()
    as_user(client, "sophie")
    path = f"/commission/seances/{session.id}"
    action = f"{path}/points/{item.id}/retrait"
    asked = post_form(client, path, {"statut": "retire", "motif": "Pièces manquantes"}, action=action)
    assert asked.status_code == 200
    body = text_of(asked)
    assert f"dossier {dossier.number}" in body
    assert "sera retiré de l'ordre du jour de cette séance" in body
    assert "Pièces manquantes" in body
    db.session.expire_all()
    assert db.session.get(AgendaItem, item.id).status is ItemStatus.INSCRIT
    done = post_form(
        client, path, {"statut": "retire", "motif": "Pièces manquantes", "confirme": "oui"}, action=action
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(AgendaItem, item.id).status is ItemStatus.RETIRE
    assert db.session.scalar(select(func.count()).select_from(AgendaItem)) == 1
