"""Use cases of an orientation: orient a person to a partner, send the liaison form, record the follow-up.

The person's consent is what lets anything reach the partner: without it the liaison form carries only the
person's name (it is handed to them), and it is never mailed. Each orientation runs `orientation.bpmn`,
whose timer asks the instructing agents, after ORIENTATION_FOLLOW_UP_DAYS, whether the person reached the
partner; the answer is recorded from the person's orientations page, which completes that task.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from service import clock, processes
from service.access import service as access
from service.access.policy import Action, Part
from service.audit import service as audit
from service.audit.actions import AuditAction
from service.config import current_settings, local_zone
from service.documents import rendering
from service.documents import service as documents
from service.engine import worklist
from service.errors import InvalidInputError, NotFoundError
from service.extensions import db
from service.models import (
    Centre,
    Document,
    HumanTask,
    Orientation,
    OrientationOutcome,
    Partner,
    Person,
    User,
)
from service.models.tenancy import get_in_centre
from service.notifications import outbox
from service.orientation import directory
from service.orientation.domains import DOMAINS, label
from service.unit_of_work import read_use_case, reading_use_case, use_case

PROCESS_KEY = "orientation"
FOLLOW_UP_TASK = "verifier_orientation"
PER_PAGE = 100


@dataclass(frozen=True)
class OrientationLine:
    orientation: Orientation
    follow_up_open: bool  # the follow-up task waits for its answer


@dataclass(frozen=True)
class OrientationsPage:
    person: Person
    lines: Sequence[OrientationLine]
    partners: Sequence[Partner]  # active partners, of the domain asked when one is


@reading_use_case
def read(*, actor: User, person_id: int, domain: str | None = None) -> OrientationsPage:
    """The person's orientations, newest first, and the partners to orient them to."""
    person = access.person(actor, person_id, needs=Action.OUVRIR).person
    orientations = db.session.scalars(
        select(Orientation)
        .where(Orientation.person_id == person.id)
        .order_by(Orientation.oriented_at.desc(), Orientation.id.desc())
        .limit(PER_PAGE)
    ).all()
    instance_ids = [o.instance_id for o in orientations if o.instance_id is not None]
    waiting = set(
        db.session.scalars(
            select(HumanTask.instance_id).where(
                HumanTask.instance_id.in_(instance_ids), HumanTask.completed_at.is_(None)
            )
        )
    ) if instance_ids else set()  # fmt: skip
    partners = directory.list_partners(
        actor=actor, domain=domain if domain in DOMAINS else None, active_only=True
    )
    access.record_read(
        actor=actor, action=AuditAction.PERSONNE_CONSULTATION, subject_type="personne", subject_id=person.id,
        parts=[Part.IDENTITE, Part.COORDONNEES], details={"page": "orientations"},
    )  # fmt: skip
    lines = [OrientationLine(o, o.instance_id in waiting) for o in orientations]
    return OrientationsPage(person=person, lines=lines, partners=partners)


@use_case
def orient(
    *,
    actor: User,
    person_id: int,
    partner_id: int,
    domain: str,
    reason: str,
    consent: bool,
    send: bool = False,
) -> Orientation:
    """Orient the person to a partner: record it, print the liaison form, start its follow-up; mail the form
    to the partner when asked, and only with the person's consent."""
    person = access.person(actor, person_id, needs=Action.OUVRIR).person
    partner = _checked(actor, partner_id=partner_id, domain=domain, reason=reason, consent=consent, send=send)
    reason = reason.strip()
    now = clock.now()
    orientation = Orientation(
        centre_id=person.centre_id, person_id=person.id, partner_id=partner.id, domain=domain, reason=reason,
        consent=consent, oriented_at=now, oriented_by_id=actor.id,
    )  # fmt: skip
    orientation.partner = partner
    db.session.add(orientation)
    db.session.flush()
    days = current_settings().ORIENTATION_FOLLOW_UP_DAYS
    advance = processes.start(
        process_key=PROCESS_KEY,
        centre_id=person.centre_id,
        data={"orientation_id": orientation.id, "relance_le": (now + timedelta(days=days)).isoformat()},
    )
    orientation.instance_id = advance.instance.id
    orientation.document_id = _liaison_form(orientation, person, partner, actor, days).id
    audit.record(
        action=AuditAction.ORIENTATION, subject_type="personne", subject_id=person.id, actor=actor,
        details={"orientation": orientation.id, "partenaire": partner.name, "domaine": domain,
                 "accord": consent},
    )  # fmt: skip
    if send:
        _mail(orientation, person, partner, actor)
    return orientation


