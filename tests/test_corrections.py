"""Corrections: a rectificatif is a new document linked to the one it corrects, which stays as issued."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from scenarios.committee import committee_decides, refus
from scenarios.factories import make_centre
from scenarios.secours import awaiting_delegate_decision
from service import clock
from service.committee import sessions
from service.documents import corrections
from service.errors import ConflictError, InvalidInputError, NotFoundError, PermissionDeniedError
from service.extensions import db
from service.models import AidType, AuditEvent, Centre, CommitteeSession, Document, Dossier, Role, User
from tests.aid_steps import do, open_aid, person_with_budget
from tests.conftest import csrf_token, text_of
from tests.pdf import text_of_pdf
from tests.workflow_helpers import as_user

REASON = "Adresse erronée : la personne a déménagé avant la décision."


@pytest.fixture
def centre(app: object) -> Centre:
    centre = make_centre("ccas-rectif", "CCAS de Rectif-sur-Mer")
    centre.president_name, centre.president_title = "Marie Lefèvre", "Présidente du CCAS"
    db.session.commit()
    return centre


@pytest.fixture
def agents(make_user: Callable[..., User], centre: Centre) -> dict[str, User]:
    return {
        "delegate": make_user(
            "michel", Role.ACCUEIL, Role.INSTRUCTEUR, Role.DELEGATAIRE, centre_code=centre.code,
            full_name="Michel Garnier", title="Vice-président du CCAS",
        ),
        "secretariat": make_user("sophie", Role.SECRETARIAT, centre_code=centre.code),
        "responsable": make_user("rachid", Role.RESPONSABLE, centre_code=centre.code),
        "instructeur": make_user("julien", Role.INSTRUCTEUR, centre_code=centre.code),
    }  # fmt: skip


def _delegated_letter(agents: dict[str, User]) -> tuple[Dossier, Document]:
    """A delegated grant, its letter sent to the address the person gave then."""
    dossier = awaiting_delegate_decision(agents["delegate"], "Martin")
    dossier.person.address_line, dossier.person.postal_code, dossier.person.city = (
        "12 rue des Lilas", "99999", "Rectif-sur-Mer",
    )  # fmt: skip
    db.session.commit()
    do(
        agents["delegate"],
        dossier,
        "decider_delegation",
        {"decision": "accord", "montant_accorde_cents": "180"},
    )
    return dossier, _documents_of(dossier)[0]


def _words(page: str) -> str:
    """The page's text as read: tags dropped, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", "", page).split())


def _documents_of(dossier: Dossier) -> list[Document]:
    return list(
        db.session.scalars(
            select(Document)
            .where(
                Document.subject_type == "dossier",
                Document.subject_id == dossier.id,
                Document.kind.in_(("decision", "rectificatif")),
            )
            .order_by(Document.id)
        )
    )


def test_a_correction_is_a_new_document_linked_to_the_original_which_stays_as_issued(
    agents: dict[str, User],
) -> None:
    dossier, original = _delegated_letter(agents)
    content, sha256, created_at = original.content, original.sha256, original.created_at
    assert "12 rue des Lilas" in text_of_pdf(content)
    dossier.person.address_line = "5 avenue des Pins"  # the instructor puts the address right
    db.session.commit()

    correction = corrections.correct_document(
        actor=agents["responsable"], document_id=original.id, reason=f"  {REASON}  "
    )
    db.session.expire_all()
    assert correction.corrects_id == original.id
    # Its own kind: it replaces the act, it is not a new delegated decision to report to the board.
    assert (correction.kind, correction.number) == ("rectificatif", "DEC2026_001")
    assert correction.title == f"Rectificatif — Décision DEC2026_001 — dossier {dossier.number}"
    assert correction.issue_params == original.issue_params
    assert correction.sha256 == hashlib.sha256(correction.content).hexdigest()
    assert (original.content, original.sha256, original.created_at) == (content, sha256, created_at)
    assert original.sha256 == hashlib.sha256(original.content).hexdigest()
    assert [document.id for document in _documents_of(dossier)] == [original.id, correction.id]

    text = text_of_pdf(correction.content)
    assert (
        f"Rectificatif — annule et remplace l'acte n° DEC2026_001 du 23 novembre 2026, motif : {REASON}"
    ) in text
    assert "5 avenue des Pins" in text
    assert "12 rue des Lilas" not in text
    for mention in (  # the same decision, signed as it was
        "Décision n° DEC2026_001, prise par délégation", "d'un montant de 180,00 € vous est accordé",
        "par délégation du conseil d'administration", "délibération n° DEL2026_001 du 15 janvier 2026",
        "Michel Garnier", "Vice-président du CCAS",
    ):  # fmt: skip
        assert mention in text, mention
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "document.rectificatif")).one()
    assert event.details == {"document": correction.id, "rectifie": original.id, "motif": REASON}
    # The next session is told of one delegated decision, not of two.
    next_session = CommitteeSession(centre_id=dossier.centre_id, starts_at=clock.now() + timedelta(days=7))
    assert [document.id for document in sessions.delegated_decisions(next_session)] == [original.id]


def test_a_committee_letter_is_corrected_with_its_deliberation(
    agents: dict[str, User], make_user: Callable[..., User]
) -> None:
    instructor = agents["delegate"]
    dossier = open_aid(instructor, person_with_budget(instructor, "Roux"), AidType.SECOURS_URGENCE)
    do(instructor, dossier, "evaluer", {
        "situation": "Loyer impayé.", "nature_besoin": "logement", "montant_cents": "450",
        "mode_paiement": "virement",
    })  # fmt: skip
    committee_decides(agents["secretariat"], {dossier: refus(3)})
    original = _documents_of(dossier)[0]
    # The secretariat prepared the session, whose minutes are not signed yet: it sends its letters.
    correction = corrections.correct_document(
        actor=agents["secretariat"], document_id=original.id, reason="Nom mal orthographié."
    )
    text = text_of_pdf(correction.content)
    assert "Délibération n° DEL2026_001 de la commission permanente" in text
    assert "Marie Lefèvre Présidente du CCAS" in text
    assert "votre demande est refusée" in text
    assert "motif : Nom mal orthographié." in text


