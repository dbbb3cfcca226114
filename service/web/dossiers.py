"""A dossier's page: summary, current steps, history."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from service.dossiers import service as dossiers
from service.models import Role
from service.people.service import PEOPLE_ROLES

bp = Blueprint("dossiers", __name__, url_prefix="/dossiers")


@bp.route("/<int:dossier_id>")
@login_required
def show(dossier_id: int) -> str:
    return render_template(
        "dossiers/show.html",
        page=dossiers.read_dossier(actor=current_user, dossier_id=dossier_id),
        people_roles=PEOPLE_ROLES,
        role_labels={role.value: role.label for role in Role},
    )
