"""SQLAlchemy models, one module per aggregate; importing this package registers them all."""

from service.models.account import LoginAttempt, Role, User, UserRole
from service.models.audit import AuditEvent, AuditLogAppendOnlyError
from service.models.base import Base, UtcDateTime
from service.models.organisation import Centre, CentreKind, Commune, Quartier
from service.models.tenancy import CentreScoped

__all__ = [
    "AuditEvent",
    "AuditLogAppendOnlyError",
    "Base",
    "Centre",
    "CentreKind",
    "CentreScoped",
    "Commune",
    "LoginAttempt",
    "Quartier",
    "Role",
    "User",
    "UserRole",
    "UtcDateTime",
]
