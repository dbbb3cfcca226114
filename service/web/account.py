"""The signed-in user's own account."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from service.accounts import service as accounts
from service.errors import InvalidInputError
from service.web import security
from service.web.forms.accounts import ChangePasswordForm

bp = Blueprint("account", __name__, url_prefix="/mon-compte")


@bp.route("/", methods=["GET", "POST"])
@login_required
def show() -> Response | str | tuple[str, int]:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            accounts.change_password(
                user=user, current_password=form.current_password.data, new_password=form.new_password.data
            )
        except InvalidInputError as error:
            form.refuse(error)
            return render_template("account/show.html", form=form), 422
        security.keep_session(user)  # the user's other sessions ended with the old password; not this one
        flash("Votre mot de passe a été changé : vos autres sessions ont pris fin.", "success")
        return redirect(url_for("account.show"))
    status = 422 if form.errors else 200
    return render_template("account/show.html", form=form), status
