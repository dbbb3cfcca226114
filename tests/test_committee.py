"""The committee: a session from its agenda to the decisions flowing back into the dossiers."""

from __future__ import annotations

import email
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import Message

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from scenarios.committee import (
    PARIS,
    accord,
    all_present,
    convened,
    item_of,
    members,
    next_week,
    refus,
    sit_on_its_day,
)
from service.clock import TravellingClock
from service.committee import closing, sessions, sitting
from service.config import current_settings
from service.documents import batches
from service.engine import runtime
from service.errors import ConflictError, InvalidInputError, NotFoundError, PermissionDeniedError
from service.extensions import db
from service.models import (
    AidType,
    AttendanceStatus,
    CommitteeMember,
    Counter,
    Document,
    Dossier,
    DossierStatus,
    ItemDecision,
    ItemStatus,
    LetterBatch,
    OutboxMessage,
    PendingLetter,
    ProcessInstance,
    Role,
    SessionKind,
    SessionStatus,
    User,
)
from service.notifications import smtp
from tests.aid_steps import NOTIFIED, do, instance_of, open_aid, open_tasks, person_with_budget
from tests.conftest import csrf_token, text_of
from tests.pdf import text_of_pdf
from tests.test_pret_sans_interet import STUDY
from tests.workflow_helpers import as_user

RELIEF = {
    "situation": "Facture d'énergie impayée, coupure annoncée.",
    "nature_besoin": "energie",
    "montant_cents": "450",
    "mode_paiement": "virement",
}

CAPPED = "Le dépôt de garantie est plafonné à 800 € par le règlement."


@pytest.fixture
def agents(make_user: Callable[..., User]) -> dict[str, User]:
    return {
        "accueil": make_user("nadia", Role.ACCUEIL),
        "instructeur": make_user("julien", Role.INSTRUCTEUR),
        "secretariat": make_user("sophie", Role.SECRETARIAT),
        "president": make_user("michel", Role.DELEGATAIRE, full_name="Michel Garnier"),
        "elu": make_user("aicha", Role.ELU, full_name="Aïcha Diallo"),
        "autre_elu": make_user("bruno", Role.ELU),
    }


@pytest.fixture
def board(agents: dict[str, User]) -> list[CommitteeMember]:
    """Three members in office; Aïcha and the president read their agendas with their own accounts."""
    created = members(agents["secretariat"].centre_id)
    created[0].user_id = agents["elu"].id
    created[1].user_id = agents["president"].id  # who signs the minutes sits on the board
    db.session.commit()
    return created


def _loan(agents: dict[str, User], name: str = "Martin") -> Dossier:
    dossier = open_aid(
        agents["accueil"], person_with_budget(agents["instructeur"], name), AidType.PRET_SANS_INTERET
    )
    do(agents["instructeur"], dossier, "etudier_budget", STUDY)
    return dossier


def _relief(agents: dict[str, User], name: str = "Petit") -> Dossier:
    dossier = open_aid(
        agents["accueil"], person_with_budget(agents["instructeur"], name), AidType.SECOURS_URGENCE
    )
    do(agents["instructeur"], dossier, "evaluer", RELIEF)  # 450 €: above the 300 € delegation ceiling
    return dossier


def _letter(dossier: Dossier) -> Document:
    return db.session.scalars(
        select(Document).where(
            Document.kind == "decision", Document.subject_type == "dossier", Document.subject_id == dossier.id
        )
    ).one()


