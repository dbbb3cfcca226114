"""Use cases of the fiche de liaison: a town-hall agent finds or describes the person and sends the form; the
instructing agents read it and call back; the town-hall agent follows what became of it, never the file.

Sending starts premier_accueil.bpmn (service.processes), whose phone evaluation is due by the end of the
second working day after the liaison, or of the same day when urgent (service.liaisons.working_days).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from service import clock, contact, processes
from service.access import service as access
from service.access.policy import Part
from service.accounts import service as accounts
from service.audit import service as audit
from service.audit.actions import AuditAction
from service.errors import InvalidInputError, NotFoundError
from service.extensions import db
from service.liaisons import working_days
from service.models import (
    Commune,
    HumanTask,
    Liaison,
    LiaisonOutcome,
    Person,
    Quartier,
    Role,
    TownHallPost,
    User,
)
from service.people import search as finder
from service.permissions import require_role
from service.unit_of_work import read_use_case, reading_use_case, use_case

PROCESS_KEY = "premier_accueil"
EVALUATION_TASK = "evaluer_liaison"
NORMAL_DELAY_WORKING_DAYS = 2
URGENT_DELAY_WORKING_DAYS = 0  # the same day
READERS = (Role.INSTRUCTEUR, Role.RESPONSABLE)  # those who call back: the liaison's question is theirs
PICK_LIMIT = 10
MIN_NAME_LETTERS = 2  # a name searched by the town hall, not an initial that lists the file
LIST_LIMIT = 200


class ConsentMissingError(InvalidInputError):
    """The person did not agree to share: nothing is sent."""

    def __init__(self) -> None:
        super().__init__(
            "Sans l'accord de la personne pour transmettre sa demande au centre, la fiche ne peut pas être "
            "envoyée.",
            field="consent",
        )


# ---- the town-hall agent's post ---------------------------------------------------------------------------


@use_case
def attach_to_town_hall(
    *, actor: User, user_id: int, commune_id: int | None, quartier_id: int | None = None
) -> TownHallPost:
    """Attach a town-hall agent's account to a commune of the centre, or to a quartier (of that commune)."""
    require_role(actor, Role.ADMIN)
    user = db.session.get(User, user_id)
    if user is None or user.centre_id != actor.centre_id or not user.has_role(Role.MAIRIE):
        raise NotFoundError("Ce compte d'agent de mairie n'existe pas dans votre centre.")
    if quartier_id is not None:
        quartier = db.session.get(Quartier, quartier_id)
        if quartier is None or quartier.centre_id != actor.centre_id:
            raise InvalidInputError("Choisissez une des mairies proposées.", field="town_hall")
        if commune_id is not None and quartier.commune_id != commune_id:
            raise InvalidInputError("Le quartier choisi n'est pas dans cette commune.", field="town_hall")
        commune_id = quartier.commune_id
    commune = db.session.get(Commune, commune_id) if commune_id is not None else None
    if commune is None or commune.centre_id != actor.centre_id:
        raise InvalidInputError("Choisissez une des mairies proposées.", field="town_hall")
    post = db.session.scalars(select(TownHallPost).where(TownHallPost.user_id == user.id)).one_or_none()
    if post is None:
        post = TownHallPost(centre_id=actor.centre_id, user_id=user.id, commune_id=commune.id)
        db.session.add(post)
    post.commune_id, post.quartier_id = commune.id, quartier_id
    return post


@use_case
def create_town_hall_agent(
    *,
    actor: User,
    account: Mapping[str, str],
    roles: Sequence[Role],
    commune_id: int | None,
    quartier_id: int | None,
) -> User:
    """Create a town-hall agent's account and attach it to its town hall, together or not at all.

    `account`: the fields of accounts.create_user (username, full_name, title, email, password).
    """
    require_role(actor, Role.ADMIN)
    user = accounts.create_user(
        centre_code=account["centre_code"], username=account["username"], full_name=account["full_name"],
        title=account.get("title", ""), email=account.get("email", ""), password=account["password"],
        roles=roles, actor=actor,
    )  # fmt: skip
    db.session.flush()
    attach_to_town_hall(actor=actor, user_id=user.id, commune_id=commune_id, quartier_id=quartier_id)
    return user


