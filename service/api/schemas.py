"""What the API reads and writes, as marshmallow schemas: flask-smorest writes the OpenAPI document from them.

Every message a client may read is French, the field errors included.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import INCLUDE, RAISE, Schema, fields, validate

from service.api.paging import DEFAULT_LIMIT, MAX_LIMIT
from service.models import Referral, Relationship
from service.stats.figures import Split

_MESSAGES: dict[str, str | list[Any] | dict[Any, Any]] = {
    "required": "Ce champ est obligatoire.",
    "null": "Ce champ ne peut pas être vide (null).",
    "invalid": "Valeur invalide pour ce champ.",
}


def _messages(**extra: str) -> dict[str, str | list[Any] | dict[Any, Any]]:
    return {**_MESSAGES, **extra}


def text(*, maximum: int = 200, **options: Any) -> fields.String:
    return fields.String(
        validate=validate.Length(max=maximum, error=f"{maximum} caractères au plus."),
        error_messages=_messages(invalid="Un texte est attendu."),
        **options,
    )


def integer(*, strict: bool = True, **options: Any) -> fields.Integer:
    """An integer; strict (no "2" for 2) in a JSON body, not in a query string where everything is text."""
    return fields.Integer(
        strict=strict, error_messages=_messages(invalid="Un nombre entier est attendu."), **options
    )


def identifier(**options: Any) -> fields.Integer:
    return integer(
        validate=validate.Range(min=1, max=2**31 - 1, error="Un identifiant (entier positif) est attendu."),
        **options,
    )


def day(**options: Any) -> fields.Date:
    return fields.Date(error_messages=_messages(invalid="Une date AAAA-MM-JJ est attendue."), **options)


def instant(**options: Any) -> fields.AwareDateTime:
    return fields.AwareDateTime(
        error_messages=_messages(invalid="Une date et heure ISO 8601 est attendue."), **options
    )


def choice(values: list[str], **options: Any) -> fields.String:
    return fields.String(
        validate=validate.OneOf(values, error="Choisissez une de ces valeurs : {choices}."),
        error_messages=_messages(invalid="Un texte est attendu."),
        **options,
    )


class Input(Schema):
    """A request's body or query: unknown fields are refused, in French."""

    class Meta:
        unknown = RAISE

    error_messages = {  # noqa: RUF012 - marshmallow reads it on the class
        "unknown": "Champ inconnu.",
        "type": "Un objet JSON est attendu.",
    }


class Output(Schema):
    pass


# Paging


class PageQuery(Input):
    curseur = text(maximum=400, metadata={"description": "Le curseur « suivant » de la page précédente."})
    limite = integer(
        strict=False,
        load_default=DEFAULT_LIMIT,
        validate=validate.Range(min=1, max=MAX_LIMIT, error=f"Entre 1 et {MAX_LIMIT}."),
        metadata={"description": "Éléments par page."},
    )


def page_schema(name: str, element: type[Schema]) -> type[Schema]:
    """The envelope of a page: its elements, and the cursor of the next page (null on the last)."""
    return type(
        name,
        (Output,),
        {
            "elements": fields.List(fields.Nested(element), required=True),
            "suivant": fields.String(required=True, allow_none=True),
        },
    )


# Problems (RFC 9457)


class Problem(Output):
    """RFC 9457: its members, and the extensions this API adds (a problem may carry others)."""

    class Meta:
        unknown = INCLUDE

    type = fields.String(required=True)
    title = fields.String(required=True, metadata={"description": "Le titre du problème, en français."})
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={"description": "Par champ refusé, la raison en français."},
    )
    candidats = fields.List(
        fields.Integer(),
        metadata={"description": "Les personnes au nom proche déjà connues (enregistrement refusé)."},
    )


# People


class PersonSearchQuery(PageQuery):
    q = text(maximum=200, required=True, metadata={"description": "Nom et prénom, en tout ou partie."})


class PersonOut(Output):
    id = fields.Integer(required=True)
    nom = fields.String(required=True)
    prenom = fields.String(required=True)
    date_naissance = fields.Date(required=True, allow_none=True)
    telephone = fields.String(required=True)
    courriel = fields.String(required=True)
    adresse = fields.String(required=True)
    code_postal = fields.String(required=True)
    ville = fields.String(required=True)


PersonPage = page_schema("PersonPage", PersonOut)