def test_a_correction_needs_its_reason(agents: dict[str, User], client: FlaskClient) -> None:
    dossier, original = _delegated_letter(agents)
    with pytest.raises(InvalidInputError, match="Indiquez le motif du rectificatif"):
        corrections.correct_document(actor=agents["responsable"], document_id=original.id, reason="   ")
    as_user(client, "rachid")
    path = f"/dossiers/{dossier.id}"
    response = client.post(
        f"/documents/{original.id}/rectificatif",
        data={"motif": "", "confirme": "oui", "csrf_token": csrf_token(client, path)},
    )
    assert response.status_code == 422
    assert "Indiquez le motif du rectificatif" in text_of(response)
    assert [document.id for document in _documents_of(dossier)] == [original.id]


def test_only_the_secretariat_and_the_head_of_service_correct(
    agents: dict[str, User], client: FlaskClient
) -> None:
    dossier, original = _delegated_letter(agents)
    # The instructor and the delegate follow it but do not sign acts; the secretariat signs acts but has
    # nothing to do with this dossier (a delegated decision, no step of theirs, no session): need to know.
    for actor in (agents["instructeur"], agents["delegate"], agents["secretariat"]):
        with pytest.raises(PermissionDeniedError):
            corrections.correct_document(actor=actor, document_id=original.id, reason=REASON)
    as_user(client, "michel")  # the delegate who decided: reads the dossier, may not correct its acts
    path = f"/dossiers/{dossier.id}"
    page = text_of(client.get(path))
    assert "Émettre un rectificatif" not in page
    response = client.post(
        f"/documents/{original.id}/rectificatif",
        data={"motif": REASON, "csrf_token": csrf_token(client, path)},
    )
    assert response.status_code == 403
    as_user(client, "sophie")  # the secretariat, with no relation to the dossier: nothing of it
    refused = client.get(path)
    assert refused.status_code == 403
    assert "MARTIN" not in text_of(refused).upper()
    response = client.post(
        f"/documents/{original.id}/rectificatif",
        data={"motif": REASON, "csrf_token": csrf_token(client, "/tableau-de-bord")},
    )
    assert response.status_code == 403
    assert [document.id for document in _documents_of(dossier)] == [original.id]


def test_the_latest_document_is_the_one_to_correct_and_the_page_shows_the_chain(
    agents: dict[str, User], client: FlaskClient
) -> None:
    dossier, original = _delegated_letter(agents)
    as_user(client, "rachid")
    path = f"/dossiers/{dossier.id}"
    assert "Émettre un rectificatif" in text_of(client.get(path))
    response = client.post(
        f"/documents/{original.id}/rectificatif",
        data={"motif": REASON, "csrf_token": csrf_token(client, path)},
    )
    assert response.status_code == 200  # one click: what the rectificatif does, and nothing issued yet
    assert "un rectificatif émis ne se retire pas" in text_of(response)
    assert [document.id for document in _documents_of(dossier)] == [original.id]
    response = client.post(
        f"/documents/{original.id}/rectificatif",
        data={"motif": REASON, "confirme": "oui", "csrf_token": csrf_token(client, path)},
    )
    assert response.status_code == 302
    first = _documents_of(dossier)[1]
    with pytest.raises(ConflictError, match=f"déjà été rectifié par le document n° {first.id}"):
        corrections.correct_document(actor=agents["responsable"], document_id=original.id, reason="Autre")
    second = corrections.correct_document(
        actor=agents["responsable"], document_id=first.id, reason="Code postal erroné."
    )
    assert second.corrects_id == first.id
    assert "annule et remplace le rectificatif du 23 novembre 2026 de l'acte n° DEC2026_001" in text_of_pdf(
        second.content
    )

    html = text_of(client.get(path))
    page = _words(html)
    assert f"Rectifié par le document n° {first.id}" in page
    assert f"Rectificatif : annule et remplace le document n° {original.id}." in page
    assert f"Rectifié par le document n° {second.id}" in page
    assert page.count("Émettre un rectificatif") == 1  # only the latest may be corrected
    assert f'action="/documents/{second.id}/rectificatif"' in html


def test_only_decision_letters_with_their_parameters_are_corrected(agents: dict[str, User]) -> None:
    dossier, original = _delegated_letter(agents)
    legacy = Document(
        centre_id=dossier.centre_id, kind="decision", number="DEC2025_009", title="Ancienne décision",
        subject_type="dossier", subject_id=dossier.id, filename="decision.pdf", content=b"%PDF-",
        sha256="0" * 64, size_bytes=5, author_id=None, author_name="Reprise", created_at=original.created_at,
    )  # fmt: skip
    db.session.add(legacy)
    db.session.commit()
    with pytest.raises(InvalidInputError, match="Seules les lettres de décision"):
        corrections.correct_document(actor=agents["responsable"], document_id=legacy.id, reason=REASON)


def test_another_centres_document_is_not_found(
    agents: dict[str, User], make_user: Callable[..., User]
) -> None:
    _, original = _delegated_letter(agents)
    make_centre("ccas-autre", "CCAS d'Ailleurs")
    outsider = make_user("zoe", Role.SECRETARIAT, centre_code="ccas-autre")
    with pytest.raises(NotFoundError, match="n'existe pas dans votre centre"):
        corrections.correct_document(actor=outsider, document_id=original.id, reason=REASON)
