"""Use cases of the import of people and households from another software's export (CSV or XLSX).

The head of service uploads a file; its columns are mapped to the person's fields (the mapping is kept for
the centre's next file); a background job (the scheduler's `people_imports`) analyses every row: what is
refused, and why, in French, with its line and column; the duplicates the front desk's search finds, among
the centre's people and within the file. Nothing is written while a row is refused. Once the preview is
accepted the same job writes every person and household member in ONE transaction, audited: all or nothing.

A household is written as one line per member sharing the « foyer » column: the line without a « lien »
(or « demandeur ») is the person, the others become the members of their household.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import undefer

from service import clock
from service.access import service as access
from service.access.policy import Part
from service.audit import service as audit
from service.audit.actions import AuditAction
from service.config import local_zone
from service.errors import InvalidInputError, NotFoundError
from service.extensions import db
from service.models import (
    Commune,
    HouseholdMember,
    ImportMapping,
    ImportStatus,
    PeopleImport,
    Person,
    Relationship,
    Role,
    User,
)
from service.models.tenancy import every_centre
from service.people import import_files
from service.people import search as finder
from service.people.service import CIVILITIES
from service.permissions import require_role
from service.unit_of_work import discard, transaction, use_case

log = logging.getLogger(__name__)

IMPORT_ROLES = (Role.RESPONSABLE,)  # registering a whole file of social files at once: the head of service
CHUNK = 250  # rows searched for duplicates per transaction (and per step of the progress shown)
ABANDONED_AFTER = timedelta(minutes=10)
SHOWN = 200  # refusals and duplicates listed on the preview at most (the counts say the rest)


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    limit: int
    aliases: tuple[str, ...]
    required: bool = False


FIELDS: tuple[Field, ...] = (
    Field("nom", "Nom", 100, ("nom", "nom de famille", "nom usage", "nom d usage", "last name"), True),
    Field("prenom", "Prénom", 100, ("prenom", "prenoms", "first name"), True),
    Field(
        "date_naissance",
        "Date de naissance",
        10,
        ("date de naissance", "naissance", "ne le", "ne e le", "ddn"),
    ),
    Field("civilite", "Civilité", 20, ("civilite", "titre", "sexe")),
    Field("telephone", "Téléphone", 40, ("telephone", "tel", "portable", "mobile")),
    Field("courriel", "Courriel", 200, ("courriel", "email", "e mail", "mail", "adresse electronique")),
    Field("adresse", "Adresse", 200, ("adresse", "rue", "voie", "adresse postale")),
    Field("code_postal", "Code postal", 10, ("code postal", "cp")),
    Field("ville", "Ville", 100, ("ville", "localite")),
    Field("commune", "Commune du centre", 100, ("commune",)),
    Field("foyer", "Identifiant du foyer", 50, ("foyer", "n foyer", "numero foyer", "id foyer", "menage")),
    Field(
        "lien", "Lien avec le demandeur", 30, ("lien", "lien de parente", "lien avec le demandeur", "role")
    ),
)
FIELD_KEYS = tuple(f.key for f in FIELDS)
_BY_KEY = {f.key: f for f in FIELDS}
_APPLICANT = ("", "demandeur", "demandeuse", "demandeur se", "titulaire", "chef de famille")
_RELATIONSHIPS = {
    "conjoint": Relationship.CONJOINT, "conjointe": Relationship.CONJOINT, "epoux": Relationship.CONJOINT,
    "epouse": Relationship.CONJOINT, "concubin": Relationship.CONJOINT, "concubine": Relationship.CONJOINT,
    "enfant": Relationship.ENFANT, "fils": Relationship.ENFANT, "fille": Relationship.ENFANT,
    "parent": Relationship.PARENT, "pere": Relationship.PARENT, "mere": Relationship.PARENT,
    "autre": Relationship.AUTRE,
}  # fmt: skip
_CIVILITY = {"madame": "madame", "mme": "madame", "mme.": "madame", "f": "madame", "monsieur": "monsieur",
             "m": "monsieur", "m.": "monsieur", "mr": "monsieur", "h": "monsieur"}  # fmt: skip
_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$|^(\d{4})-(\d{1,2})-(\d{1,2})$")
_FORMULA = re.compile(r"^[=@\t\r]|^[+-][^\d\s(]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# Upload and mapping


@use_case
def upload(*, actor: User, filename: str, content: bytes) -> PeopleImport:
    """Read the file (refused in French if it cannot be); keep its rows until its columns are mapped."""
    require_role(actor, *IMPORT_ROLES)
    name = _CONTROL.sub("", (filename or "").replace("\\", "/").rsplit("/", 1)[-1]).strip()[:200]
    if not name:
        raise import_files.FileRefusedError("Choisissez le fichier à importer.")
    table = import_files.read(name, content)
    found = PeopleImport(
        centre_id=actor.centre_id, filename=name, status=ImportStatus.CORRESPONDANCE, headers=table.headers,
        rows=table.rows, mapping={}, total=len(table.rows), done=0, refusals=[], duplicates=[],
        created_by_id=actor.id, created_at=clock.now(), error="",
    )  # fmt: skip
    db.session.add(found)
    db.session.flush()
    audit.record(
        action=AuditAction.PERSONNES_IMPORT_FICHIER, subject_type="import", subject_id=found.id, actor=actor,
        details={"fichier": name, "lignes": len(table.rows), "colonnes": len(table.headers)},
    )  # fmt: skip
    return found


def get(*, actor: User, import_id: int) -> PeopleImport:
    require_role(actor, *IMPORT_ROLES)
    found = db.session.scalars(
        select(PeopleImport).where(PeopleImport.id == import_id, PeopleImport.centre_id == actor.centre_id)
    ).one_or_none()
    if found is None:
        raise NotFoundError("Cet import n'existe pas.")
    return found


def recent(*, actor: User, limit: int = 10) -> Sequence[PeopleImport]:
    require_role(actor, *IMPORT_ROLES)
    return db.session.scalars(
        select(PeopleImport)
        .where(PeopleImport.centre_id == actor.centre_id)
        .order_by(PeopleImport.id.desc())
        .limit(limit)
    ).all()


def proposed_mapping(*, actor: User, found: PeopleImport) -> dict[str, str]:
    """The mapping offered for the file: the centre's last one where its columns are there, else guessed
    from the columns' names."""
    require_role(actor, *IMPORT_ROLES)
    if found.mapping:
        return dict(found.mapping)
    saved = db.session.scalars(
        select(ImportMapping).where(ImportMapping.centre_id == actor.centre_id)
    ).first()
    headers = list(found.headers)
    proposed: dict[str, str] = {}
    if saved is not None:
        proposed = {
            key: column for key, column in saved.columns.items() if key in _BY_KEY and column in headers
        }
    by_name = {finder.normalise(header): header for header in headers}
    for item in FIELDS:
        if item.key not in proposed:
            guess = next((by_name[alias] for alias in item.aliases if alias in by_name), None)
            if guess is not None and guess not in proposed.values():
                proposed[item.key] = guess
    return proposed


