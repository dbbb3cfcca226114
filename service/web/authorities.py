"""The directory of authorities: those the centre forwards legal-aid files to, and a new one entered."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from service.aids.aide_sociale_legale import directory
from service.errors import InvalidInputError
from service.web.forms.legal_aid import AuthorityForm

bp = Blueprint("authorities", __name__, url_prefix="/autorites")


@bp.route("/", methods=["GET", "POST"])
@login_required
def index() -> Response | tuple[str, int]:
    form = AuthorityForm()
    if form.validate_on_submit():
        try:
            authority = directory.add_authority(
                actor=current_user,
                name=form.name.data,
                kind=form.kind.data,
                address=form.address.data,
                email=form.email.data or "",
            )
        except InvalidInputError as error:
            form.refuse(error)
        else:
            flash(f"« {authority.name} » est inscrit dans l'annuaire des autorités.", "success")
            return redirect("/autorites/")
    status = 422 if form.errors or form.form_errors else 200
    authorities = directory.list_authorities(actor=current_user)
    can_add = current_user.has_role(*directory.EDITING_ROLES)
    return render_template(
        "authorities/index.html",
        authorities=authorities,
        kinds=directory.LEGAL_AID_KINDS.values(),
        form=form,
        can_add=can_add,
    ), status