def _post_of(actor: User) -> TownHallPost:
    require_role(actor, Role.MAIRIE)
    post = db.session.scalars(select(TownHallPost).where(TownHallPost.user_id == actor.id)).one_or_none()
    if post is None:
        raise InvalidInputError(
            "Votre compte n'est rattaché à aucune mairie : demandez à l'administrateur·rice du centre de le "
            "rattacher à votre commune."
        )
    return post


@read_use_case
def post_of(*, actor: User) -> TownHallPost:
    """The town hall the agent writes from."""
    return _post_of(actor)


# ---- finding the person, without the file ----------------------------------------------------------------


@dataclass(frozen=True)
class PersonPick:
    """What a town-hall agent sees of a person of the centre: enough to pick them, nothing of the file."""

    id: int
    name: str
    birth_year: int | None


@reading_use_case
def find_people(*, actor: User, query: str) -> Sequence[PersonPick]:
    """The centre's people matching the name (forgiving typos), as name and birth year only; each one shown is
    traced on their file like any search result. A name only: the front desk's search also reads a date of
    birth or a phone number, facts of the file the town hall must not be able to confirm."""
    _post_of(actor)
    found = _matching(actor, query)
    for person in found:
        access.record_read(
            actor=actor, action=AuditAction.PERSONNE_RECHERCHE, subject_type="personne", subject_id=person.id,
            parts=[Part.IDENTITE], details={"page": "fiche de liaison"},
        )  # fmt: skip
    return [
        PersonPick(person.id, person.display_name, person.birth_date.year if person.birth_date else None)
        for person in found
    ]


def _matching(actor: User, query: str) -> list[Person]:
    name = " ".join(word for word in query[:200].split() if not _has_digit(word))
    key = finder.normalise(name)
    if len(key.replace(" ", "")) < MIN_NAME_LETTERS:
        return []
    return list(finder.find(actor.centre_id, finder.Query(key, None, None)))[:PICK_LIMIT]


def _has_digit(word: str) -> bool:
    return any(char.isdigit() for char in word)


# ---- sending ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LiaisonForm:
    """What the town-hall agent fills in; person_id when the person was found, else the description."""

    question: str
    consent: bool
    urgent: bool = False
    person_id: int | None = None
    last_name: str = ""
    first_name: str = ""
    birth_year: int | None = None
    phone: str = ""
    email: str = ""
    query: str = ""  # the search that proposed the person picked


def due_at(sent_at: datetime, *, urgent: bool) -> datetime:
    """When the phone evaluation is due: the same working day when urgent, else within two working days."""
    delay = URGENT_DELAY_WORKING_DAYS if urgent else NORMAL_DELAY_WORKING_DAYS
    return working_days.deadline(sent_at, working_days=delay)


@use_case
def send(*, actor: User, form: LiaisonForm) -> Liaison:
    """Send the liaison to the centre and start its phone evaluation, in one transaction."""
    post = _post_of(actor)
    if not form.consent:
        raise ConsentMissingError()
    liaison = Liaison(
        centre_id=actor.centre_id, sender_id=actor.id, commune_id=post.commune_id,
        quartier_id=post.quartier_id, question=_required_text(form.question, "question", 4000),
        urgent=form.urgent, consent=True, phone=_phone(form.phone), email=_email(form.email),
        outcome_note="",
    )  # fmt: skip
    if form.person_id is not None:
        # Only a person the agent's own search proposed: an id typed in by hand names nobody.
        if form.person_id not in {person.id for person in _matching(actor, form.query)}:
            raise InvalidInputError("Choisissez une des personnes proposées.", field="person_id")
        liaison.person_id = form.person_id
    else:
        liaison.last_name = _required_text(form.last_name, "last_name", 100, what="le nom de la personne")
        liaison.first_name = " ".join(form.first_name.split())[:100]
        liaison.birth_year = _birth_year(form.birth_year)
    if not liaison.phone and not liaison.email:
        raise InvalidInputError(
            "Indiquez comment joindre la personne : téléphone ou courriel.", field="phone"
        )
    now = clock.now()
    liaison.sent_at, liaison.due_at = now, due_at(now, urgent=form.urgent)
    db.session.add(liaison)
    db.session.flush()
    advance = processes.start(
        process_key=PROCESS_KEY,
        centre_id=actor.centre_id,
        data={
            "liaison_id": liaison.id,
            "urgente": form.urgent,
            "evaluer_avant_le": liaison.due_at.isoformat(),
        },
    )
    liaison.instance_id = advance.instance.id
    audit.record(
        action=AuditAction.LIAISON_ENVOI, subject_type="liaison", subject_id=liaison.id, actor=actor,
        details={"urgente": form.urgent, "personne connue": liaison.person_id is not None},
    )  # fmt: skip
    return liaison


