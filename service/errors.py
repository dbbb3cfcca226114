"""Domain errors: small, French, free of HTTP. The web layer maps each family to a status."""

from __future__ import annotations


class EntraideError(Exception):
    """Base of every error the service explains to its users."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigError(EntraideError):
    """A setting is missing or invalid: the service refuses to start."""


class InvalidInputError(EntraideError):
    """The user's input breaks a rule; nothing was changed. `field` names the form field at fault, if any."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFoundError(EntraideError):
    """The object does not exist, or not in the user's centre."""


class PermissionDeniedError(EntraideError):
    """The user's roles do not allow this action."""


class ConflictError(EntraideError):
    """Someone else changed the object first; nothing was changed."""


class TooManyAttemptsError(EntraideError):
    """Too many recent attempts: refused for a while."""


class UnavailableError(EntraideError):
    """A part the service needs (the database, a server) does not answer; nothing was changed."""
