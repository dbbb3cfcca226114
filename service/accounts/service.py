"""Use cases of accounts: sign in with throttling, create and list users, change one's password."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from datetime import timedelta

from sqlalchemy import func, select, true
from sqlalchemy.orm import joinedload

from service import clock
from service.accounts.passwords import hash_password, needs_rehash, verify_against_dummy, verify_password
from service.audit import service as audit
from service.audit.actions import AuditAction
from service.config import current_settings
from service.errors import InvalidInputError, NotFoundError, TooManyAttemptsError
from service.extensions import db
from service.models import Centre, LoginAttempt, Role, User, UserRole
from service.models.tenancy import ALL_CENTRES, bind_centre, get_in_centre, unbind_centre
from service.permissions import require_role
from service.unit_of_work import use_case

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{2,79}$")


class InvalidCredentialsError(InvalidInputError):
    """Unknown username, wrong password or disabled account: the message never says which."""


def authenticate(*, username: str, password: str, address: str) -> User:
    """Check a sign-in, record the attempt, and return the user; refuse while throttled."""
    user = _record_sign_in(username=username.strip().lower(), password=password, address=address)
    if user is None:  # refused after the attempt was recorded: the refusal itself is kept
        raise InvalidCredentialsError("Identifiant ou mot de passe incorrect.")
    return user


@use_case
def _record_sign_in(*, username: str, password: str, address: str) -> User | None:
    """The user if the password is right, else None; the attempt is recorded either way."""
    now = clock.now()
    _refuse_if_throttled(username=username, address=address)
    user = db.session.scalars(
        select(User).where(User.username == username).execution_options(**{ALL_CENTRES: True})
    ).one_or_none()
    if user is None:
        verify_against_dummy(password)
    valid = user is not None and user.active and verify_password(user.password_hash, password)
    db.session.add(LoginAttempt(username=username, address=address, at=now, succeeded=valid))
    if user is None or not valid:
        audit.record(
            action=AuditAction.CONNEXION_REFUSEE,
            subject_type="utilisateur",
            subject_id=username,
            centre_id=user.centre_id if user else None,
            details={"adresse": address},
        )
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    audit.record(action=AuditAction.CONNEXION, subject_type="utilisateur", subject_id=user.id, actor=user)
    return user


def _refuse_if_throttled(*, username: str, address: str) -> None:
    settings = current_settings()
    lockout = timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    window_start = clock.now() - lockout
    # A success forgives the failures before it (by insertion order: the clock may stand still in tests).
    last_success_id = db.session.scalar(
        select(func.max(LoginAttempt.id)).where(
            LoginAttempt.username == username, LoginAttempt.succeeded.is_(True)
        )
    )
    checks = (
        (
            LoginAttempt.username == username,
            LoginAttempt.id > (last_success_id or 0),
            settings.LOGIN_MAX_FAILURES,
        ),
        (LoginAttempt.address == address, true(), settings.LOGIN_MAX_FAILURES_PER_ADDRESS),
    )
    for criterion, after_success, limit in checks:
        count, oldest = db.session.execute(
            select(func.count(), func.min(LoginAttempt.at)).where(
                criterion, after_success, LoginAttempt.succeeded.is_(False), LoginAttempt.at >= window_start
            )
        ).one()
        if count >= limit:
            minutes = max(1, math.ceil((oldest + lockout - clock.now()).total_seconds() / 60))
            raise TooManyAttemptsError(
                f"Trop de tentatives de connexion échouées. Réessayez dans {minutes} minute(s)."
            )


def load_user(user_id: str) -> User | None:
    """Return the active user behind a session cookie."""
    if not user_id.isdigit():
        return None
    user = (
        db.session.scalars(
            select(User)
            .options(joinedload(User.role_rows))  # one statement per request for the user and their roles
            .where(User.id == int(user_id))
            .execution_options(**{ALL_CENTRES: True})
        )
        .unique()
        .one_or_none()
    )
    if user is None or not user.active:
        return None
    return user


def scope_session_to(user: User | None) -> None:
    """Scope every later query and insert of this request to the user's centre (none when signed out)."""
    if user is None:
        unbind_centre(db.session())
    else:
        bind_centre(db.session(), user.centre_id)


