"""Secours d'urgence end to end through the web pages, by users of the right roles."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from scenarios.committee import REFUSAL, committee_decides, refus
from scenarios.factories import open_task, open_task_names
from service.audit.actions import READS
from service.clock import TravellingClock
from service.extensions import db
from service.models import AuditEvent, DossierStatus, HumanTask, InstanceStatus, ProcessInstance, Role, User
from tests.conftest import START, text_of
from tests.workflow_helpers import as_user, complete, create_person_with_budget, open_secours


@pytest.fixture
def team(make_user: Callable[..., User]) -> dict[str, User]:
    return {
        "nadia": make_user("nadia", Role.ACCUEIL, full_name="Nadia Benali"),
        "julien": make_user("julien", Role.INSTRUCTEUR, full_name="Julien Marchand"),
        "michel": make_user("michel", Role.DELEGATAIRE, full_name="Michel Garnier"),
        "aicha": make_user("aicha", Role.ELU, full_name="Aïcha Diallo"),
        "paul": make_user("paul", Role.REGISSEUR, full_name="Paul Henry"),
    }


def _evaluation(amount: str) -> dict[str, str]:
    return {
        "situation": "Coupure d'électricité annoncée, facture de 180 € vue.",
        "nature_besoin": "energie",
        "montant_cents": amount,
        "mode_paiement": "bon",
    }


def test_granted_under_delegation_then_paid(client: FlaskClient, team: dict[str, User]) -> None:
    as_user(client, "nadia")
    person = create_person_with_budget(client, "Martin", "Fatou")
    dossier = open_secours(client, person)
    assert dossier.number == "2026-000001"
    assert dossier.status is DossierStatus.EN_INSTRUCTION
    assert open_task_names(dossier) == ["evaluer"]

    as_user(client, "julien")
    worklist = text_of(client.get("/taches/?vue=equipe"))
    assert "Évaluer la situation" in worklist
    assert "MARTIN Fatou" in worklist
    assert complete(client, dossier, "evaluer", _evaluation("150,00")).status_code == 302
    assert dossier.status is DossierStatus.EN_ATTENTE_DECISION
    assert dossier.amount_requested_cents == 15000

    decision = open_task(dossier, "decider_delegation")
    assert decision.role == "delegataire"
    assert decision.due_at == START + timedelta(hours=48)

    as_user(client, "michel")
    page = text_of(client.get(f"/taches/{decision.id}"))
    # (600 − 450) € / 1,5 part / 30 days = 3,33 € per day and per part: eligible.
    assert "Éligible" in page
    assert "3,33\u00a0€" in page
    assert 'name="montant_accorde_cents" value="150,00"' in page  # the requested amount, ready to confirm
    assert (
        complete(
            client,
            dossier,
            "decider_delegation",
            {
                "decision": "accord",
                "montant_accorde_cents": "150",
                "motif": "Une partie de la dépense est déjà prise en charge.",
            },
        ).status_code
        == 302
    )
    assert (dossier.status, dossier.amount_granted_cents) == (DossierStatus.ACCORDE, 15000)

    as_user(client, "julien")
    assert (
        complete(
            client, dossier, "notifier", {"moyen": "courrier", "date_notification": "2026-11-23"}
        ).status_code
        == 302
    )

    as_user(client, "paul")
    paid = {"mode_paiement": "bon", "montant_verse_cents": "150,00", "reference": "BON-0042"}
    assert complete(client, dossier, "payer", paid).status_code == 302

    db.session.expire_all()
    assert dossier.status is DossierStatus.VERSE
    assert dossier.closed_at is not None
    instance = db.session.scalars(
        select(ProcessInstance).where(ProcessInstance.dossier_id == dossier.id)
    ).one()
    assert instance.status is InstanceStatus.COMPLETED
    assert open_task_names(dossier) == []

    paying = text_of(client.get(f"/dossiers/{dossier.id}"))  # the régisseur: what the payment needs
    assert "MARTIN Fatou" in paying
    assert "150,00\u00a0€ (réf. BON-0042)" in paying
    for hidden in ("Coupure d'électricité", "Facture d'énergie impayée", "Historique", "Étape réalisée"):
        assert hidden not in paying

    as_user(client, "julien")  # the instructing agent follows it: its history
    history = text_of(client.get(f"/dossiers/{dossier.id}"))
    for step in (
        "Évaluer la situation",
        "Décider sous délégation",
        "Notifier la décision",
        "Enregistrer le versement",
    ):
        assert f"Étape réalisée « {step} »" in history


def test_above_the_ceiling_goes_to_the_committee_and_is_refused(
    client: FlaskClient, team: dict[str, User], make_user: Callable[..., User]
) -> None:
    as_user(client, "nadia")
    dossier = open_secours(client, create_person_with_budget(client, "Petit", "Louis"))
    as_user(client, "julien")
    complete(client, dossier, "evaluer", _evaluation("450,00"))
    assert open_task_names(dossier) == []  # no one decides alone: the dossier waits for a session
    instance = db.session.scalars(
        select(ProcessInstance).where(ProcessInstance.dossier_id == dossier.id)
    ).one()
    assert instance.awaiting_message == "decision_commission"
    assert dossier.status is DossierStatus.EN_ATTENTE_DECISION

    secretary = make_user("sophie", Role.SECRETARIAT)
    committee_decides(secretary, {dossier: refus(3, "Le foyer a reçu 800 € cette année.")})
    as_user(client, "julien")
    complete(client, dossier, "notifier", {"moyen": "remise", "date_notification": "2026-11-24"})

    db.session.expire_all()
    assert dossier.status is DossierStatus.REFUSE
    assert dossier.decision_reason == f"{REFUSAL}. Le foyer a reçu 800 € cette année."
    assert dossier.closed_at is not None
    assert open_task_names(dossier) == []


def test_delegate_cannot_grant_above_the_requested_amount(client: FlaskClient, team: dict[str, User]) -> None:
    as_user(client, "nadia")
    dossier = open_secours(client, create_person_with_budget(client, "Roux", "Anna"))
    as_user(client, "julien")
    complete(client, dossier, "evaluer", _evaluation("100"))
    as_user(client, "michel")
    response = complete(
        client,
        dossier,
        "decider_delegation",
        {
            "decision": "accord",
            "montant_accorde_cents": "120",
            "motif": "Une partie de la dépense est déjà prise en charge.",
        },
    )
    assert response.status_code == 422
    assert "Le montant accordé ne peut dépasser le montant demandé (100,00\u00a0€)." in text_of(response)
    assert 'value="120"' in response.get_data(as_text=True)  # what was typed is kept
    assert open_task_names(dossier) == ["decider_delegation"]


def test_invalid_input_changes_nothing(client: FlaskClient, team: dict[str, User]) -> None:
    as_user(client, "nadia")
    dossier = open_secours(client, create_person_with_budget(client, "Blanc", "Hugo"))
    instance = db.session.scalars(
        select(ProcessInstance).where(ProcessInstance.dossier_id == dossier.id)
    ).one()
    revision, state = instance.revision, instance.state

    as_user(client, "julien")
    response = complete(
        client,
        dossier,
        "evaluer",
        {"situation": "court", "nature_besoin": "voyage", "montant_cents": "douze euros"},
    )
    assert response.status_code == 422
    page = text_of(response)
    assert "Saisissez un montant en euros, par exemple 120,50." in page
    assert 'aria-invalid="true"' in page
    assert "douze euros" in page

    response = complete(
        client, dossier, "evaluer", {"situation": "court", "nature_besoin": "voyage", "montant_cents": "10"}
    )
    page = text_of(response)
    assert "Saisissez au moins 10 caractères." in page
    assert "Choisissez une des valeurs proposées." in page
    assert page.count("Ce champ est obligatoire.") == 1  # mode_paiement

    db.session.expire_all()
    assert (instance.revision, instance.state) == (revision, state)
    assert dossier.status is DossierStatus.EN_INSTRUCTION
    assert open_task_names(dossier) == ["evaluer"]


def test_a_user_without_the_lane_role_can_neither_see_nor_complete(
    client: FlaskClient, team: dict[str, User]
) -> None:
    as_user(client, "nadia")
    dossier = open_secours(client, create_person_with_budget(client, "Noir", "Léo"))
    task = open_task(dossier, "evaluer")
    assert "Évaluer la situation" not in text_of(client.get("/taches/?vue=equipe"))
    assert client.get(f"/taches/{task.id}").status_code == 403
    refused = complete(client, dossier, "evaluer", _evaluation("100"))
    assert refused.status_code in {400, 403}  # no token to take from a forbidden page: refused either way

    from tests.conftest import csrf_token

    token = csrf_token(client, "/tableau-de-bord")
    forbidden = client.post(f"/taches/{task.id}", data={**_evaluation("100"), "csrf_token": token})
    assert forbidden.status_code == 403
    assert "réservée au rôle « Travailleur·se social·e / instructeur·rice »" in text_of(forbidden)
    assert open_task_names(dossier) == ["evaluer"]


def test_overdue_decision_is_highlighted(
    client: FlaskClient, team: dict[str, User], travel: TravellingClock
) -> None:
    as_user(client, "nadia")
    dossier = open_secours(client, create_person_with_budget(client, "Vert", "Zoé"))
    as_user(client, "julien")
    complete(client, dossier, "evaluer", _evaluation("100"))
    as_user(client, "michel")
    assert "Aucune tâche dans cette vue." in text_of(client.get("/taches/?vue=en-retard"))
    travel.advance(timedelta(hours=49))
    as_user(client, "michel")  # two days later: his idle session has ended
    overdue = text_of(client.get("/taches/?vue=en-retard"))
    assert "Décider sous délégation" in overdue
    assert "en retard" in overdue


def test_every_step_is_audited_with_its_actor(client: FlaskClient, team: dict[str, User]) -> None:
    as_user(client, "nadia")
    dossier = open_secours(client, create_person_with_budget(client, "Gris", "Lou"))
    as_user(client, "julien")
    complete(client, dossier, "evaluer", _evaluation("100"))
    events = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.subject_type == "dossier",
            AuditEvent.subject_id == str(dossier.id),
            AuditEvent.action.not_in(sorted(READS)),
        )
    ).all()
    assert [(e.action, e.actor_name) for e in events] == [
        ("dossier.ouverture", "Nadia Benali"),
        ("document.émission", "Nadia Benali"),  # the acknowledgement of receipt, issued at filing
        ("tâche.terminée", "Julien Marchand"),
    ]
    assert events[1].details["type"] == "accuse_reception"
    assert events[2].details["montant_cents"] == 10000
    assert "situation" not in events[2].details  # free text about the person stays out of the log
    db.session.scalars(select(HumanTask)).all()
