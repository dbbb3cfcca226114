"""Role checks used by every use case (authorization lives in the use cases, not only in the views)."""

from __future__ import annotations

from service.errors import PermissionDeniedError
from service.models import Role, User


def require_role(actor: User, *roles: Role) -> None:
    """Raise PermissionDeniedError unless the actor holds one of the roles."""
    if not actor.has_role(*roles):
        labels = ", ".join(role.label for role in roles)
        raise PermissionDeniedError(f"Cette action est réservée aux rôles : {labels}.")
