"""Errors of the API as RFC 9457 problems (application/problem+json), titled in French.

Registered on each API blueprint, so that they answer whatever the pages' handlers do; a 404 outside any
route under /api/ is answered as a problem by the pages' handler (service.web.errors) already.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Response, jsonify
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError

from service import deployment, processes, unit_of_work
from service.api_tokens.service import InvalidTokenError, seconds_to_next_window
from service.dossiers.tasks import FormInvalidError
from service.errors import (
    ConflictError,
    EntraideError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    TooManyAttemptsError,
    UnavailableError,
)
from service.people.service import DuplicateSuspectedError

log = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"

TITLES = {
    400: "Requête invalide",
    401: "Authentification requise",
    403: "Accès refusé",
    404: "Ressource introuvable",
    405: "Méthode non autorisée",
    409: "Conflit de modification",
    413: "Requête trop volumineuse",
    415: "Type de contenu non pris en charge",
    422: "Saisie invalide",
    429: "Trop de requêtes",
    500: "Erreur interne",
    503: "Service momentanément indisponible",
}

_DETAILS = {
    400: "La requête n'a pas pu être lue : vérifiez que son corps est un JSON valide.",
    404: "Cette ressource n'existe pas, ou plus.",
    405: "Cette méthode n'est pas possible sur cette ressource.",
    413: "Le corps de la requête dépasse la taille autorisée.",
    415: "Le corps de la requête doit être du JSON (Content-Type: application/json).",
    422: "Certains champs sont refusés : voyez « errors ».",
    500: "Une erreur inattendue s'est produite. Rien n'a été enregistré.",
}

_STATUS_BY_ERROR: tuple[tuple[type[EntraideError], int], ...] = (
    (InvalidTokenError, 401),
    (InvalidInputError, 422),
    (NotFoundError, 404),
    (PermissionDeniedError, 403),
    (ConflictError, 409),
    (TooManyAttemptsError, 429),
    (UnavailableError, 503),
)


def problem(status: int, detail: str, *, errors: dict[str, str] | None = None, **extra: Any) -> Response:
    body: dict[str, Any] = {"type": "about:blank", "title": TITLES.get(status, "Erreur"), "status": status}
    body["detail"] = detail
    if errors:
        body["errors"] = errors
    body.update(extra)
    unit_of_work.discard()
    response = jsonify(body)
    response.status_code = status
    response.mimetype = MEDIA_TYPE
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="entraide"'
    if status == 429:
        response.headers["Retry-After"] = str(seconds_to_next_window())
    return response


def domain_error(error: EntraideError) -> Response:
    if isinstance(error, processes.IncidentError):  # the step is undone, the incident kept for the admins
        unit_of_work.discard()
        actor = getattr(current_user, "full_name", "") or "API"
        deployment.record_incident(error.incident, actor_name=actor)
    status = next((code for kind, code in _STATUS_BY_ERROR if isinstance(error, kind)), 400)
    errors: dict[str, str] | None = None
    if isinstance(error, FormInvalidError):
        errors = {key or "formulaire": message for key, message in error.errors.items()}
    elif isinstance(error, InvalidInputError) and error.field:
        errors = {error.field: error.message}
    if isinstance(error, DuplicateSuspectedError):
        return problem(status, error.message, errors=errors, candidats=[p.id for p in error.candidates])
    return problem(status, error.message, errors=errors)


def database_error(error: SQLAlchemyError) -> Response:
    translated = unit_of_work.translate(error)
    if translated is None:
        log.error("erreur de base de données", exc_info=error)
        return problem(500, _DETAILS[500])
    return domain_error(translated)


def http_error(error: HTTPException) -> Response:
    status = error.code or 500
    if isinstance(error, InternalServerError) and error.original_exception is not None:
        log.error("erreur inattendue", exc_info=error.original_exception)
    messages = getattr(error, "data", {}).get("messages") if hasattr(error, "data") else None
    if status == 422 and isinstance(messages, dict):
        return problem(422, _DETAILS[422], errors=_flatten(messages))
    return problem(status, _DETAILS.get(status, "La requête n'a pas pu être traitée."))


def _flatten(messages: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """webargs's {location: {field: [messages]}} as {field: message}, nested fields dotted."""
    flat: dict[str, str] = {}
    for key, value in messages.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            flat.update(_flatten(value, name))
        elif isinstance(value, list):
            flat[name] = " ".join(str(item) for item in value if not isinstance(item, dict))
        else:
            flat[name] = str(value)
    return {key.split(".", 1)[1] if "." in key else key: text for key, text in flat.items()}


def register(blueprint: Any) -> None:
    blueprint.register_error_handler(EntraideError, domain_error)
    blueprint.register_error_handler(SQLAlchemyError, database_error)
    blueprint.register_error_handler(HTTPException, http_error)
