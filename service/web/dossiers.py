"""A dossier's page: summary, current steps, history."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from service.dossiers import reading
from service.models import Role

bp = Blueprint("dossiers", __name__, url_prefix="/dossiers")


@bp.route("/<int:dossier_id>")
@login_required
def show(dossier_id: int) -> str:
    return render_template(
        "dossiers/show.html",
        page=reading.read_dossier(actor=current_user, dossier_id=dossier_id),
        role_labels={role.value: role.label for role in Role},
    )
