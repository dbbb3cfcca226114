"""Sign in and sign out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from service.accounts import service as accounts
from service.errors import InvalidInputError, TooManyAttemptsError
from service.web import security
from service.web.forms.accounts import LoginForm

bp = Blueprint("auth", __name__)


@bp.route("/connexion", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(url_for("home.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(
                username=form.username.data,
                password=form.password.data,
                address=security.client_address(),
            )
        except TooManyAttemptsError as error:
            form.refuse(error)
            return render_template("auth/login.html", form=form), 429
        except InvalidInputError as error:
            form.refuse(error)
            return render_template("auth/login.html", form=form), 401
        security.open_session(user)
        flash(f"Bienvenue, {user.full_name}.", "success")
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/deconnexion", methods=["POST"])
@login_required
def logout() -> Response:
    accounts.sign_out(user=current_user._get_current_object())
    security.close_session()
    flash("Vous êtes déconnecté·e.", "info")
    return redirect(url_for("auth.login"))


def _safe_next(target: str | None) -> str:
    """Follow ?next= only to a path of this site."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("home.dashboard")
