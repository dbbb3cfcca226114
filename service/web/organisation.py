"""The communes the centre serves and their quartiers, managed by the head of service."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from service.errors import InvalidInputError
from service.organisation import service as organisation
from service.web.forms.organisation import CommuneForm, QuartierForm

bp = Blueprint("organisation", __name__, url_prefix="/communes")


def _render(commune_form: CommuneForm, quartier_form: QuartierForm, *, status: int) -> tuple[str, int]:
    return render_template(
        "organisation/communes.html",
        communes=organisation.communes_page(actor=current_user),
        centre=organisation.get_centre(current_user.centre_id),
        commune_form=commune_form,
        quartier_form=quartier_form,
    ), status


@bp.route("/", methods=["GET", "POST"])
@login_required
def communes() -> Response | tuple[str, int]:
    form = CommuneForm()
    if form.validate_on_submit():
        try:
            commune = organisation.add_commune(
                actor=current_user, insee_code=form.insee_code.data, name=form.name.data
            )
        except InvalidInputError as error:
            form.refuse(error)
        else:
            flash(f"La commune {commune.name} est desservie par le centre.", "success")
            return redirect(url_for("organisation.communes"))
    status = 422 if form.errors or form.form_errors else 200
    return _render(form, QuartierForm(formdata=None), status=status)


@bp.route("/<int:commune_id>/quartiers", methods=["POST"])
@login_required
def add_quartier(commune_id: int) -> Response | tuple[str, int]:
    form = QuartierForm()
    if form.validate_on_submit():
        try:
            quartier = organisation.add_quartier(
                actor=current_user, commune_id=commune_id, name=form.name.data
            )
        except InvalidInputError as error:
            form.refuse(error)
        else:
            flash(f"Le quartier {quartier.name} est ajouté.", "success")
            return redirect(url_for("organisation.communes"))
    return _render(CommuneForm(formdata=None), form, status=422)