def test_a_loan_and_an_above_ceiling_relief_go_to_the_committee_and_back(
    agents: dict[str, User], board: list[CommitteeMember]
) -> None:
    secretary = agents["secretariat"]
    loan, relief = _loan(agents), _relief(agents)
    assert open_tasks(loan) == open_tasks(relief) == []
    assert [d.id for d in sessions.waiting_dossiers(secretary.centre_id)] == [relief.id, loan.id]  # by aid

    session = convened(secretary)
    agenda = sessions.agenda(session)
    assert [item.dossier_id for item in agenda] == [relief.id, loan.id]
    assert (agenda[1].proposed_amount_cents, agenda[1].proposed_months) == (90000, 9)
    assert agenda[1].proposal_summary == STUDY["situation"]
    assert sessions.waiting_dossiers(secretary.centre_id) == []  # on an open session's agenda

    all_present(secretary, session)
    sitting.record_vote(actor=secretary, session_id=session.id, item_id=agenda[0].id, vote=refus(3))
    with pytest.raises(InvalidInputError, match="Un accord partiel doit être motivé"):  # 800 € of 900 asked
        sitting.record_vote(
            actor=secretary, session_id=session.id, item_id=agenda[1].id, vote=accord(80000, 3, 8)
        )
    sitting.record_vote(
        actor=secretary, session_id=session.id, item_id=agenda[1].id,
        vote=accord(80000, 3, 8, reasons="Le dépôt de garantie est plafonné à 800 € par le règlement."),
    )  # fmt: skip
    closing.close_session(actor=secretary, session_id=session.id)
    batches.print_letter_batches()

    db.session.expire_all()
    assert [item.deliberation_number for item in agenda] == ["DEL2026_001", "DEL2026_002"]
    assert relief.status is DossierStatus.REFUSE
    assert relief.decision_reason.startswith("Ressources supérieures")
    assert (loan.status, loan.amount_granted_cents) == (DossierStatus.ACCORDE, 80000)
    assert open_tasks(relief) == open_tasks(loan) == ["notifier"]
    assert instance_of(loan).awaiting_message is None
    loan_letter = text_of_pdf(_letter(loan).content)
    assert "DEL2026_002" in loan_letter
    assert "Montant demandé : 900,00 € Montant accordé : 800,00 €" in loan_letter
    assert "Le dépôt de garantie est plafonné à 800 € par le règlement." in loan_letter
    assert "Délibération n° DEL2026_001" in text_of_pdf(_letter(relief).content)
    assert session.status is SessionStatus.CLOSE

    do(agents["instructeur"], loan, "notifier", NOTIFIED)
    do(secretary, loan, "etablir_contrat", {"premiere_echeance": "2027-01-05"})  # 8 months, as voted
    assert db.session.scalars(select(Document).where(Document.kind == "contrat_pret")).one()
    minutes = closing.sign_minutes(actor=agents["president"], session_id=session.id)
    minutes_text = text_of_pdf(minutes.content)
    assert "DEL2026_001" in minutes_text
    assert "DEL2026_002" in minutes_text
    assert session.status is SessionStatus.SIGNEE


def test_the_convocation_reaches_every_member_with_the_session_as_ical(
    agents: dict[str, User], board: list[CommitteeMember]
) -> None:
    loan = _loan(agents, "Lemoine")
    session = convened(agents["secretariat"])
    mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "convocation")).all()
    assert sorted(address for mail in mails for address in mail.recipients) == sorted(m.email for m in board)
    mail = mails[0]
    assert loan.number in mail.body_text  # numbers, never names, by mail
    assert "LEMOINE" not in mail.body_text
    built: Message = email.message_from_bytes(smtp.build(mail, current_settings()).as_bytes())
    invitation = next(part for part in built.walk() if part.get_filename() == f"seance-{session.id}.ics")
    ics = invitation.get_payload(decode=True).decode()
    assert "DTSTART:20261130T170000Z" in ics  # 18:00 in Paris, in winter
    assert "Salle du conseil" in ics
    convocation = db.session.scalars(select(Document).where(Document.kind == "convocation")).one()
    assert "LEMOINE" in text_of_pdf(convocation.content)  # the printed agenda, for members only


def test_a_late_convocation_is_refused_and_nothing_is_sent(
    agents: dict[str, User], board: list[CommitteeMember]
) -> None:
    secretary = agents["secretariat"]
    thursday = datetime(2026, 11, 26, 18, 0, tzinfo=PARIS)  # today is Monday 23: two clear days only
    session = sessions.plan_session(
        actor=secretary, kind=SessionKind.COMMISSION_PERMANENTE, starts_at=thursday, place="Mairie"
    )
    sessions.settle_agenda(actor=secretary, session_id=session.id)
    with pytest.raises(
        InvalidInputError, match=r"au moins 3 jours francs .* au plus tard le 22 novembre 2026"
    ):
        sessions.convene(actor=secretary, session_id=session.id)
    db.session.expire_all()
    assert session.status is SessionStatus.PREPARATION
    assert session.convoked_at is None
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert sessions.open_step(session).task_name == "convoquer"

    friday = datetime(2026, 11, 27, 9, 0, tzinfo=PARIS)  # three clear days: 24, 25, 26
    assert sessions.convocation_deadline(friday).date().isoformat() == "2026-11-23"


