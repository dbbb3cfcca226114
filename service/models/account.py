"""Users of a centre, the roles they hold, and the login attempts that throttle guessing."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Enum, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.base import Base, UtcDateTime, enum_values
from service.models.tenancy import CentreScoped

if TYPE_CHECKING:
    from service.models.organisation import Centre


class Role(enum.StrEnum):
    """The roles of domain.md; a lane of a diagram maps to one of them."""

    ACCUEIL = "accueil"
    INSTRUCTEUR = "instructeur"
    SECRETARIAT = "secretariat"
    RESPONSABLE = "responsable"
    DELEGATAIRE = "delegataire"
    ELU = "elu"
    REGISSEUR = "regisseur"
    ADMIN = "admin"
    MAIRIE = "mairie"

    @property
    def label(self) -> str:
        return _ROLE_LABELS[self]


_ROLE_LABELS = {
    Role.ACCUEIL: "Chargé·e d'accueil",
    Role.INSTRUCTEUR: "Travailleur·se social·e / instructeur·rice",
    Role.SECRETARIAT: "Secrétariat",
    Role.RESPONSABLE: "Responsable / direction",
    Role.DELEGATAIRE: "Président·e / vice-président·e",
    Role.ELU: "Membre du conseil d'administration",
    Role.REGISSEUR: "Régisseur / comptabilité",
    Role.ADMIN: "Administrateur·rice",
    Role.MAIRIE: "Agent de mairie de quartier",
}


class User(CentreScoped, Base):
    """A person who signs in: an agent, an elected member, an administrator."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    # Bumped at sign-out, at a password change and when the account is closed: every session cookie
    # carries the version it was opened with, and an older one no longer opens anything.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    # The user's centre, which every page's header names: the signed-in user is loaded with it.
    centre: Mapped[Centre] = relationship(viewonly=True)

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(row.role for row in self.role_rows)

    def has_role(self, *roles: Role) -> bool:
        return not self.roles.isdisjoint(roles)

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)


class UserRole(Base):
    __tablename__ = "user_role"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(
        Enum(Role, name="role", native_enum=False, length=20, values_callable=enum_values)
    )

    user: Mapped[User] = relationship(back_populates="role_rows")


class LoginAttempt(Base):
    """One try at signing in; recent failures throttle the username and the address."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_username_at", "username", "at"),
        Index("ix_login_attempt_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    succeeded: Mapped[bool] = mapped_column(Boolean)
