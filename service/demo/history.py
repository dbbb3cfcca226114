"""A year of the demo centre's past, made through the use cases with the clock set back: households of every
commune and kind, urgent-relief requests granted, paid or refused under delegation, legal-aid files forwarded,
so that the figures page has something worth reading."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from service import clock
from service.accounts import service as accounts
from service.config import local_zone
from service.dossiers import service as dossiers
from service.dossiers import tasks
from service.extensions import db
from service.models import (
    AidType,
    Authority,
    BudgetKind,
    BudgetLine,
    Commune,
    HumanTask,
    Partner,
    PartnerKind,
    Relationship,
    User,
)
from service.orientation import orienting
from service.people import service as people

_CLOCK = "entraide.clock"


@dataclass(frozen=True)
class Household:
    last_name: str
    first_name: str
    born: int  # year
    commune: str
    quartier: str | None
    housing: str
    resources_cents: int
    members: tuple[Relationship, ...] = ()


# Chaumont-le-Petit has three households: the board sees "< 5" for it.
HOUSEHOLDS: tuple[Household, ...] = (
    Household("Bernard", "Sylvie", 1979, "Saint-Aubin-sur-Loire", "Les Grillons", "locataire_social", 92000,
              (Relationship.ENFANT, Relationship.ENFANT)),
    Household("Petit", "Karim", 1990, "Saint-Aubin-sur-Loire", "Les Grillons", "locataire_social", 61000),
    Household("Robert", "Josiane", 1948, "Saint-Aubin-sur-Loire", "Centre-ville", "locataire_prive", 98000),
    Household("Richard", "Kevin", 2003, "Saint-Aubin-sur-Loire", "La Gare", "heberge", 42000),
    Household("Durand", "Mélanie", 1985, "Saint-Aubin-sur-Loire", "Les Grillons", "locataire_social", 118000,
              (Relationship.CONJOINT, Relationship.ENFANT, Relationship.ENFANT, Relationship.ENFANT)),
    Household("Dubois", "Gérard", 1956, "Saint-Aubin-sur-Loire", "Le Bourg", "proprietaire", 131000,
              (Relationship.CONJOINT,)),
    Household("Moreau", "Yasmina", 1994, "Saint-Aubin-sur-Loire", "La Gare", "locataire_prive", 75000,
              (Relationship.ENFANT,)),
    Household("Laurent", "Thierry", 1971, "Saint-Aubin-sur-Loire", "Centre-ville", "sans_domicile", 0),
    Household("Simon", "Aminata", 1988, "Saint-Aubin-sur-Loire", "Les Grillons", "locataire_social", 104000,
              (Relationship.ENFANT, Relationship.ENFANT)),
    Household("Michel", "Lucas", 2001, "Saint-Aubin-sur-Loire", "La Gare", "locataire_prive", 58000),
    Household("Lefebvre", "Odette", 1941, "Villiers-sur-Loire", "Les Près", "proprietaire", 89000),
    Household("Leroy", "Sandrine", 1983, "Villiers-sur-Loire", "Le Port", "locataire_social", 96000,
              (Relationship.ENFANT,)),
    Household("Roux", "Mathieu", 1992, "Villiers-sur-Loire", "Le Port", "locataire_prive", 121000,
              (Relationship.CONJOINT, Relationship.ENFANT)),
    Household("David", "Nathalie", 1966, "Villiers-sur-Loire", "Les Près", "locataire_social", 68000),
    Household("Bertrand", "Samir", 1998, "Villiers-sur-Loire", "Le Port", "structure", 38000),
    Household("Morel", "Christiane", 1952, "Villiers-sur-Loire", "Les Près", "locataire_prive", 82000,
              (Relationship.CONJOINT,)),
    Household("Fournier", "Jordan", 2004, "Les Aubiers", None, "heberge", 31000),
    Household("Girard", "Fatima", 1976, "Les Aubiers", None, "locataire_social", 101000,
              (Relationship.ENFANT, Relationship.ENFANT, Relationship.ENFANT)),
    Household("Bonnet", "Alain", 1960, "Les Aubiers", None, "locataire_prive", 64000),
    Household("Dupont", "Laura", 1995, "Les Aubiers", None, "locataire_social", 87000,
              (Relationship.ENFANT,)),
    Household("Lambert", "René", 1944, "Les Aubiers", None, "proprietaire", 112000, (Relationship.CONJOINT,)),
    Household("Fontaine", "Chloé", 1999, "Chaumont-le-Petit", None, "locataire_prive", 72000),
    Household("Rousseau", "Didier", 1968, "Chaumont-le-Petit", None, "proprietaire", 97000,
              (Relationship.CONJOINT, Relationship.ENFANT)),
    Household("Vincent", "Marie", 1958, "Chaumont-le-Petit", None, "locataire_social", 66000),
)  # fmt: skip
# Per household, in turn: how much is asked, and what the delegate does (accord, refusal and its category).
_OUTCOMES = (
    (15000, "accord", ""), (22000, "accord", ""), (9000, "accord", ""), (30000, "refus", "ressources"),
    (12000, "accord", ""), (25000, "refus", "plafond"), (18000, "accord", ""), (8000, "accord", ""),
    (20000, "refus", "autre_dispositif"), (14000, "accord", ""), (26000, "accord", ""),
)  # fmt: skip
_LEGAL_AID = (0, 10, 18, 23)  # the households that also ask for legal aid (APA à domicile)
_DAYS = 350  # the first request, that many days ago


@contextmanager
def _clock_at(start: datetime) -> Iterator[clock.TravellingClock]:
    """The application's clock set back for the history, then given back as it was."""
    kept = current_app.extensions.get(_CLOCK)
    travelling = clock.TravellingClock(start)
    current_app.extensions[_CLOCK] = travelling
    try:
        yield travelling
    finally:
        if kept is None:
            current_app.extensions.pop(_CLOCK, None)
        else:
            current_app.extensions[_CLOCK] = kept


