"""Use cases of accounts: sign in with throttling, create and list users, change one's password."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload
from zxcvbn import zxcvbn

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
    """Slow down guessing without locking anyone out.

    Failures count per (username, address): after LOGIN_MAX_FAILURES, each further try waits 1, 2, 4…
    minutes after the last failure, up to LOGIN_LOCKOUT_MINUTES. The right password from another address
    still works, so nobody can lock a colleague out. An address that fails for many usernames (a spray)
    is slowed down the same way, except for the usernames already signed in from it: a team behind one
    NAT keeps working.
    """
    settings = current_settings()
    now = clock.now()
    since = now - _WINDOW
    pair = (LoginAttempt.username == username, LoginAttempt.address == address)
    last_success_id = db.session.scalar(
        select(func.max(LoginAttempt.id)).where(*pair, LoginAttempt.succeeded.is_(True))
    )
    failures, last_failure = db.session.execute(
        select(func.count(), func.max(LoginAttempt.at)).where(
            *pair,
            LoginAttempt.succeeded.is_(False),
            LoginAttempt.at >= since,
            LoginAttempt.id > (last_success_id or 0),
        )
    ).one()
    _wait_if_needed(failures, settings.LOGIN_MAX_FAILURES, last_failure, now)
    if last_success_id is None:  # never signed in from here: the address's own record counts too
        sprayed, last_spray = db.session.execute(
            select(func.count(), func.max(LoginAttempt.at)).where(
                LoginAttempt.address == address, LoginAttempt.succeeded.is_(False), LoginAttempt.at >= since
            )
        ).one()
        _wait_if_needed(sprayed, settings.LOGIN_MAX_FAILURES_PER_ADDRESS, last_spray, now)


_WINDOW = timedelta(hours=24)  # failures older than this are forgotten


def _wait_if_needed(failures: int, allowed: int, last_failure: datetime | None, now: datetime) -> None:
    if failures < allowed or last_failure is None:
        return
    ceiling = timedelta(minutes=current_settings().LOGIN_LOCKOUT_MINUTES)
    delay = min(timedelta(minutes=2 ** min(failures - allowed, 20)), ceiling)
    if now < last_failure + delay:
        seconds = (last_failure + delay - now).total_seconds()
        raise TooManyAttemptsError(
            "Trop de tentatives de connexion échouées depuis ce poste. "
            f"Réessayez dans {max(1, math.ceil(seconds / 60))} minute(s)."
        )


# One statement per request for the user, their roles and their centre (every page's header names it: held
# by the user, it is found in the session, with no second statement); built once, run with the user's id.
_SIGNED_IN_USER = (
    select(User)
    .options(joinedload(User.role_rows), joinedload(User.centre))
    .where(User.id == bindparam("user_id"))
    .execution_options(**{ALL_CENTRES: True})
)


def load_user(user_id: str) -> User | None:
    """Return the active user behind a session cookie."""
    if not (user_id.isascii() and user_id.isdigit()) or len(user_id) > 18:
        return None
    user = db.session.scalars(_SIGNED_IN_USER, {"user_id": int(user_id)}).unique().one_or_none()
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
    check_password_strength(password, user_inputs=(username, full_name))
    taken = db.session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.username == username)
        .execution_options(**{ALL_CENTRES: True})
    )
    if taken:
        raise InvalidInputError(f"L'identifiant « {username} » est déjà utilisé.")


def check_password_strength(password: str, *, user_inputs: Sequence[str] = ()) -> None:
    """Long enough, not the username or the name, and not easy to guess (zxcvbn's estimate, 3 of 4 at least:
    its lists of common passwords, words, names, keyboard patterns, dates and repeats)."""
    minimum = current_settings().PASSWORD_MIN_LENGTH
    if len(password) < minimum:
        raise InvalidInputError(
            f"Le mot de passe doit compter au moins {minimum} caractères.", field="password"
        )
    folded = password.casefold()
    for given in (value.casefold() for value in user_inputs if len(value) >= 3):
        if given in folded or folded in given:
            raise InvalidInputError(
                "Le mot de passe ne doit reprendre ni l'identifiant, ni le nom, ni l'adresse de courriel.",
                field="password",
            )
    if zxcvbn(password, user_inputs=[value for value in user_inputs if value])["score"] < _STRONG_ENOUGH:
        raise InvalidInputError(
            "Ce mot de passe est trop facile à deviner (mot courant, suite de touches, répétition, date…). "
            "Choisissez une phrase de plusieurs mots sans lien entre eux.",
            field="password",
        )


_STRONG_ENOUGH = 3  # zxcvbn: 0 to 4, 3 "safely unguessable: moderate protection from offline attacks"


@use_case
def sign_out(*, user: User) -> None:
    """End every session of the user, this one included: a cookie copied before no longer opens anything."""
    user.session_version += 1
    audit.record(action=AuditAction.DECONNEXION, subject_type="utilisateur", subject_id=user.id, actor=user)


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
    if not active:
        user.session_version += 1  # its open sessions end now, not at their next expiry
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
    check_password_strength(new_password, user_inputs=(user.username, user.full_name, user.email))
    user.password_hash = hash_password(new_password)
    user.session_version += 1  # every other session of the user ends; the caller keeps its own
    audit.record(
        action=AuditAction.MOT_DE_PASSE_CHANGEMENT, subject_type="utilisateur", subject_id=user.id, actor=user
    )
