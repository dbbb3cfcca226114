"""Jinja filters that show instants and amounts the French way."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask

from service.config import local_zone
from service.money import euros, euros_input


def init_app(app: Flask) -> None:
    app.add_template_filter(datetime_fr)
    app.add_template_filter(euros)
    app.add_template_filter(euros_input)
    app.add_template_filter(date_fr)
    app.add_template_filter(audit_action)


def datetime_fr(moment: datetime) -> str:
    """23/11/2026 à 14:05, in the centre's time zone."""
    local = moment.astimezone(local_zone())
    return local.strftime("%d/%m/%Y à %H:%M")


def date_fr(day: date) -> str:
    """23/11/2026."""
    return day.strftime("%d/%m/%Y")


_AUDIT_ACTIONS = {
    "dossier.ouverture": "Ouverture du dossier",
    "dossier.consultation": "Consultation du dossier",
    "tâche.terminée": "Étape réalisée",
    "tâche.prise": "Tâche prise en charge",
    "tâche.rendue": "Tâche rendue à l'équipe",
    "tâche.réattribuée": "Tâche réattribuée",
    "document.rectificatif": "Rectificatif d'un document émis",
    "connexion": "Connexion",
    "connexion.refusée": "Connexion refusée",
}


def audit_action(code: str) -> str:
    """The French label of an audit action, or its code when it has none."""
    return _AUDIT_ACTIONS.get(code, code)
