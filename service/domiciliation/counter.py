"""The front desk's counter: each letter received for a domiciled person, its hand-over against signature,
the visits, and the end of an election at the person's request. A hand-over or a visit is a contact: it
moves the three months after which an election ends."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from service import clock, processes
from service.access import service as access
from service.access.policy import Part
from service.aids import domiciliation as aid
from service.aids.domiciliation import elections, papers
from service.audit import service as audit
from service.audit.actions import AuditAction
from service.config import local_zone
from service.dossiers import service as dossiers
from service.errors import ConflictError, InvalidInputError, NotFoundError
from service.extensions import db
from service.models import (
    CommuneLink,
    Domiciliation,
    DomiciliationMail,
    Dossier,
    DossierStatus,
    EndReason,
    InstanceStatus,
    ProcessInstance,
    Role,
    SenderKind,
    User,
)
from service.models.tenancy import get_in_centre
from service.permissions import require_role
from service.unit_of_work import use_case

AID_KEY = aid.AID.key  # a person with a dossier of this aid may have mail waiting at the counter
COUNTER_ROLES = (Role.ACCUEIL, Role.INSTRUCTEUR, Role.RESPONSABLE)
REGISTER_PARTS = (Part.IDENTITE,)  # a line of the register shows the name, the dates, the mail waiting


@dataclass(frozen=True)
class Line:
    """One domiciled person in the register: the election, their mail waiting, when they lapse."""

    election: Domiciliation
    waiting: int
    flagged: int  # letters waiting longer than the flag's days
    lapses_at: datetime


@dataclass(frozen=True)
class ElectionPage:
    election: Domiciliation
    waiting: Sequence[DomiciliationMail]
    handed_over: Sequence[DomiciliationMail]
    flag_days: int
    lapses_at: datetime
    in_force: bool

    def flagged(self, mail: DomiciliationMail) -> bool:
        return _flagged(mail, self.flag_days)


def _today() -> date:
    return clock.now().astimezone(local_zone()).date()


def _flag_days() -> int:
    return aid.AID.number("DOMICILIATION_MAIL_UNCOLLECTED_DAYS")


def _flagged(mail: DomiciliationMail, days: int) -> bool:
    return mail.handed_over_at is None and (_today() - mail.received_on).days > days


def _lapses_at(election: Domiciliation) -> datetime:
    return elections.contact_check(election, aid.AID.text("DOMICILIATION_NO_CONTACT_DELAY"))


def _election(actor: User, election_id: int, *, in_force: bool = True) -> Domiciliation:
    require_role(actor, *COUNTER_ROLES)
    election = get_in_centre(db.session(), Domiciliation, election_id, actor.centre_id)
    if election is None:
        raise NotFoundError("Cette élection de domicile n'existe pas dans votre centre.")
    if in_force and not election.in_force_on(_today()):
        raise InvalidInputError("Cette personne n'est pas domiciliée au centre aujourd'hui.")
    return election


def _traced(actor: User, election: Domiciliation) -> None:
    access.record_read(
        actor=actor, action=AuditAction.PERSONNE_CONSULTATION, subject_type="personne",
        subject_id=election.person_id, parts=REGISTER_PARTS, details={"registre": "domiciliation"},
    )  # fmt: skip


@use_case
def register(*, actor: User) -> list[Line]:
    """The people domiciled today, by name, with their mail waiting; each line is a traced read."""
    require_role(actor, *COUNTER_ROLES)
    today = _today()
    found = db.session.scalars(
        select(Domiciliation).where(
            Domiciliation.decision == "accord",
            Domiciliation.ended_on.is_(None),
            Domiciliation.valid_until >= today,
        )
    ).all()
    waiting: dict[int, list[DomiciliationMail]] = defaultdict(list)
    ids = [election.id for election in found]
    if ids:
        for mail in db.session.scalars(
            select(DomiciliationMail).where(
                DomiciliationMail.domiciliation_id.in_(ids), DomiciliationMail.handed_over_at.is_(None)
            )
        ):
            waiting[mail.domiciliation_id].append(mail)
    days = _flag_days()
    lines = [
        Line(
            election,
            len(waiting[election.id]),
            sum(_flagged(mail, days) for mail in waiting[election.id]),
            _lapses_at(election),
        )
        for election in found
        if election.in_force_on(today)
    ]
    for line in lines:
        _traced(actor, line.election)
    return sorted(lines, key=lambda line: line.election.person.search_key)


@use_case
def election_page(*, actor: User, election_id: int) -> ElectionPage:
    """A domiciled person's mail: what waits for them (flagged past the days), what was handed over."""
    election = _election(actor, election_id, in_force=False)
    mail = db.session.scalars(
        select(DomiciliationMail)
        .where(DomiciliationMail.domiciliation_id == election.id)
        .order_by(DomiciliationMail.received_on.desc(), DomiciliationMail.id.desc())
    ).all()
    _traced(actor, election)
    return ElectionPage(
        election=election,
        waiting=[letter for letter in mail if letter.handed_over_at is None],
        handed_over=[letter for letter in mail if letter.handed_over_at is not None][:50],
        flag_days=_flag_days(),
        lapses_at=_lapses_at(election),
        in_force=election.in_force_on(_today()),
    )


def waiting_for(*, actor: User, person_id: int) -> Sequence[DomiciliationMail]:
    """The letters waiting for the person at the counter (their page shows them), oldest first."""
    if not actor.has_role(*COUNTER_ROLES):
        return []
    return db.session.scalars(
        select(DomiciliationMail)
        .join(Domiciliation, Domiciliation.id == DomiciliationMail.domiciliation_id)
        .where(Domiciliation.person_id == person_id, DomiciliationMail.handed_over_at.is_(None))
        .order_by(DomiciliationMail.received_on, DomiciliationMail.id)
    ).all()


