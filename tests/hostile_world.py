"""A centre where every page has something to show: the demo data (a CIAS with a year of requests across its
communes, so the figures and their forms have data), a dossier of every aid, a committee session being held, a
workshop session under way, the demo town hall's liaisons; and a second centre whose ids a hostile user
tries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from scenarios import committee as committee_steps
from scenarios.factories import make_centre
from service import clock, demo
from service.accounts import service as accounts
from service.api_tokens import service as api_tokens
from service.committee import closing, sitting
from service.committee import sessions as committee_sessions
from service.dossiers import tasks as dossier_tasks
from service.extensions import db
from service.models import (
    AidType,
    BatchStatus,
    CommitteeSession,
    Document,
    Dossier,
    HumanTask,
    LetterBatch,
    Liaison,
    Orientation,
    Person,
    Referral,
    Role,
    User,
    WorkshopSession,
)
from service.people import importing
from service.people import service as people
from service.scheduling import wake
from service.workshops import holding, registrations, themes
from tests import aid_steps
from tests.conftest import PASSWORD

DEMO_ROLES = tuple(username for username, *_ in demo.DEMO_USERS)
# Irreversible actions: their page's form only asks for the confirmation page; the run also posts each of
# these forms with its confirmation (`confirme=oui`), so that the hostile values reach the use case.
CONFIRMED_ENDPOINTS = frozenset({
    "appointments.outcome", "committee.cancel", "committee.postpone", "committee.set_aside", "committee.step",
    "documents.correct", "orientation.send", "workshops.cancel", "workshops.cancel_session",
    "workshops.decide", "workshops.evaluation",
})  # fmt: skip


@dataclass
class World:
    """What the hostile run needs to know of the data it attacks."""

    foreign_ids: list[str] = field(default_factory=list)  # ids of the other centre's rows, as strings
    pages: list[str] = field(default_factory=list)  # the observation, every dossier and open task


LOAN_STUDY = {
    "situation": "Caution du nouveau logement ; capacité de remboursement de 100 € par mois.",
    "objet": "Caution de logement",
    "montant_cents": "900",
    "duree_mois": "9",
}
RELIEF = {
    "situation": "Facture d'énergie de 180 € impayée.",
    "nature_besoin": "energie",
    "montant_cents": "180",
    "mode_paiement": "bon",
}


def build() -> World:
    """Seed the demo centre, move it forward to where every form is on some page, add a second centre."""
    demo.seed_if_empty()
    users = {user.username: user for user in db.session.scalars(select(User))}
    instructeur, secretariat = users["instructeur"], users["secretariat"]
    accounts.scope_session_to(instructeur)
    martin = people.search(actor=instructeur, query="Martin Fatou")[0]
    for aid in AidType:
        aid_steps.open_aid(instructeur, martin.id, aid, reason=f"Demande de {aid.value}")
    _decided_under_delegation(instructeur, users["delegataire"])
    _domiciliation_to_decide(users["accueil"])
    accounts.scope_session_to(instructeur)
    # Two sessions a week ahead (a session is held only from its start): one will be closed with its letters
    # failed, the other held live when the attacks come.
    to_close = _session_with_a_loan(instructeur, secretariat, hours_ahead=7 * 24 + 1)
    for name in ("Prêt-Un", "Prêt-Deux"):
        _loan_before_the_committee(instructeur, name)
    accounts.scope_session_to(secretariat)
    held = committee_steps.convened(secretariat, starts_at=clock.now() + timedelta(days=7))
    for name in ("Prêt-Trois", "Prêt-Quatre"):  # for the demo's session, whose agenda is still open
        _loan_before_the_committee(instructeur, name)
    accounts.scope_session_to(secretariat)
    preparing = db.session.scalars(select(CommitteeSession).order_by(CommitteeSession.id)).first()
    assert preparing is not None
    committee_sessions.compose_agenda(actor=secretariat, session_id=preparing.id)
    accounts.scope_session_to(instructeur)
    task = db.session.scalars(
        select(HumanTask).where(HumanTask.completed_at.is_(None), HumanTask.role == Role.INSTRUCTEUR.value)
    ).first()
    assert task is not None
    dossier_tasks.claim_task(actor=instructeur, task_id=task.id)
    # A week and a bit later: the first workshop of the series has begun, its reminders went out.
    travelling: clock.TravellingClock = current_app.extensions["entraide.clock"]
    travelling.advance(timedelta(days=7, hours=6))
    wake.wake_due_instances()
    accounts.scope_session_to(secretariat)
    _closed_with_its_letters_failed(secretariat, *to_close)
    committee_steps.all_present(secretariat, held)
    accounts.scope_session_to(instructeur)
    _workshop_attended(instructeur)
    _workshop_with_a_registration(instructeur)
    # An API token of the centre: the administrator's page lists it with its revocation form.
    api_tokens.create_token(actor=users["admin"], user_id=instructeur.id, name="GED", scopes=["read"])
    imports = _imports(users["responsable"])
    db.session.expire_all()
    # The observation's forms (communes, quartiers, yearly report) and figures, whatever the crawl's order.
    pages = ["/communes/", "/statistiques/", "/statistiques/rapport", *imports, "/rendez-vous/"]
    # The demo's appointment (past by now: honoured or not to record) and the free slots to book.
    pages += [f"/personnes/{martin.id}/rendez-vous/nouveau"]
    pages += [f"/dossiers/{i}" for i in db.session.scalars(select(Dossier.id).order_by(Dossier.id))]
    # The demo's people oriented to a partner: their follow-ups are due, their liaison forms can be sent.
    oriented = db.session.scalars(select(Orientation.person_id).order_by(Orientation.id).limit(3))
    pages += [f"/personnes/{i}/orientations" for i in oriented]
    pages += [
        f"/taches/{i}"
        for i in db.session.scalars(
            select(HumanTask.id).where(HumanTask.completed_at.is_(None)).order_by(HumanTask.id)
        )
    ]
    # The demo town hall's liaisons: their phone evaluation is recorded from their page.
    pages += [f"/liaisons/{i}" for i in db.session.scalars(select(Liaison.id).order_by(Liaison.id))]
    return World(foreign_ids=_second_centre(), pages=pages)


def _imports(head: User) -> list[str]:
    """A file of people whose columns wait for their mapping, and one analysed whose preview waits for its
    confirmation: the import's forms."""
    accounts.scope_session_to(head)
    content = "Nom;Prénom;Né le\nKeita;Awa;12/03/1975\nMARTIN;Fatou;\n".encode()
    waiting = importing.upload(actor=head, filename="a-faire-correspondre.csv", content=content)
    analysed = importing.upload(actor=head, filename="analyse.csv", content=content)
    importing.map_columns(
        actor=head,
        import_id=analysed.id,
        mapping={"nom": "Nom", "prenom": "Prénom", "date_naissance": "Né le"},
    )
    importing.run_people_imports()
    return [
        "/personnes/import/",
        f"/personnes/import/{waiting.id}/correspondance",
        f"/personnes/import/{analysed.id}",
    ]


