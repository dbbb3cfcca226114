"""Decision letters: PDF/A records with their mentions and hash, downloaded only by those who may."""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from scenarios.committee import committee_decides, refus
from scenarios.factories import make_centre
from scenarios.secours import awaiting_delegate_decision, open_task_of
from service.dossiers import tasks
from service.extensions import db
from service.models import AuditEvent, Centre, Document, DocumentIsARecordError, Dossier, Role, User
from tests.pdf import text_of_pdf
from tests.workflow_helpers import as_user

REASONS = "Ressources du foyer au-dessus du barème <script>alert('x')</script> du règlement intérieur."


@pytest.fixture
def centre(app: object) -> Centre:
    return make_centre("ccas-lettres", "CCAS de Lettres-sur-Loire")


@pytest.fixture
def agent(make_user: Callable[..., User], centre: Centre) -> User:
    centre.president_name, centre.president_title = "Marie Lefèvre", "Présidente du CCAS"
    db.session.commit()
    make_user("lea", Role.ADMIN, centre_code=centre.code)
    return make_user(
        "michel",
        Role.ACCUEIL,
        Role.INSTRUCTEUR,
        Role.DELEGATAIRE,
        Role.ELU,
        centre_code=centre.code,
        full_name="Michel Garnier",
        title="Vice-président du CCAS",
    )


def _decide(agent: User, dossier: Dossier, task_name: str, form: dict[str, str]) -> Document:
    tasks.complete_task(actor=agent, task_id=open_task_of(dossier.id, task_name).id, form=form)
    return db.session.scalars(
        select(Document).where(
            Document.subject_type == "dossier", Document.subject_id == dossier.id, Document.kind == "decision"
        )
    ).one()


def test_delegated_grant_letter_carries_its_mandatory_mentions(agent: User) -> None:
    dossier = awaiting_delegate_decision(agent, "Martin")
    document = _decide(
        agent,
        dossier,
        "decider_delegation",
        {
            "decision": "accord",
            "montant_accorde_cents": "150",
            "motif": "Le loyer est en partie pris en charge.",
        },
    )
    assert document.number == "DEC2026_001"
    assert document.sha256 == hashlib.sha256(document.content).hexdigest()
    assert document.content.startswith(b"%PDF-")
    metadata = subprocess.run(
        ["pdfinfo", "-meta", "-"], input=document.content, capture_output=True, check=True
    )
    assert b"pdfaid:part" in metadata.stdout  # PDF/A identification in the XMP metadata
    text = text_of_pdf(document.content)
    for mention in (
        "CCAS de Lettres-sur-Loire", "MARTIN Paul", f"Dossier n° {dossier.number}",
        "Décision n° DEC2026_001, prise par délégation du conseil d'administration",
        "Objet : votre demande de secours d'urgence", "d'un montant de 150,00 € vous est accordé",
        "sous forme de bon d'achat", "Voies et délais de recours", "deux mois", "recours gracieux",
        "Tribunal administratif de Lyon", "R421-1 et R421-5", "Télérecours citoyens", "www.telerecours.fr",
        "Montant demandé : 180,00 €", "Montant accordé : 150,00 €",
        "inférieur au montant demandé (180,00 €)", "Le loyer est en partie pris en charge.",
        "par délégation du conseil d'administration", "Michel Garnier",
        "Vice-président du CCAS", "Le 23 novembre 2026",
    ):  # fmt: skip
        assert mention in text, mention


def test_delegated_decisions_are_numbered_in_sequence(agent: User) -> None:
    numbers = []
    for name in ("Un", "Deux"):
        dossier = awaiting_delegate_decision(agent, name)
        numbers.append(
            _decide(
                agent, dossier, "decider_delegation", {"decision": "accord", "montant_accorde_cents": "180"}
            ).number
        )
    assert numbers == ["DEC2026_001", "DEC2026_002"]


