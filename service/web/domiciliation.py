"""The domiciliation counter: the register of the people domiciled, each one's mail (recorded, handed over
against signature), their visits, an end asked for; the préfecture's yearly figures."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from service.domiciliation import counter, figures
from service.errors import InvalidInputError
from service.web import inputs
from service.web.forms import Form
from service.web.forms.domiciliation import EndForm, HandOverForm, MailForm, VisitForm

bp = Blueprint("domiciliation", __name__, url_prefix="/domiciliation")


@bp.route("/")
@login_required
def index() -> str:
    return render_template("domiciliation/index.html", lines=counter.register(actor=current_user))


def _page(election_id: int, *, status: int = 200, **forms: Form) -> tuple[str, int]:
    page = counter.election_page(actor=current_user, election_id=election_id)
    return render_template(
        "domiciliation/show.html",
        page=page,
        mail_form=forms.get("mail_form") or MailForm(),
        hand_over_form=forms.get("hand_over_form") or HandOverForm(),
        visit_form=VisitForm(),
        end_form=forms.get("end_form") or EndForm(),
    ), status


@bp.route("/<int:election_id>")
@login_required
def show(election_id: int) -> tuple[str, int]:
    return _page(election_id)


@bp.route("/<int:election_id>/courriers", methods=["POST"])
@login_required
def record_mail(election_id: int) -> Response | tuple[str, int]:
    form = MailForm()
    if form.validate_on_submit():
        try:
            counter.record_mail(
                actor=current_user, election_id=election_id, sender_kind=form.sender_kind.data,
                received_on=form.received_on.data,
            )  # fmt: skip
        except InvalidInputError as error:
            form.refuse(error)
        else:
            flash("Le courrier est inscrit au registre.", "success")
            return redirect(f"/domiciliation/{election_id}")
    return _page(election_id, status=422, mail_form=form)


@bp.route("/<int:election_id>/courriers/<int:mail_id>/remise", methods=["POST"])
@login_required
def hand_over(election_id: int, mail_id: int) -> Response | tuple[str, int]:
    form = HandOverForm()
    if form.validate_on_submit():
        try:
            counter.hand_over(
                actor=current_user, election_id=election_id, mail_id=mail_id, signed_by=form.signed_by.data
            )
        except InvalidInputError as error:
            form.refuse(error)
        else:
            flash("Le courrier est remis ; le dernier contact est aujourd'hui.", "success")
            return redirect(f"/domiciliation/{election_id}")
    return _page(election_id, status=422, hand_over_form=form)


@bp.route("/<int:election_id>/passage", methods=["POST"])
@login_required
def visit(election_id: int) -> Response | tuple[str, int]:
    form = VisitForm()
    if not form.validate_on_submit():
        return _page(election_id, status=422)
    try:
        counter.record_visit(actor=current_user, election_id=election_id)
    except InvalidInputError as error:
        flash(error.message, "error")
        return _page(election_id, status=422)
    flash("Le passage est enregistré ; le dernier contact est aujourd'hui.", "success")
    return redirect(f"/domiciliation/{election_id}")


@bp.route("/<int:election_id>/fin", methods=["POST"])
@login_required
def end(election_id: int) -> Response | tuple[str, int]:
    form = EndForm()
    if form.validate_on_submit():
        try:
            counter.end_at_request(
                actor=current_user, election_id=election_id, details=form.details.data or ""
            )
        except InvalidInputError as error:
            form.refuse(error)
        else:
            flash("Il est mis fin à l'élection de domicile ; le courrier de fin est au dossier.", "success")
            return redirect(f"/domiciliation/{election_id}")
    return _page(election_id, status=422, end_form=form)


@bp.route("/statistiques")
@login_required
def figures_page() -> str:
    year = inputs.whole_number(request.args.get("annee", ""), empty=0)
    return render_template(
        "domiciliation/figures.html", figures=figures.yearly(actor=current_user, year=year)
    )
