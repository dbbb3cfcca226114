"""Sessions, the current user and the response headers every page carries.

A session cookie carries the user's session version and when it was last used: signing out, changing one's
password or having one's account closed bumps the version, so a cookie copied before opens nothing after;
a session unused for SESSION_IDLE_MINUTES ends.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask, Response, flash, g, request, session
from flask_login import current_user, login_user, logout_user
from werkzeug.middleware.proxy_fix import ProxyFix

from service import clock
from service.access import routes
from service.accounts import service as accounts
from service.config import current_settings
from service.errors import PermissionDeniedError
from service.extensions import login_manager
from service.models import User

_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
_VERSION = "session_version"
API_PREFIX = "/api/"
_SEEN = "seen_at"
_SEEN_REFRESH = timedelta(minutes=1)


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Connectez-vous pour accéder à cette page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    login_manager.user_loader(_load_user)
    app.before_request(_resolve_current_user)
    app.before_request(_refuse_routes_without_policy)
    app.after_request(_harden_response)
    proxies = app.extensions["entraide.settings"].TRUSTED_PROXIES
    if proxies:  # the client's address, as the proxies in front of the service saw it
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]


def client_address() -> str:
    return request.remote_addr or "inconnue"


def open_session(user: User) -> None:
    """Sign the user in on this browser, with the session version they have now."""
    login_user(user)
    keep_session(user)


def keep_session(user: User) -> None:
    """After a change that ended the user's other sessions (a new password), keep this one open."""
    session[_VERSION] = user.session_version
    session[_SEEN] = clock.now().isoformat()


def close_session() -> None:
    logout_user()
    session.clear()


def _load_user(user_id: str) -> User | None:
    user = accounts.load_user(user_id)
    if user is None or session.get(_VERSION) != user.session_version:
        return None  # signed out elsewhere, password changed, or account closed since this cookie was made
    return user


def _resolve_current_user() -> None:
    if request.path.startswith(API_PREFIX):
        # The API reads no cookie: a call carries its bearer token (service.api.auth), so a page of another
        # site cannot make a signed-in browser call it.
        g._login_user = login_manager.anonymous_user()
        accounts.scope_session_to(None)
        return
    if current_user.is_authenticated:
        now, last = clock.now(), _last_seen()
        if last is None or now - last > timedelta(minutes=current_settings().SESSION_IDLE_MINUTES):
            close_session()
            flash("Votre session a pris fin après une période sans activité : reconnectez-vous.", "info")
        elif now - last >= _SEEN_REFRESH:
            # Refreshed once a minute, not at every request: the idle limit counts in minutes, and a cookie
            # left as it was is neither signed again nor sent back.
            session[_SEEN] = now.isoformat()
    # Scope the database session to the user's centre before any view runs a query.
    accounts.scope_session_to(current_user if current_user.is_authenticated else None)


def _refuse_routes_without_policy() -> None:
    """A route the access policy does not list is closed to everyone: a forgotten line fails safe."""
    if request.endpoint is None or request.method == "OPTIONS":
        return  # no route matched (a 404 follows), or Flask answers the methods itself
    if routes.line_for(request.endpoint, request.method) is None:
        raise PermissionDeniedError("Cette page n'a pas de règle d'accès déclarée : elle est fermée.")


def _last_seen() -> datetime | None:
    """When the session was last used, as its cookie says (None: it does not say it readably)."""
    seen = session.get(_SEEN)
    if not isinstance(seen, str):
        return None
    try:
        moment = datetime.fromisoformat(seen)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _harden_response(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", _CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if request.endpoint != "static":
        response.headers.setdefault("Cache-Control", "no-store")
    return response