def seed(users: dict[str, User]) -> int:
    """The past year's requests, oldest first; return how many dossiers were made."""
    started = clock.now()
    communes = {c.name: c for c in db.session.scalars(select(Commune))}
    made = 0
    with _clock_at(started - timedelta(days=_DAYS)) as travelling:
        for index, household in enumerate(HOUSEHOLDS):
            travelling.set(started - timedelta(days=_DAYS - index * 14, hours=-1))
            person_id = _register(users["accueil"], household, communes)
            asked, decision, category = _OUTCOMES[index % len(_OUTCOMES)]
            _relief(users, travelling, person_id, asked, decision, category)
            made += 1
            if index % 3 == 1:
                travelling.advance(timedelta(hours=1))
                _orientation(users["instructeur"], person_id, index)
            if index in _LEGAL_AID:
                travelling.advance(timedelta(days=2))
                _legal_aid(users, travelling, person_id, late=index == 10)
                made += 1
    accounts.scope_session_to(users["accueil"])
    return made


# Orientations of the year: (partner kind, domain, reason), the person agreeing to share it but every third.
_ORIENTATIONS = (
    (PartnerKind.MEDIATION_DETTES, "budget", "Plusieurs crédits à la consommation et des retards de loyer."),
    (PartnerKind.CAF, "acces_droits", "Changement de situation familiale à déclarer, droits à revoir."),
    (PartnerKind.AIDE_ALIMENTAIRE, "alimentation", "Reste à vivre très faible en fin de mois."),
    (PartnerKind.CMS_EDS, "famille", "Accompagnement éducatif et budgétaire de la famille."),
    (PartnerKind.FRANCE_SERVICES, "numerique", "Aide aux démarches en ligne (compte ameli, espace CAF)."),
    (PartnerKind.CONSEIL_JURIDIQUE, "juridique", "Procédure d'expulsion engagée par le bailleur."),
)