class PersonIn(Input):
    nom = text(maximum=100, required=True)
    prenom = text(maximum=100, required=True)
    date_naissance = day(allow_none=True, load_default=None)
    telephone = text(maximum=40, load_default="")
    courriel = text(maximum=200, load_default="")
    adresse = text(maximum=200, load_default="")
    code_postal = text(maximum=10, load_default="")
    ville = text(maximum=100, load_default="")
    confirmer_doublon = fields.Boolean(
        load_default=False,
        error_messages=_messages(invalid="Un booléen est attendu."),
        metadata={"description": "Enregistrer même si des personnes au nom proche existent."},
    )


class MemberOut(Output):
    id = fields.Integer(required=True)
    nom = fields.String(required=True)
    prenom = fields.String(required=True)
    date_naissance = fields.Date(required=True, allow_none=True)
    lien = fields.String(required=True)


class HouseholdOut(Output):
    personne_id = fields.Integer(required=True)
    membres = fields.List(fields.Nested(MemberOut), required=True)


class MemberIn(Input):
    nom = text(maximum=100, required=True)
    prenom = text(maximum=100, required=True)
    date_naissance = day(required=True)
    lien = choice([kind.value for kind in Relationship], required=True)


class RequestIn(Input):
    aide = text(
        maximum=40, required=True, metadata={"description": "La clé de l'aide (ex. secours_urgence)."}
    )
    motif = text(maximum=2000, required=True, metadata={"description": "L'objet de la demande."})


# Dossiers and documents


class DocumentOut(Output):
    id = fields.Integer(required=True)
    titre = fields.String(required=True)
    numero = fields.String(required=True)
    fichier = fields.String(required=True)
    sha256 = fields.String(required=True)
    taille = fields.Integer(required=True)
    emis_le = fields.AwareDateTime(required=True)
    detruit_le = fields.AwareDateTime(required=True, allow_none=True)


class DocumentList(Output):
    dossier_id = fields.Integer(required=True)
    documents = fields.List(fields.Nested(DocumentOut), required=True)


class StepOut(Output):
    id = fields.Integer(required=True)
    titre = fields.String(required=True)
    role = fields.String(required=True)
    echeance = fields.AwareDateTime(required=True, allow_none=True)


class DecisionOut(Output):
    montant_demande_centimes = fields.Integer(required=True, allow_none=True)
    decision = fields.String(required=True)
    montant_accorde_centimes = fields.Integer(required=True, allow_none=True)
    decide_le = fields.AwareDateTime(required=True, allow_none=True)
    motifs = fields.String(required=True)


class PaymentOut(Output):
    montant_accorde_centimes = fields.Integer(required=True, allow_none=True)
    mode = fields.String(required=True)
    montant_verse_centimes = fields.Integer(required=True, allow_none=True)
    reference = fields.String(required=True)
    verse_le = fields.AwareDateTime(required=True, allow_none=True)


class DossierOut(Output):
    id = fields.Integer(required=True)
    numero = fields.String(required=True)
    aide = fields.String(required=True)
    aide_libelle = fields.String(required=True)
    statut = fields.String(required=True)
    ouvert_le = fields.AwareDateTime(required=True)
    clos_le = fields.AwareDateTime(required=True, allow_none=True)
    parties = fields.List(fields.String(), required=True, metadata={"description": "Les parties lisibles."})
    personne_id = fields.Integer(required=True, allow_none=True)
    personne = fields.String(required=True, allow_none=True)
    coordonnees = fields.String(required=True, allow_none=True)
    motif = fields.String(required=True, allow_none=True)
    situation = fields.String(required=True, allow_none=True)
    decision = fields.Nested(DecisionOut, required=True, allow_none=True)
    paiement = fields.Nested(PaymentOut, required=True, allow_none=True)
    etapes_en_cours = fields.List(fields.Nested(StepOut), required=True)


# Tasks


class TaskQuery(PageQuery):
    vue = choice(["mes-taches", "equipe", "en-retard"], load_default="equipe")


class TaskOut(Output):
    id = fields.Integer(required=True)
    titre = fields.String(required=True)
    role = fields.String(required=True)
    processus = fields.String(required=True)
    dossier_id = fields.Integer(required=True, allow_none=True)
    dossier_numero = fields.String(required=True, allow_none=True)
    personne = fields.String(required=True, allow_none=True)
    attribuee_a = fields.String(required=True, allow_none=True)
    echeance = fields.AwareDateTime(required=True, allow_none=True)
    en_retard = fields.Boolean(required=True)