def test_a_refusal_states_its_reasons_as_typed(agent: User) -> None:
    dossier = awaiting_delegate_decision(agent, "Petit")
    dossier_id = dossier.id
    tasks.complete_task(
        actor=agent,
        task_id=open_task_of(dossier_id, "decider_delegation").id,
        form={"decision": "refus", "motif": REASONS},
    )
    document = db.session.scalars(
        select(Document).where(
            Document.subject_type == "dossier", Document.subject_id == dossier_id, Document.kind == "decision"
        )
    ).one()
    text = text_of_pdf(document.content)
    assert "votre demande est refusée" in text
    assert "<script>alert('x')</script>" in text  # printed as text, never interpreted
    assert "règlement des aides facultatives du CCAS de Lettres-sur-Loire" in text


def test_a_committee_decision_is_signed_by_the_president(agent: User, make_user: Callable[..., User]) -> None:
    from scenarios.secours import EVALUATION
    from service.dossiers import service as dossiers
    from service.models import AidType
    from service.people import service as people

    person = people.create(actor=agent, identity=people.Identity(last_name="Grand", first_name="Zoé"))
    dossier = dossiers.open_request(
        actor=agent, person_id=person.id, aid_type=AidType.SECOURS_URGENCE, reason="Loyer"
    )
    tasks.complete_task(
        actor=agent,
        task_id=open_task_of(dossier.id, "evaluer").id,
        form={**EVALUATION, "montant_cents": "450"},
    )  # above the 300 € ceiling
    secretary = make_user("sophie", Role.SECRETARIAT, centre_code="ccas-lettres")
    committee_decides(secretary, {dossier: refus(3, REASONS)})
    document = db.session.scalars(
        select(Document).where(
            Document.subject_type == "dossier",
            Document.kind == "decision",
            Document.subject_id == dossier.id,
        )
    ).one()
    assert document.number == "DEL2026_001"
    text = text_of_pdf(document.content)
    assert "Délibération n° DEL2026_001 de la commission permanente du 30 novembre 2026" in text
    assert "Marie Lefèvre Présidente du CCAS" in text
    assert "par délégation" not in text
    assert "<script>alert('x')</script>" in text  # the reasons typed in session, printed as text


def test_download_for_those_who_follow_the_dossier_only(client: FlaskClient, agent: User) -> None:
    dossier = awaiting_delegate_decision(agent, "Roux")
    document = _decide(
        agent, dossier, "decider_delegation", {"decision": "accord", "montant_accorde_cents": "180"}
    )
    as_user(client, "michel")
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert f"/documents/{document.id}" in page
    response = client.get(f"/documents/{document.id}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert hashlib.sha256(response.data).hexdigest() == document.sha256

    as_user(client, "lea")  # the IT administrator does not read social files
    assert client.get(f"/documents/{document.id}").status_code == 403
    refusal = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "document.téléchargement_refusé")
    ).one()
    assert refusal.details == {"parties": [], "document": document.id}


def test_another_centre_cannot_reach_the_document(
    client: FlaskClient, agent: User, make_user: Callable[..., User]
) -> None:
    dossier = awaiting_delegate_decision(agent, "Blanc")
    document = _decide(
        agent, dossier, "decider_delegation", {"decision": "accord", "montant_accorde_cents": "180"}
    )
    other = make_centre("ccas-ailleurs", "CCAS d'Ailleurs")
    make_user("voisin", Role.INSTRUCTEUR, centre_code=other.code)
    as_user(client, "voisin")
    assert client.get(f"/documents/{document.id}").status_code == 404


def test_an_issued_document_is_never_changed(agent: User) -> None:
    dossier = awaiting_delegate_decision(agent, "Vert")
    document = _decide(
        agent, dossier, "decider_delegation", {"decision": "accord", "montant_accorde_cents": "180"}
    )
    document.title = "Autre"
    with pytest.raises(DocumentIsARecordError):
        db.session.flush()
    db.session.rollback()