def _orientation(instructeur: User, person_id: int, index: int) -> None:
    """An orientation to a partner: its follow-up opens at the demo's first wake."""
    accounts.scope_session_to(instructeur)
    kind, domain, reason = _ORIENTATIONS[(index // 3) % len(_ORIENTATIONS)]
    partner = db.session.scalars(
        select(Partner).where(Partner.kind == kind, Partner.active.is_(True)).order_by(Partner.id)
    ).first()
    if partner is None or domain not in partner.domains:
        return
    orienting.orient(
        actor=instructeur, person_id=person_id, partner_id=partner.id, domain=domain, reason=reason,
        consent=index % 9 != 7,
    )  # fmt: skip


def _register(accueil: User, household: Household, communes: dict[str, Commune]) -> int:
    accounts.scope_session_to(accueil)
    commune = communes[household.commune]
    quartier = next((q for q in commune.quartiers if q.name == household.quartier), None)
    person = people.create(
        actor=accueil,
        identity=people.Identity(
            last_name=household.last_name, first_name=household.first_name,
            birth_date=date(household.born, 6, 15), city=commune.name, commune_id=commune.id,
            quartier_id=quartier.id if quartier else None, housing=household.housing,
        ),
        confirm_duplicate=True,
    )  # fmt: skip
    for position, relationship in enumerate(household.members):
        born = 1980 if relationship is Relationship.CONJOINT else 2012 + position
        people.add_member(
            actor=accueil, person_id=person.id, first_name=f"Membre {position + 1}",
            last_name=household.last_name, birth_date=date(born, 1, 10), relationship=relationship,
        )  # fmt: skip
    lines = [(BudgetKind.RESSOURCE, "rsa", household.resources_cents), (BudgetKind.CHARGE, "loyer", 45000)]
    for kind, category, amount in lines:
        if amount:
            people.add_budget_line(
                actor=accueil, person_id=person.id, kind=kind, category=category, label="",
                monthly_amount_cents=amount,
            )  # fmt: skip
    return person.id


def _do(actor: User, dossier_id: int, task_name: str, form: dict[str, str]) -> None:
    accounts.scope_session_to(actor)
    task = db.session.scalars(
        select(HumanTask).where(
            HumanTask.dossier_id == dossier_id,
            HumanTask.task_name == task_name,
            HumanTask.completed_at.is_(None),
        )
    ).one()
    tasks.complete_task(actor=actor, task_id=task.id, form=form)


def _has_resources(person_id: int) -> bool:
    return (
        db.session.scalar(
            select(BudgetLine.id)
            .where(BudgetLine.person_id == person_id, BudgetLine.kind == BudgetKind.RESSOURCE)
            .limit(1)
        )
        is not None
    )


def _today() -> str:
    return clock.now().astimezone(local_zone()).date().isoformat()


def _relief(
    users: dict[str, User], travelling: clock.TravellingClock, person_id: int, asked: int, decision: str,
    category: str,
) -> None:  # fmt: skip
    accounts.scope_session_to(users["accueil"])
    dossier = dossiers.open_request(
        actor=users["accueil"], person_id=person_id, aid_type=AidType.SECOURS_URGENCE,
        reason="Facture d'énergie impayée.",
    )  # fmt: skip
    travelling.advance(timedelta(hours=20))
    evaluation = {
        "situation": "Facture d'énergie impayée, relance du fournisseur.", "nature_besoin": "energie",
        "montant_cents": f"{asked // 100}", "mode_paiement": "bon",
    }  # fmt: skip
    if not _has_resources(person_id):
        evaluation["budget_declare"] = "on"  # the person declared no resources
    _do(users["instructeur"], dossier.id, "evaluer", evaluation)
    travelling.advance(timedelta(hours=20))
    if decision == "accord":
        form = {"decision": "accord", "montant_accorde_cents": f"{asked // 100}"}
    else:
        reasons = "Les ressources et la situation du foyer ne relèvent pas du règlement des aides."
        form = {"decision": "refus", "categorie_refus": category, "motif": reasons}
    _do(users["delegataire"], dossier.id, "decider_delegation", form)
    travelling.advance(timedelta(days=1))
    _do(users["instructeur"], dossier.id, "notifier", {"moyen": "courrier", "date_notification": _today()})
    if decision == "accord":
        travelling.advance(timedelta(days=3))
        payment = {"mode_paiement": "bon", "montant_verse_cents": f"{asked // 100}", "reference": "BON-2026"}
        _do(users["regisseur"], dossier.id, "payer", payment)


def _legal_aid(
    users: dict[str, User], travelling: clock.TravellingClock, person_id: int, *, late: bool
) -> None:
    accounts.scope_session_to(users["accueil"])
    dossier = dossiers.open_request(
        actor=users["accueil"],
        person_id=person_id,
        aid_type=AidType.AIDE_SOCIALE_LEGALE,
        reason="APA à domicile",
    )
    _do(
        users["accueil"],
        dossier.id,
        "enregistrer_depot",
        {"date_depot": _today(), "type_aide_legale": "apa_domicile"},
    )
    travelling.advance(timedelta(days=6))
    _do(users["instructeur"], dossier.id, "constituer_dossier", {"pieces_jointes": "Formulaire de demande"})
    travelling.advance(timedelta(days=2))
    opinion = {"avis": "favorable", "motifs_avis": "Perte d'autonomie constatée lors de la visite."}
    _do(users["responsable"], dossier.id, "donner_avis", opinion)
    travelling.advance(timedelta(days=26 if late else 5))
    authority = db.session.scalars(select(Authority).order_by(Authority.id)).first()
    assert authority is not None  # noqa: S101 - the demo's directory is seeded before
    form = {"autorite": str(authority.id), "mode_transmission": "courrier"}
    _do(users["secretariat"], dossier.id, "transmettre", form)
    travelling.advance(timedelta(days=30))
    answer = {"decision_autorite": "accord", "date_decision": _today(), "reference": f"APA-{dossier.number}"}
    _do(users["secretariat"], dossier.id, "enregistrer_decision_autorite", answer)
    _do(
        users["instructeur"],
        dossier.id,
        "informer_personne",
        {"moyen": "courrier", "date_notification": _today()},
    )
