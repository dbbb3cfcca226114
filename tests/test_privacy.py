"""The person's rights: retention pseudonymises files without contact and destroys documents past their
archival period (each run audited, a dry run listing what would go); the export hands over everything held."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from scenarios.secours import EVALUATION
from service import doctor
from service.clock import TravellingClock
from service.documents import service as documents
from service.errors import NotFoundError
from service.extensions import db
from service.models import (
    AidType,
    AuditEvent,
    Document,
    Dossier,
    DossierStatus,
    MailStatus,
    OutboxMessage,
    Person,
    Relationship,
    Role,
    User,
)
from service.people import service as people
from service.privacy import retention
from tests.aid_steps import NOTIFIED, do, open_aid, person_with_budget
from tests.conftest import START, text_of
from tests.test_documents import text_of_pdf
from tests.workflow_helpers import as_user

PAID = {"mode_paiement": "bon", "montant_verse_cents": "150,00", "reference": "BON-0042"}


@pytest.fixture
def team(make_user: Callable[..., User]) -> dict[str, User]:
    return {
        "agent": make_user("julien", Role.ACCUEIL, Role.INSTRUCTEUR, full_name="Julien Marchand"),
        "delegate": make_user("michel", Role.DELEGATAIRE, full_name="Michel Garnier"),
        "regisseur": make_user("paul", Role.REGISSEUR, full_name="Paul Henry"),
        "responsable": make_user("claire", Role.RESPONSABLE, full_name="Claire Dumont"),
    }


def _paid_relief(team: dict[str, User], last_name: str = "Aubert") -> Dossier:
    """Urgent relief granted under delegation (its decision letter issued), notified, paid: closed."""
    agent = team["agent"]
    dossier = open_aid(agent, person_with_budget(agent, last_name), AidType.SECOURS_URGENCE, "Facture EDF")
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
    do(team["regisseur"], dossier, "payer", PAID)
    db.session.expire_all()
    assert dossier.status is DossierStatus.VERSE
    assert dossier.closed_at is not None
    return dossier


def _dry_run(app: Flask) -> str:
    result = app.test_cli_runner().invoke(args=["retention", "--dry-run"])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_dry_run_lists_a_person_once_their_last_contact_is_older_than_the_setting(
    app: Flask, team: dict[str, User], travel: TravellingClock
) -> None:
    dossier = _paid_relief(team)
    person_id = dossier.person_id
    registered = people.create(
        actor=team["agent"],
        identity=people.Identity(last_name="Blanc", first_name="Noé"),
        confirm_duplicate=True,
    )
    listed = f"Personne n° {person_id} "
    travel.advance(timedelta(days=365 * 2 - 1))
    assert listed not in _dry_run(app)  # two years are not over yet
    people.add_member(  # Noé's file changes: a contact, which moves his own date, not Aubert's
        actor=team["agent"],
        person_id=registered.id,
        first_name="Léo",
        last_name="Blanc",
        birth_date=date(2015, 1, 2),
        relationship=Relationship.ENFANT,
    )
    travel.advance(timedelta(days=3))
    output = _dry_run(app)
    assert f"{listed}(centre {dossier.centre_id}) : dernier contact le 23/11/2026" in output
    assert f"dossiers : {dossier.number}" in output
    assert f"Personne n° {registered.id} " not in output  # his last contact is three days old
    assert (
        "Simulation, rien n'est changé : 1 fiche(s) à pseudonymiser, 0 document(s) à détruire, "
        "0 courriel(s) à effacer." in output
    )
    db.session.expire_all()
    person = db.session.get(Person, person_id)
    assert person is not None
    assert person.last_name == "Aubert"
    assert person.pseudonymised_at is None
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "conservation.passage")).all()[
        -1
    ]
    assert event.details["simulation"] is True
    assert event.details["personnes"] == [person_id]
    assert event.actor_name == "système"


def test_an_open_dossier_keeps_the_file_active_whatever_its_age(
    app: Flask, team: dict[str, User], travel: TravellingClock
) -> None:
    agent = team["agent"]
    dossier = open_aid(agent, person_with_budget(agent, "Vert"), AidType.SECOURS_URGENCE)
    travel.advance(timedelta(days=365 * 5))
    assert f"Personne n° {dossier.person_id} " not in _dry_run(app)


def test_a_run_pseudonymises_keeps_the_figures_and_destroys_documents_past_their_archival_period(
    app: Flask, team: dict[str, User], travel: TravellingClock
) -> None:
    dossier = _paid_relief(team)
    person = db.session.get(Person, dossier.person_id)
    assert person is not None
    person.postal_code, person.city, person.phone = "45999", "Saint-Aubin", "06 12 34 56 78"
    sent = OutboxMessage(
        centre_id=dossier.centre_id, kind="atelier", recipients=["camille@exemple.fr"],
        subject="Rappel : atelier Budget", body_text="Bonjour Camille Aubert,", body_html="<p>Bonjour</p>",
        status=MailStatus.SENT, next_attempt_at=START, created_at=START, sent_at=START, message_id="<1@x>",
    )  # fmt: skip
    db.session.add(sent)
    db.session.commit()
    sent_id = sent.id
    receipt, letter = db.session.scalars(
        select(Document).where(Document.subject_id == dossier.id).order_by(Document.id)
    ).all()  # the acknowledgement of receipt at filing, then the decision
    assert (receipt.kind, letter.kind) == ("accuse_reception", "decision")
    issued_sha256 = letter.sha256
    travel.advance(timedelta(days=365 * 2 + 2))  # 2028 has a 29 February
    report = retention.run()
    assert [person.person_id for person in report.plan.people] == [dossier.person_id]
    assert report.plan.documents == []  # issued two years ago: still within the archival period
    assert report.plan.mail == {dossier.centre_id: 1}
    assert db.session.scalars(select(OutboxMessage).where(OutboxMessage.id == sent_id)).all() == []
    db.session.expire_all()
    person = db.session.get(Person, dossier.person_id)
    assert person is not None
    assert (person.postal_code, person.city, person.quartier_id) == ("", "", None)  # the quartier would stay
    assert (person.last_name, person.first_name, person.phone, person.address_line) == (
        "Pseudonyme",
        f"n° {person.id}",
        "",
        "",
    )
    assert person.pseudonymised_at == START + timedelta(days=365 * 2 + 2)
    assert people.search(actor=team["agent"], query="Aubert") == []
    assert (dossier.amount_granted_cents, dossier.amount_paid_cents, dossier.payment_reference) == (
        15000,
        15000,
        "BON-0042",
    )  # the figures and the accounting stay
    assert (dossier.reason, dossier.situation) == ("", "")  # the free texts of the social file go
    assert [line.monthly_amount_cents for line in person.budget_lines] == [60000, 45000]
    assert letter.erased_at is None

    travel.set(datetime(2036, 11, 24, 8, 0, tzinfo=UTC))  # ten years and a day after the letter
    report = retention.run()
    assert report.plan.people == []  # already pseudonymised
    assert [document.document_id for document in report.plan.documents] == [receipt.id, letter.id]
    db.session.expire_all()
    assert letter.erased_at is not None
    assert letter.content == b""
    assert (letter.number, letter.sha256) == ("DEC2026_001", issued_sha256)  # its register line stays
    with pytest.raises(NotFoundError, match="détruit le"):
        documents.download(actor=team["responsable"], document_id=letter.id)
    assert not doctor.examine()  # a destroyed document is not a corrupted one, and the DEC series has no gap
    runs = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "conservation.passage")).all()
    assert [(run.details["fiches_pseudonymisées"], run.details["documents_détruits"]) for run in runs] == [
        (1, 0),
        (0, 2),
    ]
    assert db.session.scalars(
        select(AuditEvent.subject_id).where(AuditEvent.action == "personne.pseudonymisation")
    ).all() == [str(person.id)]


def test_the_scheduled_job_is_declared_and_runs_the_retention(
    app: Flask, team: dict[str, User], travel: TravellingClock
) -> None:
    from service.scheduling.jobs import JOBS

    job = next(job for job in JOBS if job.id == "apply_retention")
    assert job.trigger == "cron"
    dossier = _paid_relief(team)
    travel.advance(timedelta(days=365 * 3))
    assert job.run() == "1 fiche(s) pseudonymisée(s), 0 document(s) détruit(s), 0 courriel(s) effacé(s)"
    db.session.expire_all()
    person = db.session.get(Person, dossier.person_id)
    assert person is not None
    assert person.pseudonymised_at is not None


def test_the_head_of_service_exports_everything_held_about_the_person(
    client: FlaskClient, team: dict[str, User]
) -> None:
    dossier = _paid_relief(team, "Lemoine")
    receipt, letter = db.session.scalars(
        select(Document).where(Document.subject_id == dossier.id).order_by(Document.id)
    ).all()  # the acknowledgement of receipt at filing, then the decision
    assert (receipt.kind, letter.kind) == ("accuse_reception", "decision")
    path = f"/personnes/{dossier.person_id}/donnees.zip"
    for username in ("julien", "michel", "paul"):  # they follow it, but the export is the head's
        as_user(client, username)
        assert client.get(path).status_code == 403
    as_user(client, "claire")
    page = text_of(client.get(f"/personnes/{dossier.person_id}"))
    assert "Exporter tout ce qui est détenu sur la personne" in page
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert f"donnees-personne-{dossier.person_id}-2026-11-23.zip" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = set(archive.namelist())
    assert {"donnees.json", "donnees.pdf", f"documents/{letter.id}-{letter.filename}"} <= names
    assert archive.read(f"documents/{letter.id}-{letter.filename}") == letter.content
    held = json.loads(archive.read("donnees.json"))
    assert (held["personne"]["nom"], held["personne"]["prénom"]) == ("Lemoine", "Camille")
    assert held["budget"]["ressources_cents"] == 60000
    [exported] = held["dossiers"]
    assert exported["numéro"] == dossier.number
    assert exported["décision"]["décision"] == "accord"
    assert exported["décision"]["montant_accordé_cents"] == 15000
    assert exported["paiement"]["référence"] == "BON-0042"
    assert exported["documents"] == [receipt.id, letter.id]
    assert [document["numéro"] for document in held["documents"]] == ["", "DEC2026_001"]
    assert any(read["par"] == "Claire Dumont" for read in held["consultations"])  # her look at the file
    text = text_of_pdf(archive.read("donnees.pdf"))
    for expected in (
        "LEMOINE Camille",
        dossier.number,
        "DEC2026_001",
        "BON-0042",
        "23 novembre 2026",
        "Consultations",
        "Ressource",
        "Charge",
    ):
        assert expected in text, expected
    assert "part(s)" not in text
    assert re.search(r"\(\d+(,\d+)? parts?\)", text), text  # one part, 1,5 part, two parts
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "personne.export")).one()
    assert (event.actor_name, event.subject_id, event.details["documents"]) == (
        "Claire Dumont",
        str(dossier.person_id),
        2,
    )


def test_the_person_page_shows_its_consultations_to_the_head_of_service_only(
    client: FlaskClient, team: dict[str, User]
) -> None:
    dossier = _paid_relief(team, "Roux")
    as_user(client, "paul")
    assert client.get(f"/dossiers/{dossier.id}").status_code == 200  # the régisseur reads the payment
    as_user(client, "julien")
    page = text_of(client.get(f"/personnes/{dossier.person_id}"))
    assert "ROUX Camille" in page
    assert "Consultations" not in page
    as_user(client, "claire")
    page = text_of(client.get(f"/personnes/{dossier.person_id}"))
    assert "Consultations" in page
    assert "Paul Henry" in page
    assert "identité, paiement" in page
    assert "Julien Marchand" in page
    assert "Consultation de la fiche de la personne" in page


def test_retention_and_archive_periods_are_settings(app: Flask) -> None:
    from service.config import current_settings

    settings = current_settings()
    assert (settings.RETENTION_YEARS, settings.DOCUMENT_ARCHIVE_YEARS) == (2, 10)
    assert retention.plan(START).contact_before == datetime(2024, 11, 23, 8, 0, tzinfo=UTC)
