"""One place maps domain errors to HTTP: a French page for people, an RFC 7807 problem for programs."""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from service import deployment
from service.engine.runtime import IncidentError
from service.errors import (
    ConflictError,
    EntraideError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    TooManyAttemptsError,
)
from service.extensions import db

_STATUS_BY_ERROR: tuple[tuple[type[EntraideError], int], ...] = (
    (InvalidInputError, 422),
    (NotFoundError, 404),
    (PermissionDeniedError, 403),
    (ConflictError, 409),
    (TooManyAttemptsError, 429),
)

_TITLES = {
    400: "Requête invalide",
    403: "Accès refusé",
    404: "Page introuvable",
    405: "Méthode non autorisée",
    409: "Conflit de modification",
    413: "Fichier trop volumineux",
    422: "Saisie invalide",
    429: "Trop de tentatives",
    500: "Erreur interne",
}

_HTTP_MESSAGES = {
    403: "Vous n'avez pas les droits nécessaires pour cette page.",
    404: "Cette page n'existe pas, ou plus.",
    405: "Cette action n'est pas possible sur cette page.",
    413: "Le fichier envoyé dépasse la taille autorisée.",
    500: (
        "Une erreur inattendue s'est produite. Rien n'a été enregistré ; "
        "réessayez ou prévenez l'administrateur."
    ),
}


def init_app(app: Flask) -> None:
    app.register_error_handler(EntraideError, _domain_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)


def status_for(error: EntraideError) -> int:
    for kind, status in _STATUS_BY_ERROR:
        if isinstance(error, kind):
            return status
    return 400


def _domain_error(error: EntraideError) -> tuple[Response | str, int]:
    db.session.rollback()
    if isinstance(error, IncidentError):  # the step is undone; the incident is kept for the administrators
        actor = getattr(current_user, "full_name", "") or "anonyme"
        deployment.record_incident(error.incident, actor_name=actor)
    return render_error(status_for(error), error.message)


def _csrf_error(error: CSRFError) -> tuple[Response | str, int]:
    return render_error(
        400, "Le formulaire a expiré ou n'a pas été reconnu. Rechargez la page puis recommencez votre saisie."
    )


def _http_error(error: HTTPException) -> tuple[Response | str, int]:
    status = error.code or 500
    return render_error(status, _HTTP_MESSAGES.get(status, "La requête n'a pas pu être traitée."))


def render_error(status: int, message: str) -> tuple[Response | str, int]:
    title = _TITLES.get(status, "Erreur")
    if _wants_json():
        problem = jsonify(type="about:blank", title=title, status=status, detail=message)
        problem.mimetype = "application/problem+json"
        return problem, status
    return render_template("errors/error.html", status=status, title=title, message=message), status


def _wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"