def _required_text(value: str, field: str, limit: int, *, what: str = "la question posée") -> str:
    text = value.strip()
    if not text:
        raise InvalidInputError(f"Indiquez {what}.", field=field)
    if len(text) > limit:
        raise InvalidInputError(f"{limit} caractères au plus.", field=field)
    return text


def _phone(value: str) -> str:
    phone = " ".join(value.split())
    if phone and not contact.is_phone(phone):
        raise InvalidInputError("Saisissez un numéro de téléphone (chiffres, espaces, +).", field="phone")
    return phone


def _email(value: str) -> str:
    email = value.strip()
    if email and not contact.is_email(email):
        raise InvalidInputError("Saisissez une adresse de courriel valide.", field="email")
    return email


def _birth_year(year: int | None) -> int | None:
    if year is None:
        return None
    this_year = clock.now().year
    if not this_year - 120 <= year <= this_year:
        raise InvalidInputError(
            f"Une année de naissance entre {this_year - 120} et {this_year}.", field="birth_year"
        )
    return year


# ---- what the town hall sees: the outcome, never the file -----------------------------------------------


@dataclass(frozen=True)
class SentLine:
    id: int
    sent_at: datetime
    person_name: str
    urgent: bool
    outcome_label: str
    outcome_at: datetime | None


@read_use_case
def sent_by(*, actor: User) -> Sequence[SentLine]:
    """The liaisons the agent sent, newest first, with what became of each (label and date only)."""
    require_role(actor, Role.MAIRIE)
    rows = db.session.scalars(
        select(Liaison).where(Liaison.sender_id == actor.id).order_by(Liaison.id.desc()).limit(LIST_LIMIT)
    ).all()
    return [
        SentLine(row.id, row.sent_at, row.person_name, row.urgent, row.outcome_label, row.outcome_at)
        for row in rows
    ]


# ---- what the instructing agents read ---------------------------------------------------------------------


@dataclass(frozen=True)
class LiaisonPage:
    liaison: Liaison
    sender: User
    task: HumanTask | None  # the evaluation, while it is open
    overdue: bool


@reading_use_case
def liaison_page(*, actor: User, liaison_id: int) -> LiaisonPage:
    """The liaison as those who call back read it: traced like a read of the person."""
    require_role(actor, *READERS)
    liaison = db.session.get(Liaison, liaison_id)
    if liaison is None or liaison.centre_id != actor.centre_id:
        raise NotFoundError("Cette fiche de liaison n'existe pas dans votre centre.")
    task = db.session.scalars(
        select(HumanTask).where(
            HumanTask.instance_id == liaison.instance_id,
            HumanTask.task_name == EVALUATION_TASK,
            HumanTask.completed_at.is_(None),
        )
    ).first()
    sender = db.session.get(User, liaison.sender_id)
    if sender is None:  # a foreign key: never
        raise NotFoundError("L'auteur de cette fiche de liaison est introuvable.")
    access.record_read(
        actor=actor, action=AuditAction.LIAISON_CONSULTATION, subject_type="liaison", subject_id=liaison.id,
        parts=[Part.IDENTITE, Part.COORDONNEES, Part.SITUATION],
    )  # fmt: skip
    if liaison.person_id is not None:
        access.record_read(
            actor=actor, action=AuditAction.PERSONNE_CONSULTATION, subject_type="personne",
            subject_id=liaison.person_id, parts=[Part.IDENTITE], details={"page": "fiche de liaison"},
        )  # fmt: skip
    overdue = liaison.outcome is None and liaison.due_at < clock.now()
    return LiaisonPage(liaison, sender, task, overdue)


def of_person(person_id: int, limit: int) -> Sequence[Liaison]:
    """The person's liaisons, newest first (the follow-up timeline reads them)."""
    return db.session.scalars(
        select(Liaison).where(Liaison.person_id == person_id).order_by(Liaison.id.desc()).limit(limit)
    ).all()


def outcome_choices() -> list[tuple[str, str]]:
    return [(outcome.value, outcome.label) for outcome in LiaisonOutcome]