TaskPage = page_schema("TaskPage", TaskOut)


class TaskDetailOut(Output):
    tache = fields.Nested(TaskOut, required=True)
    formulaire = fields.Dict(
        required=True, metadata={"description": "Le formulaire de l'étape (JSON Schema 2020-12)."}
    )
    valeurs_proposees = fields.Dict(keys=fields.String(), values=fields.String(), required=True)


class CompletionIn(Input):
    valeurs = fields.Dict(
        keys=fields.String(validate=validate.Length(max=80, error="Nom de champ trop long.")),
        values=fields.String(validate=validate.Length(max=10000, error="Valeur trop longue.")),
        required=True,
        error_messages=_messages(invalid="Un objet {{ champ: texte }} est attendu."),
        metadata={
            "description": (
                "Les champs du formulaire, comme l'agent les saisirait (montants en euros, dates AAAA-MM-JJ, "
                "cases cochées « y »)."
            )
        },
    )


class CompletionOut(Output):
    titre = fields.String(required=True)
    dossier_id = fields.Integer(required=True, allow_none=True)


# Workshops


class SessionQuery(PageQuery):
    pass


class SessionOut(Output):
    id = fields.Integer(required=True)
    theme = fields.String(required=True)
    debut = fields.AwareDateTime(required=True)
    fin = fields.AwareDateTime(required=True)
    lieu = fields.String(required=True)
    capacite = fields.Integer(required=True)
    places_prises = fields.Integer(required=True)
    statut = fields.String(required=True)


SessionPage = page_schema("SessionPage", SessionOut)


class RegistrationIn(Input):
    personne_id = identifier(required=True)
    orientation = choice([kind.value for kind in Referral], required=True)
    detail = text(maximum=200, load_default="")


class RegistrationOut(Output):
    id = fields.Integer(required=True)
    seance_id = fields.Integer(required=True)
    personne_id = fields.Integer(required=True)
    statut = fields.String(required=True)


class CancellationOut(Output):
    annulee = fields.Integer(required=True)
    promue = fields.Integer(required=True, allow_none=True, metadata={"description": "L'inscription promue."})


class DossierRef(Output):
    id = fields.Integer(required=True)
    numero = fields.String(required=True)


# Statistics

_FIRST_DAY, _LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)


class StatisticsQuery(Input):
    debut = day(
        validate=validate.Range(
            min=_FIRST_DAY, max=_LAST_DAY, error="Une date entre 2000 et 2100 est attendue."
        ),
        metadata={"description": "Premier jour de la période (par défaut : il y a douze mois)."},
    )
    fin = day(
        validate=validate.Range(
            min=_FIRST_DAY, max=_LAST_DAY, error="Une date entre 2000 et 2100 est attendue."
        ),
        metadata={"description": "Dernier jour de la période, inclus (par défaut : aujourd'hui)."},
    )
    repartition = choice([split.value for split in Split], load_default=Split.COMMUNE.value)


class CellOut(Output):
    valeur = fields.Float(required=True, allow_none=True, metadata={"description": "null : rien à compter."})
    foyers = fields.Integer(required=True, allow_none=True, metadata={"description": "Foyers concernés."})
    masquee = fields.Boolean(
        required=True, metadata={"description": "Moins de cinq foyers : valeur masquée."}
    )


class FigureRowOut(Output):
    libelle = fields.String(required=True)
    unite = fields.String(required=True, allow_none=True)
    cellules = fields.List(fields.Nested(CellOut), required=True)


class FigureOut(Output):
    cle = fields.String(required=True)
    titre = fields.String(required=True)
    unite = fields.String(required=True, metadata={"description": "nombre, centimes, jours ou pourcent."})
    entete_lignes = fields.String(required=True)
    colonnes = fields.List(fields.String(), required=True)
    lignes = fields.List(fields.Nested(FigureRowOut), required=True)
    note = fields.String(required=True)
    masquee = fields.Boolean(required=True)


class StatisticsOut(Output):
    debut = fields.Date(required=True)
    fin = fields.Date(required=True)
    repartition = fields.String(required=True)
    masquee = fields.Boolean(
        required=True, metadata={"description": "Les cellules de moins de cinq foyers sont masquées."}
    )
    figures = fields.List(fields.Nested(FigureOut), required=True)
