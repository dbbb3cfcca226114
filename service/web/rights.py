"""The rights check of a person: the potential rights OpenFisca estimated, and what the agent did of them."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from service.errors import InvalidInputError
from service.models import FollowUpStatus, Housing
from service.people.service import today
from service.rights import service as rights
from service.web.forms.rights import EstimateForm, FollowUpForm

bp = Blueprint("rights", __name__, url_prefix="/personnes")


def _render(
    person_id: int,
    *,
    estimate_form: EstimateForm | None = None,
    follow_up_form: FollowUpForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    page = rights.read(actor=current_user, person_id=person_id)
    if estimate_form is None:
        estimate_form = EstimateForm(housing=page.housing.value, disability=page.disability)
    html = render_template(
        "people/rights.html",
        page=page,
        person=page.person,
        estimate_form=estimate_form,
        follow_up_form=follow_up_form or FollowUpForm(on_date=today()),
    )
    return html, status


@bp.route("/<int:person_id>/droits")
@login_required
def show(person_id: int) -> tuple[str, int]:
    return _render(person_id)


@bp.route("/<int:person_id>/droits/estimer", methods=["POST"])
@login_required
def estimate(person_id: int) -> Response | tuple[str, int]:
    form = EstimateForm()
    if not form.validate_on_submit():
        return _render(person_id, estimate_form=form, status=422)
    try:
        rights.ask(
            actor=current_user,
            person_id=person_id,
            housing=Housing(form.housing.data),
            disability=bool(form.disability.data),
        )
    except InvalidInputError as error:
        form.refuse(error)
        return _render(person_id, estimate_form=form, status=422)
    flash("L'estimation des droits est demandée : elle s'affiche ici dès qu'elle est calculée.", "success")
    return redirect(url_for("rights.show", person_id=person_id))


@bp.route("/<int:person_id>/droits/suite", methods=["POST"])
@login_required
def follow_up(person_id: int) -> Response | tuple[str, int]:
    form = FollowUpForm()
    if not form.validate_on_submit():
        return _render(person_id, follow_up_form=form, status=422)
    try:
        rights.record_follow_up(
            actor=current_user,
            person_id=person_id,
            right=form.right.data,
            status=FollowUpStatus(form.status.data),
            on_date=form.on_date.data,
        )
    except InvalidInputError as error:
        form.refuse(error)
        return _render(person_id, follow_up_form=form, status=422)
    flash("Suite enregistrée.", "success")
    return redirect(url_for("rights.show", person_id=person_id))
