"""Committee papers: the convocation and the minutes, their mentions, their hash, who may read them."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from sqlalchemy import select

from scenarios.factories import delegate_power, make_centre
from service import clock
from service.committee import papers
from service.documents import service as documents
from service.errors import PermissionDeniedError
from service.extensions import db
from service.models import (
    AgendaItem,
    AidType,
    Attendance,
    AttendanceStatus,
    AuditEvent,
    Centre,
    CommitteeMember,
    CommitteeSession,
    DelegateeCapacity,
    Document,
    Dossier,
    DossierStatus,
    ItemDecision,
    ItemStatus,
    MemberKind,
    Person,
    Role,
    SessionKind,
    SessionStatus,
    User,
)
from tests.pdf import text_of_pdf

STARTS_AT = datetime(2026, 11, 27, 13, 30, tzinfo=UTC)  # a Friday, 14:30 in Paris
PARTIAL = "Le devis du garage retenu est de 800 € ; le reste relève de l'aide au permis."
FACTS = "Dette de loyer <script>alert('x')</script> déjà couverte par le FSL."


@dataclass
class Sitting:
    """A session with its agenda, attendance and members, built row by row."""

    session: CommitteeSession
    items: list[AgendaItem]
    attendance: list[Attendance]
    members: dict[int, CommitteeMember]
    delegated: list[Document]
    dossiers: dict[str, Dossier]


@pytest.fixture
def centre(app: object) -> Centre:
    centre = make_centre("ccas-seances", "CCAS de Séances-sur-Loire")
    centre.president_name, centre.president_title = "Marie Lefèvre", "Présidente du CCAS"
    centre.city = "Séances-sur-Loire"
    db.session.commit()
    return centre


@pytest.fixture
def secretary(make_user: Callable[..., User]) -> User:
    return make_user("sonia", Role.SECRETARIAT, full_name="Sonia Mercier", title="Secrétaire de séance")


@pytest.fixture
def president(make_user: Callable[..., User]) -> User:
    """The president signs the minutes; her account gives no title: the centre's record of it is printed."""
    return make_user("marie", Role.DELEGATAIRE, full_name="Marie Lefèvre")