def test_no_vote_without_quorum(agents: dict[str, User], board: list[CommitteeMember]) -> None:
    secretary = agents["secretariat"]
    loan = _loan(agents)
    session = convened(secretary)
    sit_on_its_day(session)
    one_present = {
        board[0].id: (AttendanceStatus.PRESENT, None),
        board[1].id: (AttendanceStatus.REPRESENTE, board[0].id),
    }
    state = sitting.record_attendance(actor=secretary, session_id=session.id, presence=one_present)
    assert (state.present, state.required, state.reached) == (1, 2, False)  # a proxy is no presence
    with pytest.raises(InvalidInputError, match="Le quorum n'est pas atteint"):
        sitting.record_vote(
            actor=secretary,
            session_id=session.id,
            item_id=item_of(session, loan).id,
            vote=accord(90000, 2, 9),
        )
    assert item_of(session, loan).decision is None
    with pytest.raises(InvalidInputError, match="doit être voté, retiré ou reporté"):
        closing.close_session(actor=secretary, session_id=session.id)


def test_a_proxy_goes_to_one_present_member(agents: dict[str, User], board: list[CommitteeMember]) -> None:
    secretary = agents["secretariat"]
    session = convened(secretary)
    sit_on_its_day(session)
    a, b, c = (member.id for member in board)
    with pytest.raises(InvalidInputError, match="doit être donné à un membre présent"):
        sitting.record_attendance(
            actor=secretary,
            session_id=session.id,
            presence={a: (AttendanceStatus.REPRESENTE, b), b: (AttendanceStatus.ABSENT, None)},
        )
    with pytest.raises(InvalidInputError, match="un seul pouvoir par membre"):
        sitting.record_attendance(
            actor=secretary,
            session_id=session.id,
            presence={
                a: (AttendanceStatus.PRESENT, None),
                b: (AttendanceStatus.REPRESENTE, a),
                c: (AttendanceStatus.REPRESENTE, a),
            },
        )


def test_an_interested_member_is_excluded_from_the_counts(
    agents: dict[str, User], board: list[CommitteeMember]
) -> None:
    secretary = agents["secretariat"]
    loan = _loan(agents)
    session = convened(secretary)
    all_present(secretary, session)
    item = item_of(session, loan)
    interested = board[2].id
    with pytest.raises(InvalidInputError, match="doivent faire 2, pas 3"):
        sitting.record_vote(
            actor=secretary,
            session_id=session.id,
            item_id=item.id,
            vote=sitting.Vote(ItemDecision.ACCORD, 90000, 9, [], "", 3, 0, 0, [interested]),
        )
    sitting.record_vote(
        actor=secretary,
        session_id=session.id,
        item_id=item.id,
        vote=sitting.Vote(ItemDecision.ACCORD, 90000, 9, [], "", 1, 0, 1, [interested]),
    )
    assert (item.votes_for, item.votes_against, item.votes_abstain) == (1, 0, 1)
    assert item.not_voting_member_ids == [interested]
    closing.close_session(actor=secretary, session_id=session.id)
    minutes = closing.sign_minutes(actor=agents["president"], session_id=session.id)
    assert f"{board[2].full_name} n'a pas pris part au vote" in text_of_pdf(minutes.content)


def test_a_refusal_needs_listed_reasons_and_facts(
    agents: dict[str, User], board: list[CommitteeMember]
) -> None:
    secretary = agents["secretariat"]
    relief = _relief(agents)
    session = convened(secretary)
    all_present(secretary, session)
    item = item_of(session, relief)
    for reasons, facts in (
        ([], "Des faits précis et vérifiés."),
        (["Un motif inventé"], "Des faits précis."),
        (["Plafond annuel d'aide du foyer atteint"], ""),
    ):
        with pytest.raises(InvalidInputError, match="Un refus doit être motivé"):
            sitting.record_vote(
                actor=secretary,
                session_id=session.id,
                item_id=item.id,
                vote=sitting.Vote(ItemDecision.REFUS, None, None, reasons, facts, 3, 0, 0, []),
            )
    assert item.decision is None


