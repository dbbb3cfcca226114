"""The main navigation: each entry names the roles that see it (None: every signed-in user)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, request
from flask_login import current_user

from service.models import Role
from service.organisation import service as organisation


@dataclass(frozen=True)
class NavEntry:
    label: str
    endpoint: str
    roles: frozenset[Role] | None = None


NAVIGATION: tuple[NavEntry, ...] = (
    NavEntry("Tableau de bord", "home.dashboard"),
    NavEntry(
        "Tâches", "tasks.index", frozenset(role for role in Role if role not in {Role.ADMIN, Role.MAIRIE})
    ),
    NavEntry("Mes fiches de liaison", "liaisons.index", frozenset({Role.MAIRIE})),
    NavEntry("Personnes", "people.search", frozenset({Role.ACCUEIL, Role.INSTRUCTEUR, Role.RESPONSABLE})),
    NavEntry(
        "Chèques", "cheques.stock_page", frozenset({Role.SECRETARIAT, Role.REGISSEUR, Role.RESPONSABLE})
    ),
    NavEntry(
        "Commission",
        "committee.index",
        frozenset({Role.SECRETARIAT, Role.RESPONSABLE, Role.DELEGATAIRE, Role.ELU}),
    ),
    NavEntry(
        "Ateliers",
        "workshops.index",
        frozenset({Role.ACCUEIL, Role.INSTRUCTEUR, Role.RESPONSABLE}),
    ),
    NavEntry(
        "Rendez-vous",
        "appointments.index",
        frozenset({Role.ACCUEIL, Role.INSTRUCTEUR, Role.RESPONSABLE}),
    ),
    NavEntry(
        "Domiciliation",
        "domiciliation.index",
        frozenset({Role.ACCUEIL, Role.INSTRUCTEUR, Role.RESPONSABLE}),
    ),
    NavEntry(
        "Partenaires",
        "orientation.partners",
        frozenset({Role.ACCUEIL, Role.INSTRUCTEUR, Role.RESPONSABLE, Role.ADMIN}),
    ),
    NavEntry(
        "Autorités", "authorities.index", frozenset({Role.SECRETARIAT, Role.RESPONSABLE, Role.INSTRUCTEUR})
    ),
    NavEntry("Statistiques", "statistics.index", frozenset({Role.RESPONSABLE, Role.DELEGATAIRE, Role.ELU})),
    NavEntry("Communes", "organisation.communes", frozenset({Role.RESPONSABLE})),
    NavEntry("Le centre", "centre.identity_page", frozenset({Role.ADMIN, Role.RESPONSABLE})),
    NavEntry("Utilisateurs", "admin.users", frozenset({Role.ADMIN, Role.RESPONSABLE})),
    NavEntry("Journal d'audit", "admin.audit_log", frozenset({Role.ADMIN, Role.RESPONSABLE})),
    NavEntry("Courriels", "admin.mail", frozenset({Role.ADMIN})),
    NavEntry("Processus", "admin.processes", frozenset({Role.ADMIN})),
    NavEntry("Barèmes", "admin.tables", frozenset({Role.ADMIN})),
    NavEntry("Jetons d'API", "admin.api_tokens", frozenset({Role.ADMIN})),
    NavEntry("Mon compte", "account.show"),
)


def entries_for(roles: frozenset[Role]) -> list[NavEntry]:
    return [entry for entry in NAVIGATION if entry.roles is None or not entry.roles.isdisjoint(roles)]


def init_app(app: Flask) -> None:
    app.context_processor(_navigation_context)


def _navigation_context() -> dict[str, Any]:
    if not current_user.is_authenticated:
        return {"navigation": [], "current_endpoint": request.endpoint, "centre": None}
    return {
        "navigation": entries_for(current_user.roles),
        "current_endpoint": request.endpoint,
        "centre": organisation.get_centre(current_user.centre_id),
    }