@pytest.fixture
def sitting(centre: Centre, secretary: User, make_user: Callable[..., User]) -> Sitting:
    elected = make_user("anne", Role.ELU, full_name="Anne Durand")
    members = [
        _member(centre, "Anne Durand", MemberKind.ELU, user=elected),
        _member(centre, "Bruno Caron", MemberKind.ELU),
        _member(centre, "Chantal Roy", MemberKind.NOMME),
        _member(centre, "David Morel", MemberKind.NOMME),
        _member(centre, "Émile Faure", MemberKind.ELU),
    ]
    session = CommitteeSession(
        centre_id=centre.id, kind=SessionKind.COMMISSION_PERMANENTE, starts_at=STARTS_AT,
        place="Salle du conseil, mairie", status=SessionStatus.CONVOQUEE, created_by_id=secretary.id,
        created_at=clock.now(),
    )  # fmt: skip
    db.session.add(session)
    db.session.flush()
    dossiers = {
        "martin": _dossier(centre, secretary, "2026-0101", "Martin", "Paul", AidType.SECOURS_URGENCE),
        "petit": _dossier(centre, secretary, "2026-0102", "Petit", "Zoé", AidType.PRET_SANS_INTERET),
        "roux": _dossier(centre, secretary, "2026-0103", "Roux", "Léa", AidType.SECOURS_URGENCE),
        "blanc": _dossier(centre, secretary, "2026-0104", "Blanc", "Noé", AidType.SECOURS_URGENCE),
        "vert": _dossier(centre, secretary, "2026-0105", "Vert", "Ali", AidType.SECOURS_URGENCE),
    }
    dossiers["petit"].amount_requested_cents = 90000
    items = [
        _item(
            session, dossiers["martin"], 1, proposal_summary="Facture d'énergie", proposed_amount_cents=25000,
            decision=ItemDecision.ACCORD, amount_cents=25000, votes_for=3, votes_against=0, votes_abstain=1,
            deliberation_number="DEL2026_014",
        ),
        _item(
            session, dossiers["petit"], 2, proposal_summary="Achat d'un véhicule",
            proposed_amount_cents=90000, proposed_months=12, decision=ItemDecision.ACCORD,
            amount_cents=80000, months=10, votes_for=4, votes_against=0, votes_abstain=0,
            deliberation_number="DEL2026_015", reason_text=PARTIAL,
        ),
        _item(
            session, dossiers["roux"], 3, proposal_summary="Loyer", proposed_amount_cents=30000,
            decision=ItemDecision.REFUS, refusal_reasons=["Ressources au-dessus du barème"],
            reason_text=FACTS, votes_for=2, votes_against=1, votes_abstain=0,
            not_voting_member_ids=[members[3].id], deliberation_number="DEL2026_016",
        ),
        _item(
            session, dossiers["blanc"], 4, status=ItemStatus.RETIRE,
            status_note="Demande retirée par la personne",
        ),
        _item(
            session, dossiers["vert"], 5, decision=ItemDecision.AJOURNEMENT,
            reason_text="Fournir l'avis d'imposition 2026", votes_for=4, votes_against=0, votes_abstain=0,
            deliberation_number="DEL2026_017",
        ),
    ]  # fmt: skip
    attendance = [
        _attendance(session, members[0], AttendanceStatus.PRESENT),
        _attendance(session, members[1], AttendanceStatus.PRESENT),
        _attendance(session, members[2], AttendanceStatus.PRESENT),
        _attendance(session, members[3], AttendanceStatus.REPRESENTE, proxy=members[0]),
        _attendance(session, members[4], AttendanceStatus.ABSENT),
    ]
    delegated = Document(
        centre_id=centre.id, kind="decision", number="DEC2026_004",
        title="Décision DEC2026_004 — dossier 2026-0099", subject_type="dossier",
        subject_id=dossiers["martin"].id, filename="decision.pdf", content=b"%PDF-", sha256="0" * 64,
        size_bytes=5, author_id=secretary.id, author_name=secretary.full_name,
        created_at=datetime(2026, 11, 10, 9, 0, tzinfo=UTC),
    )  # fmt: skip
    db.session.add(delegated)
    db.session.commit()
    return Sitting(session, items, attendance, {m.id: m for m in members}, [delegated], dossiers)


def _member(centre: Centre, name: str, kind: MemberKind, *, user: User | None = None) -> CommitteeMember:
    member = CommitteeMember(
        centre_id=centre.id, full_name=name, kind=kind, user_id=user.id if user else None,
        mandate_start=date(2026, 4, 1),
    )  # fmt: skip
    db.session.add(member)
    db.session.flush()
    return member


def _dossier(centre: Centre, author: User, number: str, last: str, first: str, aid: AidType) -> Dossier:
    person = Person(
        centre_id=centre.id, last_name=last, first_name=first, search_key=f"{last} {first}".lower(),
        created_at=clock.now(),
    )  # fmt: skip
    db.session.add(person)
    db.session.flush()
    dossier = Dossier(
        centre_id=centre.id, number=number, aid_type=aid, status=DossierStatus.EN_ATTENTE_DECISION,
        person_id=person.id, opened_by_id=author.id, opened_at=clock.now(),
    )  # fmt: skip
    db.session.add(dossier)
    db.session.flush()
    return dossier


def _item(
    session: CommitteeSession, dossier: Dossier, position: int, *, status: ItemStatus = ItemStatus.INSCRIT,
    **fields: object,
) -> AgendaItem:  # fmt: skip
    item = AgendaItem(
        centre_id=session.centre_id, session=session, dossier=dossier, position=position, status=status,
        **fields,
    )  # fmt: skip
    db.session.add(item)
    db.session.flush()
    return item


