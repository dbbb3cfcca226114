"""The one source of "now": all code calls clock.now(); tests move an injected clock instead of sleeping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol

from flask import Flask, current_app, has_app_context

_EXTENSION_KEY = "entraide.clock"


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """The machine's time, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class TravellingClock:
    """A clock that stands still until told to move; used by tests and benchmarks."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("TravellingClock needs a timezone-aware start")
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        self._now += delta
        return self._now

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("TravellingClock needs a timezone-aware moment")
        self._now = moment


_SYSTEM = SystemClock()


def install(app: Flask, clock: Clock | None = None) -> None:
    """Give the application its clock (the system clock unless one is injected)."""
    app.extensions[_EXTENSION_KEY] = clock or _SYSTEM


def now() -> datetime:
    """Return the current time, timezone-aware UTC, from the application's clock."""
    if has_app_context():
        clock: Clock = current_app.extensions.get(_EXTENSION_KEY, _SYSTEM)
        return clock.now()
    return _SYSTEM.now()
