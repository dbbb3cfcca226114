"""Administration pages: the centre's users and its audit log."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from service.accounts import service as accounts
from service.audit import service as audit

bp = Blueprint("admin", __name__, url_prefix="/administration")


@bp.route("/utilisateurs")
@login_required
def users() -> str:
    return render_template("admin/users.html", users=accounts.list_users(actor=current_user))


@bp.route("/journal")
@login_required
def audit_log() -> str:
    return render_template("admin/audit.html", events=audit.recent_events(actor=current_user))