def _loan_before_the_committee(instructeur: User, name: str) -> Dossier:
    dossier = aid_steps.open_aid(
        instructeur, aid_steps.person_with_budget(instructeur, name), AidType.PRET_SANS_INTERET
    )
    aid_steps.do(instructeur, dossier, "etudier_budget", LOAN_STUDY)
    return dossier


def _decided_under_delegation(instructeur: User, delegataire: User) -> None:
    """An urgent relief granted by the delegate: its decision letter can be corrected."""
    dossier = aid_steps.open_aid(
        instructeur, aid_steps.person_with_budget(instructeur, "Secours"), AidType.SECOURS_URGENCE
    )
    aid_steps.do(instructeur, dossier, "evaluer", RELIEF)
    accounts.scope_session_to(delegataire)
    aid_steps.do(
        delegataire,
        dossier,
        "decider_delegation",
        {
            "decision": "accord",
            "montant_accorde_cents": "150",
            "motif": "Une partie de la dépense est déjà prise en charge.",
        },
    )
    accounts.scope_session_to(instructeur)


def _domiciliation_to_decide(accueil: User) -> None:
    """A domiciliation request registered: its decision form (a refusal must orient) waits for the delegate;
    the register's forms (a letter, its hand-over, a visit, an end) are on the demo's domiciled people."""
    accounts.scope_session_to(accueil)
    dossier = aid_steps.open_aid(
        accueil, aid_steps.person_with_budget(accueil, "Domicile"), AidType.DOMICILIATION, "Domiciliation"
    )
    request = {"lien_commune": "sejour", "situation": "Sans domicile stable, hébergé chez des tiers."}
    aid_steps.do(accueil, dossier, "enregistrer_demande", request)