@use_case
def map_columns(*, actor: User, import_id: int, mapping: dict[str, str]) -> PeopleImport:
    """Keep the mapping (for this file, and as the centre's for its next one), then queue the analysis."""
    found = get(actor=actor, import_id=import_id)
    if found.status not in (ImportStatus.CORRESPONDANCE, ImportStatus.APERCU):
        raise InvalidInputError("Cet import n'attend plus la correspondance de ses colonnes.")
    chosen = {key: column for key, column in mapping.items() if column}
    unknown = [key for key in chosen if key not in _BY_KEY]
    if unknown:
        raise InvalidInputError("Un champ inconnu a été envoyé : rechargez la page.")
    for key, column in chosen.items():
        if column not in found.headers:
            raise InvalidInputError("Choisissez une des colonnes du fichier.", field=key)
    columns = list(chosen.values())
    for key, column in chosen.items():
        if columns.count(column) > 1:
            raise InvalidInputError(f"La colonne « {column} » est choisie pour deux champs.", field=key)
    for item in FIELDS:
        if item.required and item.key not in chosen:
            raise InvalidInputError(f"Choisissez la colonne du champ « {item.label} ».", field=item.key)
    if ("lien" in chosen) != ("foyer" in chosen):
        raise InvalidInputError(
            "Pour importer les foyers, choisissez à la fois la colonne du foyer et celle du lien.",
            field="lien",
        )
    found.mapping = chosen
    found.status = ImportStatus.ANALYSE_EN_ATTENTE
    found.done = 0
    found.progress_at = clock.now()
    saved = db.session.scalars(
        select(ImportMapping).where(ImportMapping.centre_id == actor.centre_id)
    ).first()
    if saved is None:
        saved = ImportMapping(centre_id=actor.centre_id, columns={}, updated_at=clock.now())
        db.session.add(saved)
    saved.columns = chosen
    saved.updated_at = clock.now()
    saved.updated_by_id = actor.id
    return found


