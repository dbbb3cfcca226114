"""Jinja filters that show instants and amounts the French way."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask import Flask, url_for

from service.audit.actions import AuditAction
from service.config import local_zone
from service.documents.rendering import month_long
from service.models.dossier import aid_label
from service.money import euros, euros_input


def init_app(app: Flask) -> None:
    app.add_template_filter(datetime_fr)
    app.add_template_filter(euros)
    app.add_template_filter(euros_input)
    app.add_template_filter(date_fr)
    app.add_template_filter(time_fr)
    app.add_template_filter(month_long, name="month_fr")
    app.add_template_filter(audit_action)
    app.add_template_filter(audit_subject)
    app.add_template_filter(audit_value)
    app.add_template_filter(aid_label)
    app.add_template_global(url_for_ids)


_PLACEHOLDER = 987654321


def url_for_ids(endpoint: str, name: str) -> Callable[[int], str]:
    """url_for(endpoint, name=id) for the many ids of a list: the route is built once, not once per row.

    `{% set task_url = url_for_ids('tasks.show', 'task_id') %}` then `task_url(line.id)` in the loop gives the
    very URL url_for would; only integer ids (the routes' `<int:…>`) are accepted.
    """
    values: dict[str, Any] = {name: _PLACEHOLDER}
    head, _, tail = url_for(endpoint, **values).partition(str(_PLACEHOLDER))

    def build(ident: int) -> str:
        return f"{head}{int(ident)}{tail}"

    return build


def datetime_fr(moment: datetime) -> str:
    """23/11/2026 à 14:05, in the centre's time zone."""
    local = moment.astimezone(local_zone())
    return local.strftime("%d/%m/%Y à %H:%M")


def time_fr(moment: datetime) -> str:
    """14:05, in the centre's time zone."""
    return moment.astimezone(local_zone()).strftime("%H:%M")


def date_fr(day: date) -> str:
    """23/11/2026."""
    return day.strftime("%d/%m/%Y")


def audit_action(code: str) -> str:
    """The French words of an audit action; a code the service no longer writes is shown as it is."""
    try:
        return AuditAction(code).label
    except ValueError:
        return code


_SUBJECTS = {
    "dossier": "Dossier",
    "instance": "Processus",
    "personne": "Personne",
    "utilisateur": "Compte",
    "centre": "Centre",
    "commune": "Commune",
    "quartier": "Quartier",
    "rapport_activite": "Rapport d'activité",
    "seance": "Séance de la commission",
    "membre": "Membre de la commission",
    "atelier": "Séance d'atelier",
    "theme_atelier": "Thème d'atelier",
    "carnet": "Carnet de chèques",
    "autorité": "Autorité",
    "processus": "Processus",
    "barème": "Barème",
}


def audit_subject(subject_type: str) -> str:
    """What an audit event is about, in words."""
    return _SUBJECTS.get(subject_type, subject_type)


def audit_value(value: Any) -> str:
    """A detail of an audit event as a person reads it: oui/non, a list with commas, a dash for nothing."""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if value is None or value == "":
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(audit_value(item) for item in value) or "—"
    if isinstance(value, dict):
        return " ; ".join(f"{key} : {audit_value(item)}" for key, item in value.items()) or "—"
    return str(value)
