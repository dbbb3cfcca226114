"""People: search before create, the person's page with household, budget and requests."""

from __future__ import annotations

from io import BytesIO

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from service.domiciliation import counter
from service.dossiers import service as dossiers
from service.errors import InvalidInputError
from service.follow_up import timeline as follow_up
from service.models import BudgetKind, Relationship
from service.people import service as people
from service.people.budget import CHARGE_CATEGORIES, RESOURCE_CATEGORIES
from service.privacy import export as privacy
from service.web import inputs
from service.web.forms.people import BudgetLineForm, MemberForm, PersonForm, RequestForm, SearchForm

bp = Blueprint("people", __name__, url_prefix="/personnes")


@bp.route("/")
@login_required
def search() -> str:
    form = SearchForm(request.args)
    query = (form.q.data or "").strip()
    results = people.search(actor=current_user, query=query)  # asked even empty: it checks the role
    return render_template("people/search.html", form=form, query=query, results=results)


def _quartiers() -> list[tuple[int, str]]:
    return [(q.id, f"{q.commune.name} — {q.name}") for q in people.quartiers(actor=current_user)]


@bp.route("/nouvelle", methods=["GET", "POST"])
@login_required
def create() -> Response | str | tuple[str, int]:
    form = PersonForm(
        quartiers=_quartiers(), communes=[(c.id, c.name) for c in people.communes(actor=current_user)]
    )
    if request.method == "GET":
        form.last_name.data = request.args.get("nom", "")
    candidates: list[object] = []
    if form.validate_on_submit():
        identity = people.Identity(
            last_name=form.last_name.data,
            civility=form.civility.data or "",
            first_name=form.first_name.data,
            birth_date=form.birth_date.data,
            phone=form.phone.data or "",
            email=form.email.data or "",
            address_line=form.address_line.data or "",
            postal_code=form.postal_code.data or "",
            city=form.city.data or "",
            quartier_id=form.quartier_id.data or None,
            commune_id=form.commune_id.data or None,
            housing=form.housing.data or "",
        )
        try:
            person = people.create(
                actor=current_user, identity=identity, confirm_duplicate=form.confirm_duplicate.data
            )
        except people.DuplicateSuspectedError as error:
            form.refuse(error)
            candidates = list(error.candidates)
        except InvalidInputError as error:
            form.refuse(error)
        else:
            flash(f"{person.display_name} a été enregistré·e.", "success")
            return redirect(url_for("people.show", person_id=person.id))
        return render_template("people/new.html", form=form, candidates=candidates), 422
    status = 422 if form.errors else 200
    return render_template("people/new.html", form=form, candidates=candidates), status


def _render_person(
    person_id: int,
    *,
    member_form: MemberForm | None = None,
    resource_form: BudgetLineForm | None = None,
    charge_form: BudgetLineForm | None = None,
    request_form: RequestForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    page = people.read_person(actor=current_user, person_id=person_id)
    html = render_template(
        "people/show.html",
        page=page,
        person=page.person,
        member_form=member_form or MemberForm(),
        resource_form=resource_form or BudgetLineForm(kind=BudgetKind.RESSOURCE),
        charge_form=charge_form or BudgetLineForm(kind=BudgetKind.CHARGE),
        request_form=request_form or RequestForm(),
        categories={**RESOURCE_CATEGORIES, **CHARGE_CATEGORIES},
        waiting_mail=counter.waiting_for(actor=current_user, person_id=page.person.id)
        if any(dossier.aid_type == counter.AID_KEY for dossier in page.dossiers)
        else [],
    )
    return html, status


@bp.route("/<int:person_id>")
@login_required
def show(person_id: int) -> tuple[str, int]:
    return _render_person(person_id)


@bp.route("/<int:person_id>/donnees.zip")
@login_required
def export(person_id: int) -> Response:
    """Everything held about the person, for their right of access: a ZIP (PDF, JSON, documents)."""
    found = privacy.export_person(actor=current_user, person_id=person_id)
    return send_file(
        BytesIO(found.content), mimetype="application/zip", as_attachment=True, download_name=found.filename
    )


@bp.route("/<int:person_id>/foyer", methods=["POST"])
@login_required
def add_member(person_id: int) -> Response | tuple[str, int]:
    form = MemberForm()
    if not form.validate_on_submit():
        return _render_person(person_id, member_form=form, status=422)
    try:
        people.add_member(
            actor=current_user,
            person_id=person_id,
            first_name=form.first_name.data,
            last_name=form.last_name.data,
            birth_date=form.birth_date.data,
            relationship=Relationship(form.relationship.data),
        )
    except InvalidInputError as error:
        form.refuse(error)
        return _render_person(person_id, member_form=form, status=422)
    flash("Membre du foyer ajouté.", "success")
    return redirect(url_for("people.show", person_id=person_id, _anchor="foyer"))


@bp.route("/<int:person_id>/foyer/<int:member_id>/retirer", methods=["POST"])
@login_required
def remove_member(person_id: int, member_id: int) -> Response:
    people.remove_member(actor=current_user, person_id=person_id, member_id=member_id)
    flash("Membre du foyer retiré.", "success")
    return redirect(url_for("people.show", person_id=person_id, _anchor="foyer"))


@bp.route("/<int:person_id>/budget", methods=["POST"])
@login_required
def add_budget_line(person_id: int) -> Response | tuple[str, int]:
    kind = inputs.choice(BudgetKind, request.form.get("kind", ""), "Choisissez une ressource ou une charge.")
    form = BudgetLineForm(kind=kind)
    forms = {"resource_form" if kind is BudgetKind.RESSOURCE else "charge_form": form}
    if not form.validate_on_submit():
        return _render_person(person_id, status=422, **forms)
    try:
        people.add_budget_line(
            actor=current_user,
            person_id=person_id,
            kind=kind,
            category=form.category.data,
            label=form.label.data or "",
            monthly_amount_cents=form.amount.cents or 0,
        )
    except InvalidInputError as error:
        form.refuse(error)
        return _render_person(person_id, status=422, **forms)
    flash("Ligne de budget ajoutée.", "success")
    return redirect(url_for("people.show", person_id=person_id, _anchor="budget"))


@bp.route("/<int:person_id>/budget/<int:line_id>/retirer", methods=["POST"])
@login_required
def remove_budget_line(person_id: int, line_id: int) -> Response:
    people.remove_budget_line(actor=current_user, person_id=person_id, line_id=line_id)
    flash("Ligne de budget retirée.", "success")
    return redirect(url_for("people.show", person_id=person_id, _anchor="budget"))


@bp.route("/<int:person_id>/demandes", methods=["POST"])
@login_required
def open_request(person_id: int) -> Response | tuple[str, int]:
    form = RequestForm()
    if not form.validate_on_submit():
        return _render_person(person_id, request_form=form, status=422)
    dossier = dossiers.open_request(
        actor=current_user,
        person_id=person_id,
        aid_type=form.aid_type.data,
        reason=form.reason.data,
        missing=form.missing.data or "",
    )
    flash(f"Dossier {dossier.number} ouvert.", "success")
    return redirect(url_for("dossiers.show", dossier_id=dossier.id))


@bp.route("/<int:person_id>/suivi")
@login_required
def timeline(person_id: int) -> str:
    """Accompagnement et suivi: everything done with the person, in one timeline."""
    found = follow_up.timeline(actor=current_user, person_id=person_id)
    return render_template("people/timeline.html", timeline=found, person=found.person)
