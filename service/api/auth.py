"""A call of the API acts as the account of its bearer token: no session, no cookie, no CSRF token.

Run before every API view (after the application's check that the route has its line in the policy): the
token must be known and not revoked, carry the scope the route's line names, and have calls left in its
window; the call is then audited and the request proceeds as the token's account, scoped to its centre.
"""

from __future__ import annotations

from flask import current_app, g, request

from service.access import routes
from service.accounts import service as accounts
from service.api_tokens import service as tokens
from service.errors import PermissionDeniedError

_BEARER = "bearer "


def authenticate_call() -> None:
    line = routes.line_for(request.endpoint, request.method)
    if line is None or line.scope is None:
        raise PermissionDeniedError(
            "Cette route de l'API n'a pas de règle d'accès déclarée : elle est fermée."
        )
    header = request.headers.get("Authorization", "")
    secret = header[len(_BEARER) :].strip() if header.lower().startswith(_BEARER) else ""
    user = tokens.authenticate(
        secret=secret,
        scope=line.scope.value,
        method=request.method,
        path=request.path,
        per_minute=current_app.extensions["entraide.settings"].API_RATE_LIMIT_PER_MINUTE,
    )
    g._login_user = user  # Flask-Login's current user for this request only: nothing goes in a session
    accounts.scope_session_to(user)
