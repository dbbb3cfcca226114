"""One place maps domain errors to HTTP: a French page for people, an RFC 7807 problem for programs."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError

from service import deployment, processes, unit_of_work
from service.errors import (
    ConflictError,
    EntraideError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    TooManyAttemptsError,
    UnavailableError,
)

log = logging.getLogger(__name__)

_STATUS_BY_ERROR: tuple[tuple[type[EntraideError], int], ...] = (
    (InvalidInputError, 422),
    (NotFoundError, 404),
    (PermissionDeniedError, 403),
    (ConflictError, 409),
    (TooManyAttemptsError, 429),
    (UnavailableError, 503),
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
    503: "Service momentanément indisponible",
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
    app.register_error_handler(SQLAlchemyError, _database_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)


def status_for(error: EntraideError) -> int:
    for kind, status in _STATUS_BY_ERROR:
        if isinstance(error, kind):
            return status
    return 400


def _domain_error(error: EntraideError) -> tuple[Response | str, int]:
    if isinstance(error, processes.IncidentError):  # the step is undone, the incident kept for the admins
        unit_of_work.discard()
        actor = getattr(current_user, "full_name", "") or "anonyme"
        deployment.record_incident(error.incident, actor_name=actor)
    return render_error(status_for(error), error.message)


def _database_error(error: SQLAlchemyError) -> tuple[Response | str, int]:
    """A database failure outside any use case (a read): explained like the unit of work explains it."""
    translated = unit_of_work.translate(error)
    if translated is None:
        log.error("erreur de base de données", exc_info=error)
        return render_error(500, _HTTP_MESSAGES[500])
    return render_error(status_for(translated), translated.message)


def _csrf_error(error: CSRFError) -> tuple[Response | str, int]:
    return render_error(
        400, "Le formulaire a expiré ou n'a pas été reconnu. Rechargez la page puis recommencez votre saisie."
    )


def _http_error(error: HTTPException) -> tuple[Response | str, int]:
    status = error.code or 500
    if isinstance(error, InternalServerError) and error.original_exception is not None:
        log.error("erreur inattendue", exc_info=error.original_exception)
    return render_error(status, _HTTP_MESSAGES.get(status, "La requête n'a pas pu être traitée."))


def render_error(status: int, message: str) -> tuple[Response | str, int]:
    """The French error page (or problem), after the session has dropped whatever the request left in it."""
    title = _TITLES.get(status, "Erreur")
    if _wants_json():
        unit_of_work.discard()
        problem = jsonify(type="about:blank", title=title, status=status, detail=message)
        problem.mimetype = "application/problem+json"
        return problem, status
    try:
        unit_of_work.discard()
        return render_template("errors/error.html", status=status, title=title, message=message), status
    except Exception:  # the page itself failed (the database is gone): a bare French page still answers
        log.exception("la page d'erreur n'a pas pu être rendue")
        return _BARE_PAGE.format(title=escape(title), message=escape(message)), status


_BARE_PAGE = (
    '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{title}</title></head>'
    '<body><h1>{title}</h1><p>{message}</p><p><a href="/">Retour à l\'accueil</a></p></body></html>'
)


def _wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"