@read_use_case
def check_orient(
    *, actor: User, person_id: int, partner_id: int, domain: str, reason: str, consent: bool, send: bool
) -> Partner:
    """What `orient` would refuse, changing nothing: the confirmation page of an orientation mailed at once
    names the partner and the address it goes to."""
    access.person(actor, person_id, needs=Action.OUVRIR)
    return _checked(actor, partner_id=partner_id, domain=domain, reason=reason, consent=consent, send=send)


def _checked(actor: User, *, partner_id: int, domain: str, reason: str, consent: bool, send: bool) -> Partner:
    try:
        partner = directory.partner_in_centre(actor, partner_id)
    except NotFoundError as exc:
        raise InvalidInputError("Choisissez un partenaire de l'annuaire.", field="partner") from exc
    if not partner.active:
        raise InvalidInputError("Ce partenaire n'est plus actif dans l'annuaire.", field="partner")
    if domain not in DOMAINS:
        raise InvalidInputError("Choisissez un domaine de la liste.", field="domain")
    if domain not in partner.domains:
        raise InvalidInputError(
            f"{partner.name} ne traite pas le domaine « {label(domain)} » : choisissez un autre partenaire.",
            field="partner",
        )
    reason = reason.strip()
    if not reason:
        raise InvalidInputError("Indiquez le motif de l'orientation.", field="reason")
    if len(reason) > 2000:
        raise InvalidInputError("Le motif tient en 2 000 caractères.", field="reason")
    if send and not consent:
        raise InvalidInputError(
            "Sans l'accord de la personne, rien n'est envoyé au partenaire : imprimez la fiche et "
            "remettez-la à la personne.",
            field="consent",
        )
    if send and not partner.email:
        raise InvalidInputError(
            f"{partner.name} n'a pas d'adresse de courriel dans l'annuaire : enregistrez l'orientation sans "
            "l'envoyer, puis imprimez la fiche de liaison.",
            field="send",
        )
    return partner


@reading_use_case
def check_send(*, actor: User, person_id: int, orientation_id: int) -> Orientation:
    """What `send` would mail, changing nothing: its confirmation page names the partner and the address."""
    orientation, _ = _orientation(actor, person_id, orientation_id)
    _sendable(orientation)
    return orientation


@use_case
def send(*, actor: User, person_id: int, orientation_id: int) -> Orientation:
    """Mail the liaison form to the partner, with the PDF: only with the person's consent."""
    orientation, person = _orientation(actor, person_id, orientation_id)
    _sendable(orientation)
    _mail(orientation, person, orientation.partner, actor)
    return orientation


def _sendable(orientation: Orientation) -> None:
    if orientation.mailed_at is not None:  # a mail is not taken back, nor sent twice
        sent = orientation.mailed_at.astimezone(local_zone()).strftime("%d/%m/%Y à %H:%M")
        raise InvalidInputError(
            f"La fiche de liaison a déjà été envoyée à {orientation.partner.name} le {sent}."
        )
    if not orientation.consent:
        raise InvalidInputError(
            "La personne n'a pas donné son accord : la fiche de liaison ne peut pas être envoyée "
            "au partenaire."
        )
    if not orientation.partner.email:
        raise InvalidInputError(
            f"{orientation.partner.name} n'a pas d'adresse de courriel dans l'annuaire : imprimez la fiche "
            "de liaison."
        )


