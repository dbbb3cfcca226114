"""People: search (as the front desk does), register, the household, open a request."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from service.access.policy import Part
from service.api import paging, problems, schemas
from service.api.auth import authenticate_call
from service.api.parsing import Blueprint
from service.dossiers import service as dossiers
from service.errors import PermissionDeniedError
from service.models import HouseholdMember, Person, Relationship
from service.people import service as people

bp = Blueprint(
    "api_people", __name__, url_prefix="/api/v1/personnes", description="Personnes : recherche, fiche, foyer."
)
bp.before_request(authenticate_call)
problems.register(bp)


def person_out(person: Person) -> dict[str, Any]:
    return {
        "id": person.id,
        "nom": person.last_name,
        "prenom": person.first_name,
        "date_naissance": person.birth_date,
        "telephone": person.phone,
        "courriel": person.email,
        "adresse": person.address_line,
        "code_postal": person.postal_code,
        "ville": person.city,
    }


def _member_out(member: HouseholdMember) -> dict[str, Any]:
    return {
        "id": member.id,
        "nom": member.last_name,
        "prenom": member.first_name,
        "date_naissance": member.birth_date,
        "lien": member.relationship_kind.value,
    }


@bp.route("", methods=["GET"])
@bp.arguments(schemas.PersonSearchQuery, location="query", as_kwargs=True)
@bp.response(200, schemas.PersonPage)
def search(q: str, limite: int, curseur: str | None = None) -> dict[str, Any]:
    """Rechercher des personnes par leur nom (accents et casse ignorés), comme l'accueil.

    Chaque personne listée est une lecture tracée de son identité et de ses coordonnées.
    """
    size = min(limite, people.SEARCH_LIMIT)
    found = people.search(actor=current_user, query=q, after_id=paging.after_id(curseur), limit=size)
    following = paging.encode({"apres": found[-1].id}) if found and len(found) == size else None
    return {"elements": [person_out(person) for person in found], "suivant": following}


@bp.route("", methods=["POST"])
@bp.arguments(schemas.PersonIn, as_kwargs=True)
@bp.response(201, schemas.PersonOut)
def create(**values: Any) -> dict[str, Any]:
    """Enregistrer une personne ; refusé (422, « candidats ») si des personnes au nom proche existent, sauf
    avec « confirmer_doublon »."""
    identity = people.Identity(
        last_name=values["nom"],
        first_name=values["prenom"],
        birth_date=values["date_naissance"],
        phone=values["telephone"],
        email=values["courriel"],
        address_line=values["adresse"],
        postal_code=values["code_postal"],
        city=values["ville"],
    )
    person = people.create(
        actor=current_user, identity=identity, confirm_duplicate=values["confirmer_doublon"]
    )
    return person_out(person)


@bp.route("/<int:person_id>/foyer", methods=["GET"])
@bp.response(200, schemas.HouseholdOut)
def household(person_id: int) -> dict[str, Any]:
    """Le foyer de la personne (partie « foyer » de sa fiche)."""
    page = people.read_person(actor=current_user, person_id=person_id)
    if not page.reads(Part.FOYER):
        raise PermissionDeniedError("Vous n'avez pas accès au foyer de cette personne.")
    return {"personne_id": page.person.id, "membres": [_member_out(member) for member in page.members]}


@bp.route("/<int:person_id>/foyer", methods=["POST"])
@bp.arguments(schemas.MemberIn, as_kwargs=True)
@bp.response(201, schemas.HouseholdOut)
def add_member(person_id: int, nom: str, prenom: str, date_naissance: Any, lien: str) -> dict[str, Any]:
    """Ajouter un membre au foyer de la personne."""
    people.add_member(
        actor=current_user,
        person_id=person_id,
        first_name=prenom,
        last_name=nom,
        birth_date=date_naissance,
        relationship=Relationship(lien),
    )
    page = people.read_person(actor=current_user, person_id=person_id)
    return {"personne_id": page.person.id, "membres": [_member_out(member) for member in page.members]}


@bp.route("/<int:person_id>/dossiers", methods=["POST"])
@bp.arguments(schemas.RequestIn, as_kwargs=True)
@bp.response(201, schemas.DossierRef)
def open_request(person_id: int, aide: str, motif: str) -> dict[str, Any]:
    """Ouvrir une demande d'aide pour la personne : le dossier est créé et son processus démarre."""
    dossier = dossiers.open_request(actor=current_user, person_id=person_id, aid_type=aide, reason=motif)
    return {"id": dossier.id, "numero": dossier.number}
