"""The silence-vaut-rejet watch every aid the centre decides carries: two months without a decision and the
request is implicitly rejected (L231-4 CRPA). Each such diagram sets a non-interrupting timer at
`alerte_silence_le` on the steps before the decision; the alert asks the instructing agent what is done."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from service.config import current_settings
from service.engine.durations import parse_duration
from service.models import Dossier, User


def start_data(filed_at: datetime) -> dict[str, Any]:
    """When the watch warns, counted from the filing (SILENCE_ALERT_DELAY, well before the two months)."""
    return {
        "alerte_silence_le": parse_duration(current_settings().SILENCE_ALERT_DELAY)
        .after(filed_at)
        .isoformat()
    }


def acknowledge(
    dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]
) -> dict[str, Any]:
    """The agent said what is done for a decision in time: the audit keeps it, the process moves on."""
    return {}


HOOKS = {"alerter_silence": acknowledge}