def _attendance(
    session: CommitteeSession,
    member: CommitteeMember,
    status: AttendanceStatus,
    *,
    proxy: CommitteeMember | None = None,
) -> Attendance:
    row = Attendance(
        centre_id=session.centre_id, session_id=session.id, member=member, status=status,
        proxy_member_id=proxy.id if proxy else None,
    )  # fmt: skip
    db.session.add(row)
    db.session.flush()
    return row


def _convocation(sitting: Sitting, author: User, centre: Centre) -> Document:
    return papers.issue_convocation(
        session=sitting.session, author=author, centre=centre, items=sitting.items,
        members=list(sitting.members.values()), delegated=sitting.delegated,
    )  # fmt: skip


def _minutes(sitting: Sitting, author: User, centre: Centre) -> Document:
    return papers.issue_minutes(
        session=sitting.session, author=author, centre=centre, items=sitting.items,
        attendance=sitting.attendance, members_by_id=sitting.members, quorum_required=3, present_count=3,
        delegated=sitting.delegated,
    )  # fmt: skip


def test_the_convocation_carries_its_mandatory_mentions(
    sitting: Sitting, secretary: User, centre: Centre
) -> None:
    document = _convocation(sitting, secretary, centre)
    assert document.kind == "convocation"
    assert (document.subject_type, document.subject_id) == ("seance", sitting.session.id)
    assert document.title == "Convocation — Commission permanente du 27 novembre 2026"
    assert document.filename == f"convocation-seance-{sitting.session.id}.pdf"
    assert document.sha256 == hashlib.sha256(document.content).hexdigest()
    assert document.size_bytes == len(document.content)
    text = text_of_pdf(document.content)
    for mention in (
        "CCAS de Séances-sur-Loire", "Convocation", "Commission permanente",
        "vendredi 27 novembre 2026 à 14 h 30", "Salle du conseil, mairie",
        "Anne Durand", "Chantal Roy", "Membre nommé·e",
        "2026-0101", "MARTIN Paul", "2026-0102", "PETIT Zoé", "2026-0103", "ROUX Léa",
        "2026-0105", "VERT Ali",
        "250,00 €", "900,00 € sur 12 mois", "Prêt sans intérêt",
        "Décisions prises par délégation depuis la dernière séance (pour information)", "DEC2026_004",
        "10/11/2026", "au moins 3 jours francs avant la séance", "secret professionnel", "L133-5",
        "Marie Lefèvre", "Présidente du CCAS",
    ):  # fmt: skip
        assert mention in " ".join(text.split()), mention
    assert "trois jours francs" not in text  # the delay is the setting's, not the template's
    assert "2026-0104" not in text  # withdrawn before the convocation
    assert "BLANC" not in text
    assert (
        text.index("2026-0101") < text.index("2026-0102") < text.index("2026-0103") < text.index("2026-0105")
    )
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "document.émission")
    ).one()  # fmt: skip
    assert (event.subject_type, event.subject_id) == ("seance", str(sitting.session.id))


def test_a_convocation_without_delegated_decisions_says_so(
    sitting: Sitting, secretary: User, centre: Centre
) -> None:
    document = papers.issue_convocation(
        session=sitting.session, author=secretary, centre=centre, items=[], members=[], delegated=[]
    )
    text = text_of_pdf(document.content)
    assert "(pour information) Aucune." in text
    assert "Aucun dossier inscrit." in text