@use_case
def confirm(*, actor: User, import_id: int, include_duplicates: bool) -> PeopleImport:
    """The preview is accepted: queue the writing (refused while a row is refused)."""
    found = get(actor=actor, import_id=import_id)
    if found.status is not ImportStatus.APERCU:
        raise InvalidInputError("Cet import n'attend pas de confirmation.")
    if found.refused_count:
        raise InvalidInputError(
            "Des lignes sont refusées : corrigez le fichier puis importez-le à nouveau. "
            "Rien n'a été enregistré."
        )
    found.include_duplicates = include_duplicates
    found.status = ImportStatus.IMPORT_EN_ATTENTE
    found.done = 0
    found.progress_at = clock.now()
    return found


# The preview


@dataclass(frozen=True)
class Preview:
    found: PeopleImport
    refusals: list[list[object]]  # the first SHOWN: [line, column, reason]
    duplicates: list[dict[str, object]]  # the first SHOWN
    rows: list[list[str]]  # this page of the file's rows, mapped
    columns: list[str]  # the labels of the mapped fields, in the rows' order
    first_line: int
    pages: int


PAGE_ROWS = 50


def preview(*, actor: User, import_id: int, page: int = 1) -> Preview:
    """The analysed file: its refusals, its duplicates (the people listed are traced as a search would be),
    and one page of its rows as they will be read."""
    found = get(actor=actor, import_id=import_id)
    with transaction(keep_loaded=True):
        refusals = list(found.refusals[:SHOWN]) if found.refused_count else []
        duplicates = list(found.duplicates[:SHOWN])
        people_shown = {p[0] for d in duplicates for p in d.get("personnes", [])}
        for person_id in sorted(people_shown):
            access.record_read(
                actor=actor, action=AuditAction.PERSONNE_RECHERCHE, subject_type="personne",
                subject_id=person_id, parts=(Part.IDENTITE,), details={"import": found.id},
            )  # fmt: skip
        keys = [key for key in FIELD_KEYS if key in found.mapping]
        pages = max(1, -(-found.total // PAGE_ROWS))
        page = min(max(page, 1), pages)
        start = (page - 1) * PAGE_ROWS
        rows: list[list[str]] = []
        if found.status is not ImportStatus.TERMINE:
            positions = [found.headers.index(found.mapping[key]) for key in keys]
            rows = [[row[i] for i in positions] for row in found.rows[start : start + PAGE_ROWS]]
    return Preview(
        found=found, refusals=refusals, duplicates=duplicates, rows=rows,
        columns=[_BY_KEY[key].label for key in keys], first_line=start + 2, pages=pages,
    )  # fmt: skip


# Reading the rows


@dataclass
class Line:
    """A row as it will be written: `relationship` None for a person, else a member of `household`."""

    number: int  # the line in the file (the header is line 1)
    values: dict[str, str]
    birth_date: date | None
    civility: str
    commune_id: int | None
    household: str
    relationship: Relationship | None
    refusals: list[tuple[str, str]] = field(default_factory=list)  # (column, reason)

    @property
    def name(self) -> str:
        return finder.normalise(f"{self.values['nom']} {self.values['prenom']}")


def read_lines(found: PeopleImport, communes: dict[str, int], today: date) -> list[Line]:
    """Every row read and checked, the households checked; each refusal with its column and its reason."""
    positions = {key: found.headers.index(column) for key, column in found.mapping.items()}
    lines = [
        _line(index + 2, row, positions, found.mapping, communes, today)
        for index, row in enumerate(found.rows)
    ]
    _check_households(lines, found.mapping)
    return lines


def _line(
    number: int, row: list[str], positions: dict[str, int], mapping: dict[str, str], communes: dict[str, int],
    today: date,
) -> Line:  # fmt: skip
    values = {key: row[position].strip() for key, position in positions.items()}
    for key in FIELD_KEYS:
        values.setdefault(key, "")
    refusals: list[tuple[str, str]] = []
    for key, value in values.items():
        if key not in mapping:
            continue
        column = mapping[key]
        if _FORMULA.match(row[positions[key]]):
            refusals.append(
                (
                    column,
                    "la cellule commence comme une formule de tableur (=, +, -, @) : elle n'est pas importée",
                )
            )
        elif _CONTROL.search(value):
            refusals.append((column, "la cellule contient des caractères de contrôle"))
        elif len(value) > _BY_KEY[key].limit and key != "date_naissance":
            refusals.append((column, f"{_BY_KEY[key].limit} caractères au plus"))
    for key in ("nom", "prenom"):
        if not values[key]:
            refusals.append((mapping[key], f"le {_BY_KEY[key].label.lower()} est obligatoire"))
    birth = None
    if values["date_naissance"]:
        birth, reason = _birth_date(values["date_naissance"], today)
        if reason:
            refusals.append((mapping["date_naissance"], reason))
    civility = ""
    if values["civilite"]:
        civility = _CIVILITY.get(values["civilite"].lower(), "")
        if civility not in CIVILITIES:
            refusals.append(
                (mapping["civilite"], f"civilité « {values['civilite'][:40]} » inconnue (Madame ou Monsieur)")
            )
    if values["courriel"]:
        try:
            validate_email(values["courriel"], check_deliverability=False)
        except EmailNotValidError:
            refusals.append((mapping["courriel"], "adresse de courriel invalide"))
    phone = values["telephone"]
    if phone.isdigit() and len(phone) == 9 and not phone.startswith("0"):  # a spreadsheet dropped its 0
        values["telephone"] = "0" + phone
    commune_id = None
    if values["commune"]:
        commune_id = communes.get(finder.normalise(values["commune"]))
        if commune_id is None:
            refusals.append(
                (
                    mapping["commune"],
                    f"la commune « {values['commune'][:60]} » n'est pas desservie par le centre",
                )
            )
    relationship = None
    wording = finder.normalise(values["lien"])
    if wording not in _APPLICANT:
        relationship = _RELATIONSHIPS.get(wording)
        if relationship is None:
            refusals.append(
                (
                    mapping["lien"],
                    f"lien « {values['lien'][:40]} » inconnu (demandeur, conjoint, enfant, parent ou autre)",
                )
            )
        elif birth is None and not values["date_naissance"]:
            refusals.append(
                (
                    mapping.get("date_naissance", mapping["lien"]),
                    "la date de naissance d'un membre du foyer est obligatoire",
                )
            )
    return Line(number, values, birth, civility, commune_id, values["foyer"], relationship, refusals)


def _birth_date(text: str, today: date) -> tuple[date | None, str]:
    found = _DATE.match(text)
    if not found:
        return None, f"« {text[:20]} » n'est pas une date (JJ/MM/AAAA)"
    day, month, year = (found[1], found[2], found[3]) if found[1] else (found[6], found[5], found[4])
    try:
        birth = date(int(year), int(month), int(day))
    except ValueError:
        return None, f"« {text[:20]} » n'est pas une date qui existe"
    if birth > today:
        return None, "la date de naissance est dans le futur"
    if birth.year < 1900:
        return None, "la date de naissance est antérieure à 1900"
    return birth, ""


def _check_households(lines: list[Line], mapping: dict[str, str]) -> None:
    if "foyer" not in mapping:
        return
    applicants: dict[str, Line] = {}
    for line in lines:
        if line.relationship is None and line.household:
            if line.household in applicants:
                line.refusals.append(
                    (
                        mapping["foyer"],
                        f"le foyer « {line.household[:40]} » a déjà son demandeur "
                        f"(ligne {applicants[line.household].number})",
                    )
                )
            else:
                applicants[line.household] = line
    for line in lines:
        if line.relationship is None:
            continue
        if not line.household:
            line.refusals.append((mapping["foyer"], "un membre du foyer doit indiquer son foyer"))
        elif line.household not in applicants:
            line.refusals.append(
                (mapping["foyer"], f"le foyer « {line.household[:40]} » n'a pas de demandeur dans le fichier")
            )


# The background job


def run_people_imports() -> str:
    """Analyse or write every import waiting (and those a stopped worker left); the scheduler's job."""
    done = []
    with every_centre(db.session()):
        while (claimed := _claim_next()) is not None:
            import_id, status = claimed
            try:
                if status is ImportStatus.ANALYSE_EN_COURS:
                    _analyse(import_id)
                else:
                    _write(import_id)
            except InvalidInputError as error:
                discard()
                _fail(import_id, error.message)
            except Exception:
                discard()
                log.exception("import %s en échec", import_id)
                _fail(import_id, "Une erreur inattendue a interrompu le travail : rien n'a été enregistré.")
            done.append(f"import {import_id}")
    return ", ".join(done)


def _claimable(now: object) -> object:
    stale = PeopleImport.progress_at < now - ABANDONED_AFTER  # type: ignore[operator]
    return or_(
        PeopleImport.status.in_([ImportStatus.ANALYSE_EN_ATTENTE, ImportStatus.IMPORT_EN_ATTENTE]),
        and_(PeopleImport.status.in_([ImportStatus.ANALYSE_EN_COURS, ImportStatus.IMPORT_EN_COURS]), stale),
    )


def _claim_next() -> tuple[int, ImportStatus] | None:
    """Take the oldest import waiting; two workers never take the same one (the update re-checks)."""
    while True:
        with transaction():
            now = clock.now()
            row = db.session.execute(
                select(PeopleImport.id, PeopleImport.status).where(_claimable(now)).order_by(PeopleImport.id)  # type: ignore[arg-type]
            ).first()
            if row is None:
                return None
            import_id, status = row
            working = (
                ImportStatus.ANALYSE_EN_COURS
                if status in (ImportStatus.ANALYSE_EN_ATTENTE, ImportStatus.ANALYSE_EN_COURS)
                else ImportStatus.IMPORT_EN_COURS
            )
            claimed = db.session.execute(
                update(PeopleImport)
                .where(PeopleImport.id == import_id, _claimable(now))  # type: ignore[arg-type]
                .values(status=working, progress_at=now, done=0)
                .execution_options(synchronize_session=False)
            )
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            return int(import_id), working


def _loaded(import_id: int) -> PeopleImport:
    found = db.session.scalars(
        select(PeopleImport)
        .where(PeopleImport.id == import_id)
        .options(undefer(PeopleImport.rows), undefer(PeopleImport.duplicates))
    ).one()
    return found


def _communes(centre_id: int) -> dict[str, int]:
    rows = db.session.execute(select(Commune.name, Commune.id).where(Commune.centre_id == centre_id)).all()
    return {finder.normalise(name): commune_id for name, commune_id in rows}


def _today() -> date:
    return clock.now().astimezone(local_zone()).date()


def _analyse(import_id: int) -> None:
    with transaction(keep_loaded=True):
        found = _loaded(import_id)
        lines = read_lines(found, _communes(found.centre_id), _today())
        centre_id = found.centre_id
    refusals = [[line.number, column, reason] for line in lines for column, reason in line.refusals]
    applicants = [line for line in lines if line.relationship is None and not line.refusals]
    matches: dict[int, list[list[object]]] = {}
    for start in range(0, len(applicants), CHUNK):  # one transaction and one step of progress per chunk
        chunk = applicants[start : start + CHUNK]
        with transaction(keep_loaded=True):
            answers = finder.find_each(centre_id, [finder.Query(line.name) for line in chunk])
            for line, people in zip(chunk, answers, strict=True):
                same = [p for p in people if not _other_births(line.birth_date, p.birth_date)]
                if same:
                    matches[line.number] = [
                        [p.id, p.display_name, p.birth_date.strftime("%d/%m/%Y") if p.birth_date else ""]
                        for p in same[:5]
                    ]
            db.session.execute(  # the progress shown, without reading the rows again
                update(PeopleImport)
                .where(PeopleImport.id == import_id)
                .values(done=start + len(chunk), progress_at=clock.now())
                .execution_options(synchronize_session=False)
            )
    within: dict[int, list[int]] = {}
    for i, j in finder.close_pairs([line.name for line in applicants]):
        first, second = applicants[i], applicants[j]
        if not _other_births(first.birth_date, second.birth_date):
            within.setdefault(second.number, []).append(first.number)
    duplicates = [
        {
            "ligne": line.number,
            "nom": f"{line.values['nom'].upper()} {line.values['prenom']}",
            "personnes": matches.get(line.number, []),
            "lignes": within.get(line.number, []),
        }
        for line in applicants
        if line.number in matches or line.number in within
    ]
    with transaction():
        found = _loaded(import_id)
        found.refusals = refusals
        found.refused_count = len(refusals)
        found.duplicates = duplicates
        found.duplicate_count = len(duplicates)
        found.done = found.total
        found.status = ImportStatus.APERCU
        found.progress_at = clock.now()
        author = db.session.get(User, found.created_by_id) if found.created_by_id else None
        audit.record(
            action=AuditAction.PERSONNES_IMPORT_ANALYSE, subject_type="import", subject_id=found.id,
            actor=author, centre_id=found.centre_id,
            details={"lignes": found.total, "refus": len(refusals), "doublons": len(duplicates)},
        )  # fmt: skip


def _other_births(first: date | None, second: date | None) -> bool:
    """Two known and different dates of birth: namesakes, not the same person."""
    return first is not None and second is not None and first != second


def _write(import_id: int) -> None:
    """Every person and member of the file in one transaction: all written, or (on any failure) none."""
    with transaction():
        found = _loaded(import_id)
        author = db.session.get(User, found.created_by_id) if found.created_by_id else None
        lines = read_lines(found, _communes(found.centre_id), _today())
        if any(line.refusals for line in lines):
            raise InvalidInputError("Des lignes sont refusées : rien n'a été enregistré.")
        flagged = {entry["ligne"] for entry in found.duplicates}
        skipped = set() if found.include_duplicates else flagged
        now = clock.now()
        heads: dict[str, Person] = {}
        people: list[Person] = []
        for line in lines:
            if line.relationship is not None or line.number in skipped:
                continue
            v = line.values
            person = Person(
                centre_id=found.centre_id, last_name=v["nom"], first_name=v["prenom"], civility=line.civility,
                search_key=line.name, birth_date=line.birth_date, phone=v["telephone"], email=v["courriel"],
                address_line=v["adresse"], postal_code=v["code_postal"], city=v["ville"], quartier_id=None,
                commune_id=line.commune_id, housing="", created_at=now, created_by_id=found.created_by_id,
                updated_at=now,
            )  # fmt: skip
            db.session.add(person)
            people.append(person)
            if line.household:
                heads[line.household] = person
        members = 0
        for line in lines:
            head = heads.get(line.household) if line.relationship is not None else None
            if head is None or line.relationship is None or line.birth_date is None:
                continue  # the member of a household not written (its applicant was a duplicate left out)
            head.members.append(
                HouseholdMember(
                    centre_id=found.centre_id,
                    first_name=line.values["prenom"],
                    last_name=line.values["nom"],
                    birth_date=line.birth_date,
                    relationship_kind=line.relationship,
                )
            )
            members += 1
        db.session.flush()
        for person in people:
            audit.record(
                action=AuditAction.PERSONNE_CREATION, subject_type="personne", subject_id=person.id,
                actor=author, centre_id=found.centre_id, details={"import": found.id},
            )  # fmt: skip
        found.people_created = len(people)
        found.members_created = members
        found.done = found.total
        found.rows = []  # the people are written: no second copy of their data is kept
        found.status = ImportStatus.TERMINE
        found.finished_at = found.progress_at = clock.now()
        audit.record(
            action=AuditAction.PERSONNES_IMPORT, subject_type="import", subject_id=found.id, actor=author,
            centre_id=found.centre_id,
            details={"fichier": found.filename, "personnes": len(people), "membres": members,
                     "doublons_écartés": len(skipped)},
        )  # fmt: skip


@use_case
def _fail(import_id: int, message: str) -> None:
    found = db.session.get(PeopleImport, import_id)
    if found is not None:
        found.status = ImportStatus.ECHEC
        found.error = message
        found.finished_at = clock.now()