@use_case
def create_user(
    *,
    centre_code: str,
    username: str,
    full_name: str,
    password: str,
    roles: Iterable[Role],
    email: str = "",
    title: str = "",
    actor: User | None = None,
) -> User:
    """Create a user of a centre with their roles; the actor, when there is one, must be an admin."""
    if actor is not None:
        require_role(actor, Role.ADMIN)
    username = username.strip().lower()
    roles = sorted(set(roles))
    centre = db.session.scalars(select(Centre).where(Centre.code == centre_code)).one_or_none()
    if centre is None or (actor is not None and actor.centre_id != centre.id):
        raise NotFoundError(f"Centre inconnu : « {centre_code} ».")
    _check_new_user(username=username, full_name=full_name, password=password, roles=roles)
    user = User(
        centre_id=centre.id,
        username=username,
        full_name=full_name.strip(),
        email=email.strip(),
        title=title.strip(),
        password_hash=hash_password(password),
        created_at=clock.now(),
        role_rows=[UserRole(role=role) for role in roles],
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        action=AuditAction.UTILISATEUR_CREATION,
        subject_type="utilisateur",
        subject_id=user.id,
        actor=actor,
        centre_id=centre.id,
        details={"identifiant": username, "rôles": [role.value for role in roles]},
    )
    return user


def _check_new_user(*, username: str, full_name: str, password: str, roles: Sequence[Role]) -> None:
    if not USERNAME_PATTERN.match(username):
        raise InvalidInputError(
            "L'identifiant doit compter 3 à 80 caractères : lettres minuscules, chiffres, point, tiret."
        )
    if not full_name.strip():
        raise InvalidInputError("Le nom complet est obligatoire.")
    if not roles:
        raise InvalidInputError("Un utilisateur doit avoir au moins un rôle.")
    check_password_strength(password)
    taken = db.session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.username == username)
        .execution_options(**{ALL_CENTRES: True})
    )
    if taken:
        raise InvalidInputError(f"L'identifiant « {username} » est déjà utilisé.")


def check_password_strength(password: str) -> None:
    minimum = current_settings().PASSWORD_MIN_LENGTH
    if len(password) < minimum:
        raise InvalidInputError(f"Le mot de passe doit compter au moins {minimum} caractères.")


@use_case
def set_active(*, actor: User, user_id: int, active: bool) -> User:
    """Close or reopen an account of the centre; an administrator cannot close their own."""
    require_role(actor, Role.ADMIN)
    user = get_in_centre(db.session(), User, user_id, actor.centre_id)
    if user is None:
        raise NotFoundError("Ce compte n'existe pas dans votre centre.")
    if user.id == actor.id and not active:
        raise InvalidInputError("Vous ne pouvez pas désactiver votre propre compte.")
    user.active = active
    audit.record(
        action=AuditAction.UTILISATEUR_REACTIVATION if active else AuditAction.UTILISATEUR_DESACTIVATION,
        subject_type="utilisateur", subject_id=user.id, actor=actor,
    )  # fmt: skip
    return user


def require_admin(*, actor: User) -> None:
    require_role(actor, Role.ADMIN)


def list_users(*, actor: User) -> Sequence[User]:
    """Return the users of the actor's centre, for admins and heads of service."""
    require_role(actor, Role.ADMIN, Role.RESPONSABLE)
    query = select(User).where(User.centre_id == actor.centre_id).order_by(User.full_name)
    return db.session.scalars(query).all()


def list_all_users(*, centre_code: str | None = None) -> Sequence[tuple[str, User]]:
    """Return (centre code, user) for every user of the installation; for the operator's CLI only."""
    query = (
        select(Centre.code, User)
        .join(Centre, Centre.id == User.centre_id)
        .order_by(Centre.code, User.username)
        .execution_options(**{ALL_CENTRES: True})
    )
    if centre_code:
        query = query.where(Centre.code == centre_code)
    return [(code, user) for code, user in db.session.execute(query).all()]


@use_case
def change_password(*, user: User, current_password: str, new_password: str) -> None:
    """Replace the user's password after checking the current one."""
    if not verify_password(user.password_hash, current_password):
        raise InvalidInputError("Le mot de passe actuel est incorrect.")
    check_password_strength(new_password)
    user.password_hash = hash_password(new_password)
    audit.record(
        action=AuditAction.MOT_DE_PASSE_CHANGEMENT, subject_type="utilisateur", subject_id=user.id, actor=user
    )