def test_the_minutes_record_each_deliberation(
    sitting: Sitting, secretary: User, centre: Centre, president: User
) -> None:
    document = _minutes(sitting, president, centre)
    assert document.kind == "releve_decisions"
    assert (document.subject_type, document.subject_id) == ("seance", sitting.session.id)
    assert document.title == "Relevé de décisions — Commission permanente du 27 novembre 2026"
    assert document.filename == f"releve-decisions-seance-{sitting.session.id}.pdf"
    assert document.sha256 == hashlib.sha256(document.content).hexdigest()
    text = text_of_pdf(document.content)
    for mention in (
        "Relevé de décisions", "Commission permanente", "27 novembre 2026", "Salle du conseil, mairie",
        "Présent·es : Anne Durand, Bruno Caron, Chantal Roy.",
        "David Morel (pouvoir donné à Anne Durand)", "Absent·es : Émile Faure.",
        "3 membres présents, quorum de 3 atteint",
        "Délibération n° DEL2026_014", "dossier n° 2026-0101", "MARTIN Paul",
        "Accord, montant accordé : 250,00 €",
        "Pour : 3, contre : 0, abstention : 1",
        "Délibération n° DEL2026_015",
        "Accord partiel, montant accordé : 800,00 € sur 10 mois (montant demandé : 900,00 €)",
        "Motifs de l'accord partiel", "le reste relève de l'aide au permis",
        "Délibération n° DEL2026_016", "Refus", "Ressources au-dessus du barème", "Faits pris en compte",
        "déjà couverte par le FSL", "Pour : 2, contre : 1, abstention : 0",
        "David Morel n'a pas pris part au vote",
        "Délibération n° DEL2026_017", "Ajournement", "Fournir l'avis d'imposition 2026",
        "Dossiers retirés ou reportés", "2026-0104", "Demande retirée par la personne",
        "DEC2026_004", "Signé le 23 novembre 2026", "Marie Lefèvre", "Présidente du CCAS",
        "secret professionnel (article L133-5 du code de l'action sociale et des familles)",
    ):  # fmt: skip
        assert mention in text, mention
    assert "<script>alert('x')</script>" in text  # typed text prints as text, never interpreted
    deliberations = text[: text.index("Dossiers retirés ou reportés")]
    assert "2026-0104" not in deliberations


def test_the_minutes_are_signed_on_the_signing_day(
    sitting: Sitting, secretary: User, centre: Centre, president: User
) -> None:
    sitting.session.signed_at = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    db.session.flush()
    text = text_of_pdf(_minutes(sitting, president, centre).content)
    assert "Signé le 1er décembre 2026" in text


def test_the_minutes_name_the_vice_president_who_signs_them(
    sitting: Sitting, centre: Centre, make_user: Callable[..., User]
) -> None:
    """Signed by a vice-president by delegation, the minutes print his name and capacity, not the president's
    (L212-1 CRPA: the author's name and quality in legible characters)."""
    vice = make_user("michel", Role.DELEGATAIRE, full_name="Michel Garnier", delegation=False)
    delegate_power(vice, capacity=DelegateeCapacity.VICE_PRESIDENT)
    text = text_of_pdf(_minutes(sitting, vice, centre).content)
    signature = text[text.index("Signé le") :]
    assert "Michel Garnier Vice-président·e" in signature
    assert "Marie Lefèvre" not in signature


def test_a_session_lists_its_documents_by_date(
    sitting: Sitting, secretary: User, centre: Centre, president: User
) -> None:
    convocation = _convocation(sitting, secretary, centre)
    minutes = _minutes(sitting, president, centre)
    found = documents.documents_of_session(session_id=sitting.session.id, centre_id=centre.id)
    assert [document.id for document in found] == [convocation.id, minutes.id]
    assert documents.documents_of_session(session_id=sitting.session.id, centre_id=centre.id + 1) == []


