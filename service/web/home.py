"""The dashboard a user lands on."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

bp = Blueprint("home", __name__)


@bp.route("/")
def index() -> Response:
    return redirect(url_for("home.dashboard" if current_user.is_authenticated else "auth.login"))


@bp.route("/tableau-de-bord")
@login_required
def dashboard() -> str:
    return render_template("home/dashboard.html", roles=sorted(current_user.roles))
