"""Bearer tokens: create, revoke, list; authenticate a call (scope, rate limit, audit).

A token belongs to a centre and acts as one of its accounts: the API reaches the data through the same use
cases as the pages, under the same access policy, as that account. Its scopes narrow what it may do (read
only, or read and write). Only the SHA-256 of its secret is stored: the secret (256 bits of randomness) is
shown once, at creation. Every authenticated call is recorded in the audit log, in the same transaction that
counts it against the token's fixed window of one minute.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import case, select, update

from service import clock
from service.audit import service as audit
from service.audit.actions import AuditAction
from service.errors import (
    EntraideError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    TooManyAttemptsError,
)
from service.extensions import db
from service.models import ApiToken, Centre, Role, User
from service.models.tenancy import ALL_CENTRES, get_in_centre
from service.permissions import require_role
from service.unit_of_work import use_case

READ, WRITE = "read", "write"
SCOPES = {READ: "lecture", WRITE: "écriture"}
SECRET_PREFIX = "entraide_"  # noqa: S105 - what a secret starts with, not a secret
_NAME_MAX = 120


class InvalidTokenError(EntraideError):
    """No token, an unknown one, a revoked one, or one whose account is closed: answered 401."""


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)  # 256 bits


def _scopes(requested: Iterable[str]) -> str:
    chosen = set(requested)
    unknown = chosen - set(SCOPES)
    if unknown or not chosen:
        raise InvalidInputError(
            "Choisissez la portée du jeton : lecture, ou lecture et écriture.", field="scopes"
        )
    chosen.add(READ)  # writing without reading what one wrote makes no sense
    return " ".join(scope for scope in SCOPES if scope in chosen)


def _create(
    *, centre_id: int, user: User, name: str, scopes: Iterable[str], actor: User | None
) -> tuple[ApiToken, str]:
    name = name.strip()
    if not name or len(name) > _NAME_MAX:
        raise InvalidInputError(
            f"Nommez le jeton (le programme qui l'utilise, {_NAME_MAX} caractères au plus).", field="name"
        )
    if user.centre_id != centre_id or not user.active:
        raise InvalidInputError("Ce compte n'existe pas, ou plus, dans le centre.", field="user_id")
    secret = _new_secret()
    token = ApiToken(
        centre_id=centre_id,
        name=name,
        secret_hash=hash_secret(secret),
        scopes=_scopes(scopes),
        user_id=user.id,
        created_by_id=actor.id if actor else None,
        created_at=clock.now(),
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        action=AuditAction.API_JETON_CREATION, subject_type="jeton_api", subject_id=token.id, actor=actor,
        centre_id=centre_id, details={"nom": name, "compte": user.username, "portée": token.scopes},
    )  # fmt: skip
    return token, secret


@use_case
def create_token(*, actor: User, user_id: int, name: str, scopes: Iterable[str]) -> tuple[ApiToken, str]:
    """A new token of the administrator's centre, acting as `user_id`; returns it with its secret (once)."""
    require_role(actor, Role.ADMIN)
    user = get_in_centre(db.session(), User, user_id, actor.centre_id)
    if user is None:
        raise InvalidInputError("Ce compte n'existe pas, ou plus, dans le centre.", field="user_id")
    return _create(centre_id=actor.centre_id, user=user, name=name, scopes=scopes, actor=actor)


@use_case
def create_token_from_console(
    *, centre_code: str, username: str, name: str, scopes: Iterable[str]
) -> tuple[ApiToken, str]:
    """The command line's way (`entraide api token create`): the system creates it, audited as such."""
    centre = db.session.scalars(
        select(Centre).where(Centre.code == centre_code).execution_options(**{ALL_CENTRES: True})
    ).one_or_none()
    if centre is None:
        raise NotFoundError(f"Aucun centre de code « {centre_code} ».")
    user = db.session.scalars(
        select(User)
        .where(User.username == username, User.centre_id == centre.id)
        .execution_options(**{ALL_CENTRES: True})
    ).one_or_none()
    if user is None:
        raise NotFoundError(f"Aucun compte « {username} » dans le centre {centre_code}.")
    return _create(centre_id=centre.id, user=user, name=name, scopes=scopes, actor=None)


def _revoke(token: ApiToken, actor: User | None) -> ApiToken:
    if token.revoked_at is not None:
        raise InvalidInputError("Ce jeton est déjà révoqué.")
    token.revoked_at = clock.now()
    audit.record(
        action=AuditAction.API_JETON_REVOCATION, subject_type="jeton_api", subject_id=token.id, actor=actor,
        centre_id=token.centre_id, details={"nom": token.name},
    )  # fmt: skip
    return token


@use_case
def revoke_token(*, actor: User, token_id: int) -> ApiToken:
    require_role(actor, Role.ADMIN)
    token = get_in_centre(db.session(), ApiToken, token_id, actor.centre_id)
    if token is None:
        raise NotFoundError("Ce jeton n'existe pas dans votre centre.")
    return _revoke(token, actor)


@use_case
def revoke_token_from_console(*, token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id, execution_options={ALL_CENTRES: True})
    if token is None:
        raise NotFoundError(f"Aucun jeton n° {token_id}.")
    return _revoke(token, None)


def list_tokens(*, actor: User) -> Sequence[ApiToken]:
    """The centre's tokens, the revoked ones included, newest first."""
    require_role(actor, Role.ADMIN)
    return db.session.scalars(select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())).all()


def _window(now: datetime) -> datetime:
    return now.replace(second=0, microsecond=0)


@use_case
def authenticate(*, secret: str, scope: str, method: str, path: str, per_minute: int) -> User:
    """The account a call acts as: the token must be known, not revoked, its account open, its scope enough,
    and its window not full. The call is counted and audited in one transaction, committed before it runs."""
    if not secret:
        raise InvalidTokenError("Authentifiez l'appel par un jeton : en-tête « Authorization: Bearer … ».")
    token = db.session.scalars(
        select(ApiToken)
        .where(ApiToken.secret_hash == hash_secret(secret))
        .execution_options(**{ALL_CENTRES: True})
    ).one_or_none()
    if token is None or token.revoked_at is not None or not token.user.active:
        raise InvalidTokenError("Ce jeton n'est pas reconnu, ou il a été révoqué.")
    if scope not in token.scope_set:
        raise PermissionDeniedError(f"Ce jeton n'a pas la portée « {SCOPES.get(scope, scope)} ».")
    now = clock.now()
    window = _window(now)
    counted = db.session.execute(
        update(ApiToken)
        .where(ApiToken.id == token.id)
        .values(
            window_count=case((ApiToken.window_started_at == window, ApiToken.window_count + 1), else_=1),
            window_started_at=window,
            last_used_at=now,
        )
        .returning(ApiToken.window_count)
        .execution_options(synchronize_session=False, **{ALL_CENTRES: True})
    ).scalar_one()
    if counted > per_minute:
        raise TooManyAttemptsError(
            f"Ce jeton a fait plus de {per_minute} appels dans la minute : réessayez dans un instant."
        )
    audit.record(
        action=AuditAction.API_APPEL, subject_type="jeton_api", subject_id=token.id, actor=token.user,
        centre_id=token.centre_id, details={"méthode": method, "chemin": path[:200]},
    )  # fmt: skip
    return token.user


def seconds_to_next_window() -> int:
    now = clock.now()
    return 60 - now.second
