"""A dossier's page: summary, current steps and its diagram, history."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, render_template
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from service.dossiers import diagram, reading
from service.models import Role
from service.web.formatting import datetime_fr

bp = Blueprint("dossiers", __name__, url_prefix="/dossiers")


@bp.route("/<int:dossier_id>")
@login_required
def show(dossier_id: int) -> str:
    page = reading.read_dossier(actor=current_user, dossier_id=dossier_id)
    return render_template(
        "dossiers/show.html",
        page=page,
        stands=page.stands,
        role_labels={role.value: role.label for role in Role},
    )


@bp.route("/<int:dossier_id>/diagramme.json")
@login_required
def diagram_data(dossier_id: int) -> Response:
    """What the page's viewer draws: the process's diagram, the steps done and current, the pending timers."""
    stands = diagram.dossier_diagram(actor=current_user, dossier_id=dossier_id)
    found: dict[str, Any] = {"source": "", "done": [], "current": [], "timers": []}
    if stands is not None:
        found = {
            "source": stands.source,
            "done": stands.done,
            "current": stands.current,
            "timers": [
                {
                    "element": timer.element_id,
                    "label": f"{timer.name} : {datetime_fr(timer.due_at)}" if timer.due_at else timer.name,
                }
                for timer in stands.timers
            ],
        }
    return jsonify(found)