@use_case
def record_mail(*, actor: User, election_id: int, sender_kind: str, received_on: date) -> DomiciliationMail:
    """A letter received for a domiciled person: who sent it (the kind of sender), the day it came."""
    election = _election(actor, election_id)
    try:
        kind = SenderKind(sender_kind)
    except ValueError:
        raise InvalidInputError("Choisissez l'expéditeur parmi ceux proposés.", field="sender_kind") from None
    if received_on > _today():
        raise InvalidInputError("La date de réception ne peut pas être dans le futur.", field="received_on")
    if received_on < _today() - timedelta(days=366):
        raise InvalidInputError("La date de réception remonte à plus d'un an.", field="received_on")
    letter = DomiciliationMail(
        centre_id=election.centre_id, domiciliation_id=election.id, sender_kind=kind.value,
        received_on=received_on, recorded_at=clock.now(), recorded_by_id=actor.id,
    )  # fmt: skip
    db.session.add(letter)
    db.session.flush()
    audit.record(
        action=AuditAction.DOMICILIATION_COURRIER, subject_type="personne", subject_id=election.person_id,
        actor=actor, details={"courrier": letter.id, "expéditeur": kind.value},
    )  # fmt: skip
    return letter


@use_case
def hand_over(*, actor: User, election_id: int, mail_id: int, signed_by: str) -> DomiciliationMail:
    """The letter is handed over against the signature of the person (or of whom they authorised);
    it is a contact. Handed over twice at once: the second agent is told, nothing changes."""
    election = _election(actor, election_id, in_force=False)
    if not signed_by.strip():
        raise InvalidInputError("Indiquez qui a signé la remise du courrier.", field="signed_by")
    letter = get_in_centre(db.session(), DomiciliationMail, mail_id, actor.centre_id)
    if letter is None or letter.domiciliation_id != election.id:
        raise NotFoundError("Ce courrier n'est pas au registre de cette personne.")
    now = clock.now()
    changed = db.session.execute(
        update(DomiciliationMail)
        .where(DomiciliationMail.id == letter.id, DomiciliationMail.handed_over_at.is_(None))
        .values(handed_over_at=now, handed_over_by_id=actor.id, signed_by=signed_by.strip())
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    if changed != 1:
        raise ConflictError("Ce courrier a déjà été remis.")
    db.session.refresh(letter)
    elections.touch(election)
    audit.record(
        action=AuditAction.DOMICILIATION_REMISE, subject_type="personne", subject_id=election.person_id,
        actor=actor, details={"courrier": letter.id},
    )  # fmt: skip
    return letter


@use_case
def record_visit(*, actor: User, election_id: int) -> Domiciliation:
    """The person came (or gave news) without mail to collect: a contact all the same."""
    election = _election(actor, election_id)
    elections.touch(election)
    audit.record(
        action=AuditAction.DOMICILIATION_PASSAGE, subject_type="personne", subject_id=election.person_id,
        actor=actor,
    )  # fmt: skip
    return election


@use_case
def end_at_request(*, actor: User, election_id: int, details: str = "") -> Domiciliation:
    """The person asks to end the election (a stable home found…): it ends today with its notice, and its
    process stops waiting."""
    election = _election(actor, election_id)
    dossier = db.session.get(Dossier, election.dossier_id)
    instance = db.session.scalars(
        select(ProcessInstance).where(
            ProcessInstance.dossier_id == election.dossier_id,
            ProcessInstance.status == InstanceStatus.RUNNING,
        )
    ).one_or_none()
    if dossier is None or instance is None or aid.MESSAGE_END not in (instance.awaiting_message or ""):
        raise InvalidInputError("Cette élection de domicile ne peut plus être close à la demande.")
    elections.end(election, dossier, reason=EndReason.DEMANDE, details=details, actor=actor)
    papers.issue_end_notice(dossier=dossier, election=election, author=actor)
    processes.deliver(instance, message=aid.MESSAGE_END, payload={"motif": EndReason.DEMANDE.value})
    return election


@use_case
def take_over(
    *,
    actor: User,
    person_id: int,
    link: str,
    valid_from: date,
    last_contact_at: datetime,
    link_details: str = "",
) -> Domiciliation:
    """An election granted before the centre used the service (its paper register taken over): in force
    from `valid_from` for the validity in force, its attestation on paper; its process starts in force."""
    require_role(actor, *COUNTER_ROLES)
    try:
        commune_link = CommuneLink(link)
    except ValueError:
        raise InvalidInputError("Choisissez le lien avec la commune parmi ceux proposés.") from None
    start, until = elections.validity(valid_from, aid.AID.text("DOMICILIATION_VALIDITY_DELAY"))
    if until < _today() or start > _today() or last_contact_at > clock.now():
        raise InvalidInputError("Seule une élection en cours de validité peut être reprise.")
    election = Domiciliation(
        centre_id=actor.centre_id, person_id=person_id, link=commune_link.value,
        link_details=link_details.strip(), situation="", requested_on=start, decision="accord",
        refusal_reason="", refusal_details="", oriented_to="", decided_on=start, valid_from=start,
        valid_until=until, renewals=0, last_contact_at=last_contact_at, end_reason="", end_details="",
    )  # fmt: skip

    def in_force(dossier: Dossier) -> dict[str, Any]:
        election.dossier_id = dossier.id
        dossier.decision = "accord"
        dossier.status = DossierStatus.ACCORDE
        db.session.add(election)
        db.session.flush()
        return aid.taken_over(election)

    dossiers.open_request(
        actor=actor, person_id=person_id, aid_type=aid.AID.key,
        reason="Élection de domicile reprise du registre papier", prepare=in_force,
    )  # fmt: skip
    return election
