"""Bearer tokens of the API: one per program a centre connects, acting as one of its accounts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.account import User
from service.models.base import Base, UtcDateTime
from service.models.tenancy import CentreScoped


class ApiToken(CentreScoped, Base):
    """A token: only the SHA-256 of its secret is kept; revoked tokens stay listed (the audit names them)."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # The SHA-256 (hex) of the secret, which is shown once at creation and never stored.
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # "read" or "read write": what the token may do, on top of what its account may do.
    scopes: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    # The rate limit's fixed window: when the current minute began, and the requests counted in it.
    window_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    window_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())
