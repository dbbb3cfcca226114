"""Demo data for the embedded default: one centre, its quartiers, one user per role."""

from __future__ import annotations

from service.accounts import service as accounts
from service.models import CentreKind, Role
from service.organisation import service as organisation

DEMO_CENTRE_CODE = "ccas-saint-aubin"
DEMO_PASSWORD = "demo-entraide-2026"  # noqa: S105 - published in the README, demo only
DEMO_USERS: tuple[tuple[str, str, str, Role], ...] = (
    ("accueil", "Nadia Benali", "Chargée d'accueil", Role.ACCUEIL),
    ("instructeur", "Julien Marchand", "Conseiller en économie sociale et familiale", Role.INSTRUCTEUR),
    ("secretariat", "Sophie Lambert", "Secrétaire administrative", Role.SECRETARIAT),
    ("responsable", "Claire Dumont", "Directrice du CCAS", Role.RESPONSABLE),
    ("delegataire", "Michel Garnier", "Vice-président du CCAS", Role.DELEGATAIRE),
    ("elu", "Aïcha Diallo", "Membre du conseil d'administration", Role.ELU),
    ("regisseur", "Paul Henry", "Régisseur d'avances", Role.REGISSEUR),
    ("admin", "Léa Fontaine", "Administratrice fonctionnelle", Role.ADMIN),
)


def seed_if_empty() -> bool:
    """Create the demo centre and users when the installation has no centre; tell whether it did."""
    if organisation.count_centres():
        return False
    organisation.create_centre(
        code=DEMO_CENTRE_CODE,
        name="CCAS de Saint-Aubin-sur-Loire",
        kind=CentreKind.CCAS,
        communes={
            ("45999", "Saint-Aubin-sur-Loire"): ["Centre-ville", "Les Grillons", "La Gare", "Le Bourg"]
        },
        letterhead={
            "address_line": "2 place de la Mairie",
            "postal_code": "45999",
            "city": "Saint-Aubin-sur-Loire",
            "phone": "02 38 00 00 00",
            "email": "ccas@saint-aubin.invalid",
            "president_name": "Marie Lefèvre",
            "president_title": "Maire, présidente du CCAS",
        },
    )
    for username, full_name, title, role in DEMO_USERS:
        accounts.create_user(
            centre_code=DEMO_CENTRE_CODE,
            username=username,
            full_name=full_name,
            title=title,
            email=f"{username}@saint-aubin.invalid",
            password=DEMO_PASSWORD,
            roles=[role],
        )
    return True
