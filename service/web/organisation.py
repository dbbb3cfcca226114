"""The communes the centre serves and their quartiers, managed by the head of service; the centre's identity
as its acts print it (letterhead, signatory, tribunal)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from service.errors import InvalidInputError
from service.organisation import identity
from service.organisation import service as organisation
from service.web.forms.organisation import CommuneForm, IdentityForm, QuartierForm

bp = Blueprint("organisation", __name__, url_prefix="/communes")
centre_bp = Blueprint("centre", __name__, url_prefix="/centre")


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


@centre_bp.route("/", methods=["GET", "POST"])
@login_required
def identity_page() -> Response | tuple[str, int]:
    kept = identity.identity_of(actor=current_user)
    form = IdentityForm(data=vars(kept)) if request.method == "GET" else IdentityForm()
    if form.validate_on_submit():
        typed = identity.CentreIdentity(**{name: form[name].data or "" for name in vars(kept)})
        try:
            identity.update_identity(actor=current_user, identity=typed)
        except InvalidInputError as error:
            form.refuse(error)
        else:
            flash("L'identité du centre est enregistrée : les prochains actes l'imprimeront.", "success")
            return redirect(url_for("centre.identity_page"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "organisation/centre.html", form=form, missing=identity.missing_from_acts(kept)
    ), status