def test_a_dossier_withdrawn_after_the_convocation_waits_for_the_next_session(
    agents: dict[str, User], board: list[CommitteeMember]
) -> None:
    secretary = agents["secretariat"]
    loan, relief = _loan(agents), _relief(agents)
    session = convened(secretary)
    sessions.set_aside(
        actor=secretary,
        session_id=session.id,
        item_id=item_of(session, relief).id,
        status=ItemStatus.RETIRE,
        note="La facture a été réglée par le fournisseur.",
    )
    all_present(secretary, session)
    sitting.record_vote(
        actor=secretary, session_id=session.id, item_id=item_of(session, loan).id, vote=accord(90000, 3, 9)
    )
    with pytest.raises(NotFoundError, match=r"n.est pas \(ou plus\) à l'ordre du jour"):
        sitting.record_vote(
            actor=secretary, session_id=session.id, item_id=item_of(session, relief).id, vote=refus(3)
        )
    closing.close_session(actor=secretary, session_id=session.id)

    db.session.expire_all()
    assert relief.status is DossierStatus.EN_ATTENTE_DECISION
    assert relief.decision == ""
    assert instance_of(relief).awaiting_message == "decision_commission"
    assert [d.id for d in sessions.waiting_dossiers(secretary.centre_id)] == [relief.id]
    assert loan.status is DossierStatus.ACCORDE


def test_closing_twice_is_refused(agents: dict[str, User], board: list[CommitteeMember]) -> None:
    secretary = agents["secretariat"]
    loan = _loan(agents)
    session = convened(secretary)
    all_present(secretary, session)
    sitting.record_vote(
        actor=secretary, session_id=session.id, item_id=item_of(session, loan).id, vote=accord(90000, 3, 9)
    )
    closing.close_session(actor=secretary, session_id=session.id)
    letters = db.session.scalar(select(func.count()).select_from(Document).where(Document.kind == "decision"))
    with pytest.raises(ConflictError, match="Cette séance est déjà close"):
        closing.close_session(actor=secretary, session_id=session.id)
    assert (
        db.session.scalar(select(func.count()).select_from(Document).where(Document.kind == "decision"))
        == letters
    )
    assert db.session.scalar(select(func.count()).select_from(PendingLetter)) == 1  # queued once
    assert item_of(session, loan).deliberation_number == "DEL2026_001"