def _session_with_a_loan(
    instructeur: User, secretariat: User, *, hours_ahead: int
) -> tuple[CommitteeSession, Dossier]:
    """A session convened with one loan on its agenda."""
    loan = _loan_before_the_committee(instructeur, "Prêt-Clos")
    accounts.scope_session_to(secretariat)
    session = committee_steps.convened(secretariat, starts_at=clock.now() + timedelta(hours=hours_ahead))
    accounts.scope_session_to(instructeur)
    return session, loan


def _closed_with_its_letters_failed(secretariat: User, session: CommitteeSession, loan: Dossier) -> None:
    """The session held and closed on its day, whose letters the printer refused: "Relancer l'impression"."""
    committee_steps.all_present(secretariat, session)
    item = committee_steps.item_of(session, loan)
    sitting.record_vote(
        actor=secretariat,
        session_id=session.id,
        item_id=item.id,
        vote=committee_steps.accord(80000, 5, 8, reasons="Le dépôt de garantie est plafonné à 800 €."),
    )
    closing.close_session(actor=secretariat, session_id=session.id)
    batch = db.session.scalars(select(LetterBatch).where(LetterBatch.session_id == session.id)).one()
    batch.status, batch.error = BatchStatus.ECHEC, "Imprimante hors service"
    db.session.flush()


def _workshop_with_a_registration(instructeur: User) -> None:
    """Someone registered in a session still open: the registration can be cancelled."""
    coming = db.session.scalars(
        select(WorkshopSession)
        .where(WorkshopSession.starts_at > clock.now())
        .order_by(WorkshopSession.starts_at)
    ).first()
    assert coming is not None
    martin = people.search(actor=instructeur, query="Martin Fatou")[0]
    registrations.register(
        actor=instructeur, session_id=coming.id, person_id=martin.id, referral=Referral.AGENT
    )


def _workshop_attended(instructeur: User) -> None:
    """The first session of the demo's series has begun: its attendance is taken, its evaluation is due."""
    started = db.session.scalars(
        select(WorkshopSession)
        .where(WorkshopSession.starts_at <= clock.now())
        .order_by(WorkshopSession.starts_at)
    ).first()
    assert started is not None
    holding.record_attendance(
        actor=instructeur, session_id=started.id, present={r.id for r in started.confirmed}
    )


def _second_centre() -> list[str]:
    """Another centre with a person, a dossier, a task, a theme: ids the attacker must never reach."""
    accounts.scope_session_to(None)
    make_centre("ccas-voisin", "CCAS de Voisin")
    other = accounts.create_user(
        centre_code="ccas-voisin",
        username="voisin",
        full_name="Agent Voisin",
        password=PASSWORD,
        roles=[Role.INSTRUCTEUR, Role.ACCUEIL, Role.RESPONSABLE],
    )
    accounts.scope_session_to(other)
    person_id = aid_steps.person_with_budget(other, "Voisin")
    dossier = aid_steps.open_aid(other, person_id, AidType.SECOURS_URGENCE)
    theme = themes.save_theme(actor=other, name="Voisinage", description="")
    ids = {person_id, dossier.id, theme.id, other.id}
    ids |= set(db.session.scalars(select(HumanTask.id).where(HumanTask.centre_id == other.centre_id)))
    for model in (CommitteeSession, WorkshopSession, Document, Dossier, Person):
        ids |= set(db.session.scalars(select(model.id).where(model.centre_id == other.centre_id)))
    accounts.scope_session_to(None)
    return sorted(str(i) for i in ids)
