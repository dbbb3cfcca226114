"""The REST API, /api/v1: blueprints that read a request, call one use case (the pages' own) and answer JSON.

flask-smorest writes the OpenAPI 3.1 document from these blueprints and their marshmallow schemas, and
serves it at /api/v1/openapi.json; /api/v1/docs shows it (Swagger UI, from npm). Calls authenticate with
a bearer token of the centre (service.api_tokens); errors are RFC 9457 problems with French titles.
"""

from __future__ import annotations

import http
from typing import Any

from flask import Blueprint, Flask, current_app, render_template
from flask_smorest import Api

from service.api import documents, dossiers, people, problems, schemas, statistics, tasks, workshops
from service.extensions import csrf

VERSION = "1.0.0"
_BLUEPRINTS = (people.bp, dossiers.bp, tasks.bp, documents.bp, workshops.bp, statistics.bp)

docs = Blueprint("api_docs", __name__, url_prefix="/api/v1")


@docs.route("/docs")
def page() -> str:
    """The documentation: every operation in French from the generated document, then Swagger UI."""
    spec = current_app.extensions["entraide.api"].spec.to_dict()
    return render_template("api/docs.html", spec=spec)


class _Api(Api):  # type: ignore[misc]
    """flask-smorest's Api, whose errors are problems (RFC 9457) and whose handlers stay out of the pages:
    the API's blueprints hold their own (service.api.problems)."""

    ERROR_SCHEMA = schemas.Problem

    def _register_error_handlers(self) -> None:
        pass

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": problems.TITLES.get(status.value, status.phrase)}
            if status >= 400:
                response["content"] = {problems.MEDIA_TYPE: {"schema": schemas.Problem}}
            self.spec.components.response(status.name, response, lazy=True)
        self.spec.components.response(
            "DEFAULT_ERROR",
            {
                "description": "Un problème (RFC 9457), titré en français.",
                "content": {problems.MEDIA_TYPE: {"schema": schemas.Problem}},
            },
            lazy=True,
        )


def init_app(app: Flask) -> None:
    app.config.update(
        API_TITLE="Entraide",
        API_VERSION=VERSION,
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS=_spec_options(),
    )
    api = _Api(app)
    api.spec.components.security_scheme(
        "jeton",
        {"type": "http", "scheme": "bearer", "description": "Jeton d'API du centre (Administration)."},
    )
    for blueprint in _BLUEPRINTS:
        csrf.exempt(blueprint)  # no cookie is read: a call carries its token, which a page cannot forge
        api.register_blueprint(blueprint)
    app.register_blueprint(docs)
    app.extensions["entraide.api"] = api


def _spec_options() -> dict[str, Any]:
    return {
        "info": {
            "description": (
                "L'API d'Entraide : les mêmes cas d'usage que les pages, sous la même politique d'accès, "
                "au nom du compte du jeton. Authentification : « Authorization: Bearer <jeton> » ; les "
                "erreurs sont des problèmes RFC 9457 (application/problem+json) titrés en français ; "
                "les listes se parcourent par curseur (« suivant »)."
            ),
        },
        "security": [{"jeton": []}],
        "servers": [{"url": "/"}],
    }