def test_a_crash_during_closing_leaves_no_dossier_half_moved(
    agents: dict[str, User], board: list[CommitteeMember], monkeypatch: pytest.MonkeyPatch
) -> None:
    secretary = agents["secretariat"]
    relief, loan = _relief(agents), _loan(agents)
    session = convened(secretary)
    all_present(secretary, session)
    sitting.record_vote(
        actor=secretary, session_id=session.id, item_id=item_of(session, relief).id, vote=refus(3)
    )
    sitting.record_vote(
        actor=secretary, session_id=session.id, item_id=item_of(session, loan).id, vote=accord(90000, 3, 9)
    )
    before = {d.id: (instance_of(d).revision, instance_of(d).state) for d in (relief, loan)}
    deliver = runtime.deliver
    delivered: list[int] = []

    def crash_on_the_second(instance: ProcessInstance, **kwargs: object) -> runtime.Advance:
        if delivered:
            raise RuntimeError("panne du serveur au milieu de la clôture")
        delivered.append(instance.id)
        return deliver(instance, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(runtime, "deliver", crash_on_the_second)
    with pytest.raises(RuntimeError):
        closing.close_session(actor=secretary, session_id=session.id)
    assert delivered  # the first dossier had moved, in the transaction that was then undone

    db.session.expire_all()
    assert {d.id: (instance_of(d).revision, instance_of(d).state) for d in (relief, loan)} == before
    assert relief.decision == loan.decision == ""
    assert relief.status is loan.status is DossierStatus.EN_ATTENTE_DECISION
    assert session.status is SessionStatus.CONVOQUEE
    assert session.closed_at is None
    assert [item.deliberation_number for item in sessions.agenda(session)] == ["", ""]
    assert (
        db.session.scalar(select(func.count()).select_from(Document).where(Document.kind == "decision")) == 0
    )
    assert db.session.scalar(select(func.count()).select_from(LetterBatch)) == 0
    assert db.session.scalar(select(func.count()).select_from(PendingLetter)) == 0
    assert db.session.scalars(select(Counter).where(Counter.series == "DEL")).first() is None

    monkeypatch.setattr(
        runtime, "deliver", deliver
    )  # the server is back: closing goes through, numbered from 1
    closing.close_session(actor=secretary, session_id=session.id)
    assert [item.deliberation_number for item in sessions.agenda(session)] == ["DEL2026_001", "DEL2026_002"]


def test_an_adjourned_dossier_goes_back_to_its_instructor_then_to_a_later_session(
    agents: dict[str, User], board: list[CommitteeMember], travel: object
) -> None:
    secretary = agents["secretariat"]
    loan = _loan(agents)
    session = convened(secretary)
    all_present(secretary, session)
    request = "Fournir l'attestation de la caisse d'allocations familiales sur l'aide au logement."
    sitting.record_vote(
        actor=secretary,
        session_id=session.id,
        item_id=item_of(session, loan).id,
        vote=sitting.Vote(ItemDecision.AJOURNEMENT, None, None, [], request, 2, 0, 1, []),
    )
    closing.close_session(actor=secretary, session_id=session.id)
    batches.print_letter_batches()
    db.session.expire_all()
    assert open_tasks(loan) == ["completer_pour_commission"]
    assert loan.status is DossierStatus.EN_INSTRUCTION
    assert loan.decision == ""
    letter = text_of_pdf(_letter(loan).content)
    assert "ajourné" in letter
    assert "attestation de la caisse" in letter

    do(
        agents["instructeur"],
        loan,
        "completer_pour_commission",
        {"complement": "Attestation CAF reçue le 2 décembre."},
    )
    assert instance_of(loan).awaiting_message == "decision_commission"
    assert [d.id for d in sessions.waiting_dossiers(secretary.centre_id)] == [loan.id]


def test_delegated_decisions_since_the_last_session_are_listed(
    agents: dict[str, User], board: list[CommitteeMember], make_user: Callable[..., User]
) -> None:
    delegate = make_user("claire", Role.INSTRUCTEUR, Role.DELEGATAIRE)
    small = open_aid(
        agents["accueil"], person_with_budget(agents["instructeur"], "Roux"), AidType.SECOURS_URGENCE
    )
    do(agents["instructeur"], small, "evaluer", {**RELIEF, "montant_cents": "120"})
    do(
        delegate,
        small,
        "decider_delegation",
        {
            "decision": "accord",
            "montant_accorde_cents": "120",
            "motif": "Une partie de la dépense est déjà prise en charge.",
        },
    )
    session = convened(agents["secretariat"])
    assert [document.number for document in sessions.delegated_decisions(session)] == ["DEC2026_001"]
    convocation = db.session.scalars(select(Document).where(Document.kind == "convocation")).one()
    printed = " ".join(text_of_pdf(convocation.content).split())
    section = printed[printed.index("Décisions prises par délégation depuis la dernière séance") :]
    for mention in ("DEC2026_001", "23/11/2026", small.number, "Secours", "Accord", "120,00"):
        assert mention in section, mention  # the board is told what was decided in its name


def test_members_read_their_sessions_with_names_others_not_at_all(
    client: FlaskClient, agents: dict[str, User], board: list[CommitteeMember]
) -> None:
    loan = _loan(agents, "Lemoine")
    session = convened(agents["secretariat"])
    as_user(client, "aicha")  # a member in office
    page = text_of(client.get(f"/commission/seances/{session.id}"))
    assert "LEMOINE" in page
    assert loan.number in page
    assert "Enregistrer les présences" not in page  # read-only
    assert "Clore la séance" not in page
    assert client.get(f"/commission/seances/{session.id}/seance.ics").status_code == 200
    assert str(session.id) in text_of(client.get("/commission/"))
    as_user(client, "bruno")  # an elected user who does not sit on this committee
    for path in (
        "/commission/",
        f"/commission/seances/{session.id}",
        f"/commission/seances/{session.id}/seance.ics",
    ):
        refused = client.get(path)
        assert refused.status_code == 403, path
        assert "LEMOINE" not in text_of(refused)
        assert loan.number not in text_of(refused)
    as_user(client, "julien")  # an instructor: the committee's papers are not theirs
    assert client.get(f"/commission/seances/{session.id}").status_code == 403
    response = client.get(f"/commission/seances/{session.id}/seance.ics")
    assert response.status_code == 403
    with pytest.raises(PermissionDeniedError):
        closing.close_session(actor=agents["elu"], session_id=session.id)


def test_the_live_page_keeps_what_was_typed_when_the_counts_are_wrong(
    client: FlaskClient, agents: dict[str, User], board: list[CommitteeMember]
) -> None:
    loan = _loan(agents)
    session = convened(agents["secretariat"])
    sit_on_its_day(session)
    as_user(client, "sophie")
    path = f"/commission/seances/{session.id}"
    token = csrf_token(client, path)
    presence = {f"presence-{m.id}": "present" for m in board}
    # A proxy given to an absent member is refused: what was ticked and typed comes back, not the records.
    wrong = {
        **presence, f"presence-{board[0].id}": "represente", f"pouvoir-{board[0].id}": str(board[1].id),
        f"presence-{board[1].id}": "absent", "president_seance": str(board[2].id),
        "secretaire_seance": "Sophie Lambert", "csrf_token": token,
    }  # fmt: skip
    refused = client.post(f"{path}/presences", data=wrong)
    assert refused.status_code == 422
    shown = refused.get_data(as_text=True)
    assert "doit être donné à un membre présent" in text_of(refused)
    assert re.search(rf'name="presence-{board[0].id}" value="represente"[^>]*checked', shown)
    assert re.search(rf'name="presence-{board[1].id}" value="absent"[^>]*checked', shown)
    assert f'<option value="{board[1].id}" selected>' in shown
    assert f'<option value="{board[2].id}" selected>' in shown
    assert 'value="Sophie Lambert"' in shown
    garbled = client.post(
        f"{path}/presences", data={**presence, f"presence-{board[2].id}": "xyz", "csrf_token": token}
    )
    assert garbled.status_code == 422  # was ignored, and the rest saved as if nothing were wrong
    assert "cochez présent, représenté ou absent" in text_of(garbled)
    db.session.expire_all()
    assert session.attendance == []
    assert client.post(f"{path}/presences", data={**presence, "csrf_token": token}).status_code == 302
    item = item_of(session, loan)
    typed = {
        "decision": "accord",
        "montant": "850,00",
        "duree_mois": "10",
        "texte": "Un devis moins élevé a été produit en séance.",
        "pour": "2",
        "contre": "0",
        "abstention": "0",
        "csrf_token": token,
    }
    response = client.post(f"{path}/points/{item.id}/vote", data=typed)
    assert response.status_code == 422
    page = text_of(response)
    assert "pour, contre et abstentions doivent faire 3, pas 2" in page
    assert 'value="850,00"' in page
    assert 'value="10"' in page
    db.session.expire_all()
    assert item_of(session, loan).decision is None
    response = client.post(f"{path}/points/{item.id}/vote", data={**typed, "abstention": "1"})
    assert response.status_code == 302
    asked = client.post(f"{path}/clore", data={"csrf_token": token})  # one click: the consequence, no change
    assert asked.status_code == 200
    assert (
        f"1 délibération(s) seront numérotées et transmises à leur dossier, toutes ensemble : {loan.number}"
        in (text_of(asked))
    )
    db.session.expire_all()
    assert loan.status is not DossierStatus.ACCORDE
    assert client.post(f"{path}/clore", data={"csrf_token": token, "confirme": "oui"}).status_code == 302
    db.session.expire_all()
    assert (loan.status, loan.amount_granted_cents) == (DossierStatus.ACCORDE, 85000)
    again = client.post(f"{path}/clore", data={"csrf_token": token, "confirme": "oui"})
    assert again.status_code == 409
    assert "Cette séance est déjà close" in text_of(again)


def test_a_session_must_be_planned_in_the_future_with_a_place(agents: dict[str, User]) -> None:
    with pytest.raises(InvalidInputError, match="dans le futur"):
        sessions.plan_session(
            actor=agents["secretariat"],
            kind=SessionKind.CONSEIL_ADMINISTRATION,
            starts_at=next_week() - timedelta(days=30),
            place="Mairie",
        )
    with pytest.raises(PermissionDeniedError):
        sessions.plan_session(
            actor=agents["instructeur"],
            kind=SessionKind.CONSEIL_ADMINISTRATION,
            starts_at=next_week(),
            place="Mairie",
        )


def test_the_session_steps_are_in_the_secretariat_worklist_and_open_the_session_page(
    client: FlaskClient, agents: dict[str, User]
) -> None:
    session = sessions.plan_session(
        actor=agents["secretariat"],
        kind=SessionKind.CONSEIL_ADMINISTRATION,
        starts_at=next_week(),
        place="Mairie",
    )
    step = sessions.open_step(session)
    assert step is not None
    assert step.due_at == sessions.convocation_deadline(session.starts_at)  # the last day to convene
    as_user(client, "sophie")
    worklist = text_of(client.get("/taches/"))
    assert "Préparer l'ordre du jour" in worklist
    assert "Séance de la commission" in worklist
    response = client.get(f"/taches/{step.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/commission/seances/{session.id}")


def test_a_session_is_held_and_closed_only_from_its_start(
    client: FlaskClient, agents: dict[str, User], board: list[CommitteeMember], travel: TravellingClock
) -> None:
    secretary = agents["secretariat"]
    loan = _loan(agents)
    session = convened(secretary)  # Monday 30 November 2026 at 18:00, Paris
    item = item_of(session, loan)
    presence = {member.id: (AttendanceStatus.PRESENT, None) for member in board}
    travel.set(datetime(2026, 11, 30, 17, 59, tzinfo=PARIS))  # the very day, a minute early
    with pytest.raises(InvalidInputError, match=r"La séance n'a pas encore commencé \(le 30 novembre 2026"):
        sitting.record_attendance(actor=secretary, session_id=session.id, presence=presence)
    with pytest.raises(
        InvalidInputError, match="on ne peut enregistrer un vote qu'à partir de son ouverture"
    ):
        sitting.record_vote(
            actor=secretary, session_id=session.id, item_id=item.id, vote=accord(80000, 3, 8, reasons=CAPPED)
        )
    with pytest.raises(InvalidInputError, match="on ne peut clore la séance qu'à partir de son ouverture"):
        closing.close_session(actor=secretary, session_id=session.id)
    as_user(client, "sophie")
    path = f"/commission/seances/{session.id}"
    refused = client.post(f"{path}/clore", data={"csrf_token": csrf_token(client, path)})
    assert refused.status_code == 422
    assert "La séance n&#39;a pas encore commencé" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert (session.status, session.closed_at, session.attendance) == (SessionStatus.CONVOQUEE, None, [])
    assert (item.decision, item.deliberation_number) == (None, "")

    travel.set(datetime(2026, 11, 30, 18, 0, tzinfo=PARIS))  # it opens: held live
    sitting.record_attendance(
        actor=secretary, session_id=session.id, presence=presence, chair_member_id=board[1].id,
        secretary_name="Sophie Lambert",
    )  # fmt: skip
    sitting.record_vote(
        actor=secretary, session_id=session.id, item_id=item.id, vote=accord(80000, 3, 8, reasons=CAPPED)
    )
    travel.set(datetime(2026, 12, 2, 9, 30, tzinfo=PARIS))  # the secretariat closes it two days later
    closing.close_session(actor=secretary, session_id=session.id)
    batches.print_letter_batches()
    db.session.expire_all()
    assert loan.decided_at == session.starts_at  # the act is dated the session's day, not the closing's
    printed = " ".join(text_of_pdf(_letter(loan).content).split())
    assert "Délibération n° DEL2026_001 de la commission permanente du 30 novembre 2026" in printed
    assert "Par décision du 30 novembre 2026" in printed
    assert "2 décembre 2026" in printed  # only as the letter's own date ("…, le 2 décembre 2026")
    assert "Par décision du 2 décembre" not in printed

    # The loan contract cites the deliberation and the session's day.
    do(agents["instructeur"], loan, "notifier", NOTIFIED)
    do(secretary, loan, "etablir_contrat", {"premiere_echeance": "2027-01-05"})
    contract = db.session.scalars(select(Document).where(Document.kind == "contrat_pret")).one()
    assert "Par délibération n° DEL2026_001 de la commission permanente du 30 novembre 2026" in " ".join(
        text_of_pdf(contract.content).split()
    )

    # The minutes name the chair, the secretary, when the convocation went; signed after the session.
    closing.sign_minutes(actor=agents["president"], session_id=session.id)
    minutes = db.session.scalars(select(Document).where(Document.kind == "releve_decisions")).one()
    read = " ".join(text_of_pdf(minutes.content).split())
    assert f"Président·e de séance : {board[1].full_name}" in read
    assert "Secrétaire de séance : Sophie Lambert" in read
    assert "Convocation envoyée le 23 novembre 2026" in read
    assert "Signé le 2 décembre 2026" in read


def test_a_session_that_could_not_meet_is_postponed_and_convened_again(
    agents: dict[str, User], board: list[CommitteeMember], travel: TravellingClock
) -> None:
    secretary = agents["secretariat"]
    loan = _loan(agents)
    session = convened(secretary)
    sit_on_its_day(session)
    one = {board[0].id: (AttendanceStatus.PRESENT, None)}
    assert not sitting.record_attendance(actor=secretary, session_id=session.id, presence=one).reached
    with pytest.raises(InvalidInputError, match="3 jours francs pour convoquer de nouveau"):
        sessions.postpone_session(
            actor=secretary, session_id=session.id, starts_at=session.starts_at + timedelta(days=3),
            reason="Quorum non atteint",
        )  # fmt: skip
    later = datetime(2026, 12, 10, 18, 0, tzinfo=PARIS)
    sessions.postpone_session(
        actor=secretary, session_id=session.id, starts_at=later, reason="Quorum non atteint"
    )
    db.session.expire_all()
    assert (session.starts_at, session.postponed_from) == (later, datetime(2026, 11, 30, 18, 0, tzinfo=PARIS))
    assert (session.status, session.attendance, sessions.open_step(session).task_name) == (
        SessionStatus.PREPARATION, [], "convoquer",
    )  # fmt: skip
    assert [item.dossier_id for item in sessions.agenda(session)] == [loan.id]  # its agenda stays
    sessions.convene(actor=secretary, session_id=session.id)  # a new convocation, clear days respected
    assert (
        db.session.scalar(select(func.count()).select_from(Document).where(Document.kind == "convocation"))
        == 2
    )
    with pytest.raises(InvalidInputError, match="pas encore commencé"):
        sitting.record_vote(
            actor=secretary,
            session_id=session.id,
            item_id=item_of(session, loan).id,
            vote=accord(80000, 3, 8, reasons=CAPPED),
        )
    all_present(secretary, session)
    sitting.record_vote(
        actor=secretary,
        session_id=session.id,
        item_id=item_of(session, loan).id,
        vote=accord(80000, 3, 8, reasons=CAPPED),
    )
    closing.close_session(actor=secretary, session_id=session.id)
    db.session.expire_all()
    assert loan.decided_at == later


def test_a_session_that_will_not_meet_is_cancelled_and_its_dossiers_wait_again(
    agents: dict[str, User], board: list[CommitteeMember]
) -> None:
    secretary = agents["secretariat"]
    loan = _loan(agents)
    session = convened(secretary)
    with pytest.raises(InvalidInputError, match="Indiquez pourquoi"):
        sessions.cancel_session(actor=secretary, session_id=session.id, reason=" ")
    sessions.cancel_session(actor=secretary, session_id=session.id, reason="Salle indisponible")
    db.session.expire_all()
    assert (session.status, session.status_note) == (SessionStatus.ANNULEE, "Salle indisponible")
    assert sessions.open_step(session) is None
    assert [d.id for d in sessions.waiting_dossiers(secretary.centre_id)] == [loan.id]
    with pytest.raises(InvalidInputError):
        closing.close_session(actor=secretary, session_id=session.id)
