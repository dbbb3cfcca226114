"""Timers: SpiffWorkflow reads the time itself; make it read our clock; tell when an instance is due."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Any

import SpiffWorkflow.bpmn.specs.event_definitions.timer as spiff_timer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

from service import clock

_TIMER_EVENTS = {"DurationTimerEventDefinition", "TimeDateEventDefinition", "CycleTimerEventDefinition"}


class _ClockedDatetime(datetime):
    """datetime whose now() is service.clock.now(): timers move with the injected clock in tests."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> Any:
        moment = clock.now()
        return moment.astimezone(tz) if tz is not None else moment.astimezone(UTC).replace(tzinfo=None)


def install_clock() -> None:
    """Point SpiffWorkflow's timer module at our clock (3.2.0 calls datetime.now() there)."""
    spiff_timer.datetime = _ClockedDatetime


def next_due(workflow: BpmnWorkflow) -> datetime | None:
    """The earliest instant one of the workflow's timers is waiting for, or None."""
    instants = [
        _instant(event.value) for event in workflow.waiting_events() if event.event_type in _TIMER_EVENTS
    ]
    known = [instant for instant in instants if instant is not None]
    return min(known) if known else None


def _instant(value: Any) -> datetime | None:
    if isinstance(value, dict):  # a cycle: its next occurrence
        value = value.get("next")
    if not isinstance(value, str):
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
