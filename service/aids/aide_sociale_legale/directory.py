"""The legal aids the centre forwards, and its directory of the authorities competent to decide them.

The centre builds the file of a legal-aid request and forwards it, with its opinion, to the competent
authority within one month of filing (art. L131-1 CASF): each kind of aid names the kind of authority
that decides it and the pieces the file gathers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from service import contact
from service.audit import service as audit
from service.audit.actions import AuditAction
from service.errors import InvalidInputError
from service.extensions import db
from service.models import Authority, AuthorityKind, Role, User
from service.permissions import require_role
from service.unit_of_work import use_case

READING_ROLES = (Role.SECRETARIAT, Role.RESPONSABLE, Role.INSTRUCTEUR, Role.ADMIN)
EDITING_ROLES = (Role.SECRETARIAT, Role.RESPONSABLE, Role.ADMIN)
_IDENTITY = "Copie d'une pièce d'identité (ou du titre de séjour)"
_TAX_NOTICE = "Dernier avis d'imposition ou de non-imposition"
_BANK_DETAILS = "Relevé d'identité bancaire"
_HOME = "Justificatif de domicile ou attestation d'élection de domicile"


@dataclass(frozen=True)
class LegalAidKind:
    """A legal aid: its French label, the kind of authority that decides it, the pieces of its file."""

    code: str
    label: str
    authority: AuthorityKind
    pieces: tuple[str, ...]


_KINDS = (
    LegalAidKind(
        "apa_domicile",
        "Allocation personnalisée d'autonomie (APA) à domicile",
        AuthorityKind.CONSEIL_DEPARTEMENTAL,
        (
            "Formulaire de demande d'aides à l'autonomie à domicile, complété et signé",
            _IDENTITY,
            _TAX_NOTICE,
            "Dernier avis de taxe foncière (propriétaire)",
            _BANK_DETAILS,
        ),
    ),
    LegalAidKind(
        "aide_sociale_hebergement",
        "Aide sociale à l'hébergement (ASH)",
        AuthorityKind.CONSEIL_DEPARTEMENTAL,
        (
            "Formulaire de demande d'aide sociale à l'hébergement, complété et signé",
            _IDENTITY,
            _TAX_NOTICE,
            "Justificatifs de ressources (pensions, retraites, revenus des placements)",
            "Relevés des comptes et placements",
            "Liste des obligés alimentaires (enfants, petits-enfants) et leurs coordonnées",
            "Attestation d'admission ou devis de l'établissement d'hébergement",
            _BANK_DETAILS,
        ),
    ),
    LegalAidKind(
        "aide_menagere",
        "Aide ménagère",
        AuthorityKind.CONSEIL_DEPARTEMENTAL,
        (
            "Formulaire de demande d'aide ménagère, complété et signé",
            _IDENTITY,
            _TAX_NOTICE,
            "Justificatifs de ressources des trois derniers mois",
            "Certificat médical attestant le besoin d'aide",
            _BANK_DETAILS,
        ),
    ),
    LegalAidKind(
        "complementaire_sante_solidaire",
        "Complémentaire santé solidaire",
        AuthorityKind.CPAM,
        (
            "Formulaire de demande de complémentaire santé solidaire, complété et signé",
            _IDENTITY,
            "Justificatifs des ressources du foyer des douze derniers mois",
            _HOME,
            _TAX_NOTICE,
        ),
    ),
    LegalAidKind(
        "aide_medicale_etat",
        "Aide médicale de l'État (AME)",
        AuthorityKind.CPAM,
        (
            "Formulaire de demande d'aide médicale de l'État, complété et signé",
            "Document attestant l'identité (passeport, carte d'identité, acte de naissance)",
            "Justificatif de résidence en France depuis plus de trois mois",
            _HOME,
            "Justificatifs des ressources des douze derniers mois",
            "Photographie d'identité",
        ),
    ),
    LegalAidKind(
        "aide_sociale_etat",
        "Aide sociale de l'État (personne sans domicile de secours)",
        AuthorityKind.PREFET,
        (
            "Formulaire de demande d'aide sociale, complété et signé",
            _IDENTITY,
            "Attestation d'élection de domicile",
            "Justificatifs de ressources",
            "Éléments établissant l'absence de domicile de secours (lieux de résidence des derniers mois)",
        ),
    ),
)

LEGAL_AID_KINDS: dict[str, LegalAidKind] = {kind.code: kind for kind in _KINDS}


def kind_of(code: str) -> LegalAidKind:
    """The legal aid of a code, or the French refusal."""
    try:
        return LEGAL_AID_KINDS[code]
    except KeyError as exc:
        raise InvalidInputError("Choisissez une des aides sociales légales de la liste.") from exc


def list_authorities(*, actor: User, kind: AuthorityKind | None = None) -> Sequence[Authority]:
    """The centre's directory, active authorities first, by kind and name."""
    require_role(actor, *READING_ROLES)
    query = select(Authority).order_by(Authority.active.desc(), Authority.kind, Authority.name)
    if kind is not None:
        query = query.where(Authority.kind == kind)
    return db.session.scalars(query).all()


def competent_authorities(kind: AuthorityKind) -> Sequence[Authority]:
    """The active authorities of a kind, for the transmission form (the session is scoped to the centre)."""
    return db.session.scalars(
        select(Authority).where(Authority.kind == kind, Authority.active.is_(True)).order_by(Authority.name)
    ).all()


@use_case
def add_authority(
    *, actor: User, name: str, kind: AuthorityKind | str, address: str, email: str = ""
) -> Authority:
    """Enter an authority in the centre's directory; its name is unique for its kind."""
    require_role(actor, *EDITING_ROLES)
    name, address, email = name.strip(), address.strip(), email.strip()
    authority_kind = _authority_kind(kind)
    _check(name=name, address=address, email=email)
    same = select(Authority.id).where(Authority.kind == authority_kind, Authority.name == name)
    if db.session.scalar(same) is not None:
        raise InvalidInputError(f"« {name} » est déjà dans l'annuaire ({authority_kind.label}).")
    authority = Authority(
        centre_id=actor.centre_id, name=name, kind=authority_kind, address=address, email=email, active=True
    )
    db.session.add(authority)
    db.session.flush()
    audit.record(
        action=AuditAction.AUTORITE_AJOUT, subject_type="autorité", subject_id=authority.id, actor=actor,
        details={"nom": name, "type": authority_kind.value},
    )  # fmt: skip
    return authority


def _authority_kind(kind: AuthorityKind | str) -> AuthorityKind:
    try:
        return AuthorityKind(kind)
    except ValueError as exc:
        raise InvalidInputError("Choisissez un type d'autorité de la liste.") from exc


def _check(*, name: str, address: str, email: str) -> None:
    if not name:
        raise InvalidInputError("Indiquez le nom de l'autorité.")
    if len(name) > 200:
        raise InvalidInputError("Le nom de l'autorité dépasse 200 caractères.")
    if not address:
        raise InvalidInputError("Indiquez l'adresse postale de l'autorité : elle figure sur le bordereau.")
    if email and not contact.is_email(email):
        raise InvalidInputError("L'adresse de courriel de l'autorité est invalide.")
