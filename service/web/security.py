"""Sessions, the current user and the response headers every page carries."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_login import current_user

from service.accounts import service as accounts
from service.extensions import login_manager

_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Connectez-vous pour accéder à cette page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    login_manager.user_loader(accounts.load_user)
    app.before_request(_resolve_current_user)
    app.after_request(_harden_response)


def _resolve_current_user() -> None:
    # Scope the database session to the user's centre before any view runs a query.
    accounts.scope_session_to(current_user if current_user.is_authenticated else None)


def _harden_response(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", _CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if request.endpoint != "static":
        response.headers.setdefault("Cache-Control", "no-store")
    return response