def test_session_papers_are_for_the_secretariat_and_members_in_office(
    sitting: Sitting, secretary: User, centre: Centre, make_user: Callable[..., User]
) -> None:
    document_id = _convocation(sitting, secretary, centre).id
    db.session.commit()
    member_user = db.session.scalars(select(User).where(User.username == "anne")).one()
    head = make_user("rachid", Role.RESPONSABLE)
    assert documents.download(actor=secretary, document_id=document_id).id == document_id
    assert documents.download(actor=member_user, document_id=document_id).id == document_id
    assert documents.download(actor=head, document_id=document_id).id == document_id

    instructor = make_user("ines", Role.INSTRUCTEUR, Role.ACCUEIL)
    outsider = make_user("eric", Role.ELU)  # an elected user who does not sit on the board
    former = make_user("fanny", Role.ELU)
    db.session.add(
        CommitteeMember(
            centre_id=centre.id, full_name="Fanny Leroy", kind=MemberKind.ELU, user_id=former.id,
            mandate_start=date(2020, 4, 1), mandate_end=date(2026, 3, 31),
        )
    )  # fmt: skip
    db.session.commit()
    for actor in (instructor, outsider, former):
        with pytest.raises(PermissionDeniedError):
            documents.download(actor=actor, document_id=document_id)
    refusals = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "document.téléchargement_refusé")
    ).all()
    assert [(event.actor_name, event.subject_type) for event in refusals] == [
        ("Ines", "seance"),
        ("Eric", "seance"),
        ("Fanny", "seance"),
    ]
    assert all(event.details == {"parties": [], "document": document_id} for event in refusals)


def test_dossier_documents_keep_their_rule(sitting: Sitting, make_user: Callable[..., User]) -> None:
    instructor = make_user("ines", Role.INSTRUCTEUR)
    sitting.dossiers["martin"].instructor_id = instructor.id  # she instructs the dossier: she follows it
    db.session.commit()
    delegated_id = sitting.delegated[0].id
    assert documents.download(actor=instructor, document_id=delegated_id).id == delegated_id
    # Listed for information at the session, a delegated decision stays the dossier's: a colleague who does
    # not follow it and the IT administrator are refused.
    for outsider in (make_user("jules", Role.INSTRUCTEUR), make_user("lea", Role.ADMIN)):
        with pytest.raises(PermissionDeniedError):
            documents.download(actor=outsider, document_id=delegated_id)


def test_the_clear_days_of_the_convocation_come_from_the_setting(
    app: Flask, sitting: Sitting, secretary: User, centre: Centre
) -> None:
    settings = app.extensions["entraide.settings"]
    app.extensions["entraide.settings"] = dataclasses.replace(settings, COMMISSION_CONVOCATION_CLEAR_DAYS=5)
    text = " ".join(text_of_pdf(_convocation(sitting, secretary, centre).content).split())
    assert "au moins 5 jours francs avant la séance" in text


def test_the_minutes_report_the_delegated_decisions_with_aid_outcome_and_amount(
    sitting: Sitting, secretary: User, centre: Centre, president: User
) -> None:
    reported = sitting.dossiers["martin"]
    reported.decision, reported.amount_granted_cents = "accord", 12000
    db.session.flush()
    text = " ".join(text_of_pdf(_minutes(sitting, president, centre).content).split())
    section = text[text.index("Décisions prises par délégation depuis la dernière séance") :]
    for mention in (
        "DEC2026_004",
        "10/11/2026",
        "2026-0101",
        "Secours d'urgence",
        "Accord",
        "120,00 €",
    ):
        assert mention in section, mention
    assert "Accord partiel" not in section  # nothing was asked for beyond it
    reported.amount_requested_cents = 15000  # a grant below the request: the board is told it is partial
    db.session.flush()
    for paper in (_minutes(sitting, president, centre), _convocation(sitting, secretary, centre)):
        text = " ".join(text_of_pdf(paper.content).split())
        section = text[text.index("Décisions prises par délégation depuis la dernière séance") :]
        # The table's one row, its cells' words wrapped over lines as the layout prints them.
        row = section.split("Montant", 1)[1].split()[:9]
        assert {"Accord", "partiel", "2026-0101", "120,00"} <= set(row), row
