"""Orientation pages: the partners' directory, a person's orientations, the liaison form, the answer."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from service.errors import InvalidInputError
from service.orientation import directory, orienting
from service.orientation.domains import DOMAINS
from service.web import confirmation, inputs
from service.web.forms.orientation import OrientationForm, OutcomeForm, PartnerForm

bp = Blueprint("orientation", __name__)


def _entry(form: PartnerForm) -> directory.PartnerInput:
    return directory.PartnerInput(
        name=form.name.data or "",
        kind=form.kind.data or "",
        domains=list(form.domains.data or []),
        address=form.address.data or "",
        phone=form.phone.data or "",
        email=form.email.data or "",
        hours=form.hours.data or "",
        active=bool(form.active.data),
    )


def _domain_arg() -> str | None:
    domain = request.args.get("domaine", "")
    return domain if domain in DOMAINS else None


@bp.route("/partenaires/", methods=["GET", "POST"])
@login_required
def partners() -> Response | tuple[str, int]:
    form = PartnerForm()
    if form.validate_on_submit():
        try:
            partner = directory.add_partner(actor=current_user, entry=_entry(form))
        except InvalidInputError as error:
            form.refuse(error)
        else:
            flash(f"« {partner.name} » est inscrit dans l'annuaire des partenaires.", "success")
            return redirect(url_for("orientation.partners"))
    status = 422 if form.errors or form.form_errors else 200
    domain = _domain_arg()
    return render_template(
        "orientation/partners.html",
        partners=directory.list_partners(actor=current_user, domain=domain),
        domains=DOMAINS,
        domain=domain,
        form=form,
        can_edit=current_user.has_role(*directory.EDITING_ROLES),
    ), status


@bp.route("/partenaires/<int:partner_id>", methods=["GET", "POST"])
@login_required
def edit_partner(partner_id: int) -> Response | tuple[str, int]:
    partner = directory.partner_to_edit(actor=current_user, partner_id=partner_id)
    form = PartnerForm(obj=partner if request.method == "GET" else None)
    if request.method == "GET":
        form.kind.data = partner.kind.value
    if form.validate_on_submit():
        try:
            directory.update_partner(actor=current_user, partner_id=partner_id, entry=_entry(form))
        except InvalidInputError as error:
            form.refuse(error)
        else:
            flash("Le partenaire est modifié.", "success")
            return redirect(url_for("orientation.partners"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("orientation/partner.html", partner=partner, form=form), status


def _render_person(
    person_id: int, *, form: OrientationForm | None = None, status: int = 200
) -> tuple[str, int]:
    domain = _domain_arg()
    page = orienting.read(actor=current_user, person_id=person_id, domain=domain)
    if form is None:
        form = OrientationForm(domain=domain or "")
    form.partner.choices = [(str(p.id), p.name) for p in page.partners] or [("", "Aucun partenaire")]
    return render_template(
        "orientation/person.html",
        page=page,
        person=page.person,
        form=form,
        outcome_form=OutcomeForm(),
        domains=DOMAINS,
        domain=domain,
    ), status


@bp.route("/personnes/<int:person_id>/orientations", methods=["GET", "POST"])
@login_required
def person_page(person_id: int) -> Response | tuple[str, int]:
    if request.method == "GET":
        return _render_person(person_id)
    form = OrientationForm()
    form.partner.choices = [(form.partner.data, form.partner.data)]  # checked by the use case
    if not form.validate_on_submit():
        return _render_person(person_id, form=form, status=422)
    partner_value = form.partner.data or ""
    if not inputs.is_id(partner_value):
        form.partner.errors = ["Choisissez un partenaire de l'annuaire."]
        return _render_person(person_id, form=form, status=422)
    asked: dict[str, Any] = {
        "person_id": person_id,
        "partner_id": int(partner_value),
        "domain": form.domain.data or "",
        "reason": form.reason.data or "",
        "consent": bool(form.consent.data),
        "send": bool(form.send.data),
    }
    try:
        if asked["send"] and not confirmation.is_confirmed():  # a mail sent is not taken back: said first
            partner = orienting.check_orient(actor=current_user, **asked)
            return confirmation.ask(
                title=f"Orienter la personne et envoyer la fiche de liaison à {partner.name} ?",
                consequences=[
                    "L'orientation est enregistrée et sa fiche de liaison imprimée ; le centre prendra des "
                    "nouvelles de la personne à la date prévue.",
                    f"La fiche de liaison part par courriel à {partner.email}, avec le motif de "
                    "l'orientation et les coordonnées de la personne, qui a donné son accord.",
                    "Un courriel envoyé ne se reprend pas.",
                ],
                button="Orienter et envoyer la fiche de liaison",
                back=url_for("orientation.person_page", person_id=person_id),
            )
        orientation = orienting.orient(actor=current_user, **asked)
    except InvalidInputError as error:
        form.refuse(error)
        return _render_person(person_id, form=form, status=422)
    sent = " et la fiche de liaison est envoyée au partenaire" if orientation.mailed_at else ""
    flash(f"L'orientation vers {orientation.partner.name} est enregistrée{sent}.", "success")
    return redirect(url_for("orientation.person_page", person_id=person_id))


@bp.route("/personnes/<int:person_id>/orientations/<int:orientation_id>/envoyer", methods=["POST"])
@login_required
def send(person_id: int, orientation_id: int) -> Response | tuple[str, int]:
    try:
        if not confirmation.is_confirmed():  # a mail sent is not taken back: the page says so first
            found = orienting.check_send(
                actor=current_user, person_id=person_id, orientation_id=orientation_id
            )
            return confirmation.ask(
                title=f"Envoyer la fiche de liaison à {found.partner.name} ?",
                consequences=[
                    f"La fiche de liaison part par courriel à {found.partner.email}, avec le motif de "
                    "l'orientation et les coordonnées de la personne, qui a donné son accord.",
                    "Un courriel envoyé ne se reprend pas.",
                ],
                button="Envoyer la fiche de liaison",
                back=url_for("orientation.person_page", person_id=person_id),
            )
        orientation = orienting.send(actor=current_user, person_id=person_id, orientation_id=orientation_id)
    except InvalidInputError as error:
        flash(error.message, "error")
        return _render_person(person_id, status=422)
    flash(f"La fiche de liaison part vers {orientation.partner.name}.", "success")
    return redirect(url_for("orientation.person_page", person_id=person_id))


@bp.route("/personnes/<int:person_id>/orientations/<int:orientation_id>/suite", methods=["POST"])
@login_required
def outcome(person_id: int, orientation_id: int) -> Response | tuple[str, int]:
    form = OutcomeForm()
    if not form.validate_on_submit():
        flash("Choisissez une des suites proposées.", "error")
        return _render_person(person_id, status=422)
    try:
        orienting.record_outcome(
            actor=current_user, person_id=person_id, orientation_id=orientation_id, outcome=form.outcome.data
        )
    except InvalidInputError as error:
        flash(error.message, "error")
        return _render_person(person_id, status=422)
    flash("La suite de l'orientation est enregistrée.", "success")
    return redirect(url_for("orientation.person_page", person_id=person_id))