@use_case
def record_outcome(
    *, actor: User, person_id: int, orientation_id: int, outcome: OrientationOutcome | str
) -> Orientation:
    """Answer the follow-up: did the person reach the partner? Completes the follow-up task."""
    orientation, person = _orientation(actor, person_id, orientation_id)
    try:
        answer = OrientationOutcome(outcome)
    except ValueError as exc:
        raise InvalidInputError("Choisissez une des suites proposées.", field="outcome") from exc
    step = worklist.open_task(orientation.instance_id)
    if step is None or step.task_name != FOLLOW_UP_TASK:
        raise InvalidInputError(
            "La suite de cette orientation se saisit quand le suivi est échu, une seule fois.",
            field="outcome",
        )
    processes.complete(task=step, actor=actor, data={"resultat": answer.value})
    orientation.outcome, orientation.outcome_at = answer, clock.now()
    audit.record(
        action=AuditAction.ORIENTATION_SUITE, subject_type="personne", subject_id=person.id, actor=actor,
        details={"orientation": orientation.id, "suite": answer.value},
    )  # fmt: skip
    return orientation


def _orientation(actor: User, person_id: int, orientation_id: int) -> tuple[Orientation, Person]:
    person = access.person(actor, person_id, needs=Action.OUVRIR).person
    orientation = get_in_centre(db.session(), Orientation, orientation_id, actor.centre_id)
    if orientation is None or orientation.person_id != person.id:
        raise NotFoundError("Cette orientation n'existe pas pour cette personne.")
    return orientation, person


def _liaison_form(
    orientation: Orientation, person: Person, partner: Partner, actor: User, days: int
) -> Document:
    centre = db.session.get(Centre, person.centre_id)
    title = f"Fiche de liaison — {person.display_name} vers {partner.name}"
    context = {
        "title": title,
        "centre": centre,
        "person": person,
        "partner": partner,
        "orientation": orientation,
        "domain_label": label(orientation.domain),
        "issued_on": orientation.oriented_at,
        "author_name": actor.full_name,
        "author_title": actor.title,
        "follow_up_days": days,
    }
    return documents.record(
        kind="fiche_liaison_partenaire",
        number="",
        title=title[:200],
        orientation=orientation,
        author=actor,
        content=rendering.render_pdf("fiche_liaison_partenaire.html", context),
        filename=f"fiche-liaison-{orientation.id}.pdf",
    )


def _mail(orientation: Orientation, person: Person, partner: Partner, actor: User) -> None:
    if not partner.email:
        raise InvalidInputError(
            f"{partner.name} n'a pas d'adresse de courriel dans l'annuaire : imprimez la fiche de liaison."
        )
    if orientation.document_id is None:
        raise InvalidInputError("Cette orientation n'a pas de fiche de liaison.")
    centre = db.session.get(Centre, person.centre_id)
    outbox.queue(
        centre_id=person.centre_id,
        kind="fiche_liaison",
        recipients=[partner.email],
        template="fiche_liaison",
        context={"centre": centre, "partner": partner, "person": person, "author_name": actor.full_name},
        document_ids=[orientation.document_id],
    )
    orientation.mailed_at = clock.now()
    audit.record(
        action=AuditAction.ORIENTATION_ENVOI, subject_type="personne", subject_id=person.id, actor=actor,
        details={"orientation": orientation.id, "à": partner.email},
    )  # fmt: skip


def _orientation_of(task: HumanTask) -> int | None:
    return db.session.scalar(select(Orientation.id).where(Orientation.instance_id == task.instance_id))


ORIENTATION = processes.SubjectKind(name="orientation", label="Orientation", subject_of=_orientation_of)


def register_processes() -> None:
    """An orientation's follow-up is answered from the person's orientations page."""
    processes.register(PROCESS_KEY, ORIENTATION)


@reading_use_case
def person_of(*, actor: User, orientation_id: int) -> int:
    """The person an orientation is about: the worklist sends its follow-up to the person's page."""
    orientation = get_in_centre(db.session(), Orientation, orientation_id, actor.centre_id)
    if orientation is None:
        raise NotFoundError("Cette orientation n'existe pas dans votre centre.")
    return orientation.person_id
