"""The fiche de liaison: the town hall's form and list; the page the instructing agents call back from."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from service.dossiers import tasks as worklist
from service.dossiers.tasks import FormInvalidError
from service.errors import InvalidInputError
from service.liaisons import service as liaisons
from service.models import Role
from service.web import inputs
from service.web.forms.liaisons import EvaluationForm, LiaisonForm
from service.web.forms.people import RequestForm

bp = Blueprint("liaisons", __name__, url_prefix="/liaisons")


@bp.route("/")
@login_required
def index() -> str:
    """Mes fiches de liaison: what the agent sent and what became of it (label and date only)."""
    return render_template("liaisons/index.html", lines=liaisons.sent_by(actor=current_user))


def _new_page(form: LiaisonForm, *, status: int = 200) -> tuple[str, int]:
    query = (form.q.data or "").strip()[:200]
    found = liaisons.find_people(actor=current_user, query=query) if query else []
    post = liaisons.post_of(actor=current_user)
    return render_template(
        "liaisons/new.html", form=form, query=query, found=found, post=post, picked=form.person_id.data or ""
    ), status


@bp.route("/nouvelle", methods=["GET", "POST"])
@login_required
def new() -> Response | tuple[str, int]:
    form = LiaisonForm()
    if request.method == "GET":
        form.q.data = request.args.get("q", "")
        return _new_page(form)
    if form.validate_on_submit():
        picked = (form.person_id.data or "").strip()
        try:
            if picked and not inputs.is_id(picked):
                raise InvalidInputError("Choisissez une des personnes proposées.", field="person_id")
            liaisons.send(
                actor=current_user,
                form=liaisons.LiaisonForm(
                    question=form.question.data or "", consent=bool(form.consent.data),
                    urgent=bool(form.urgent.data), person_id=int(picked) if picked else None,
                    last_name=form.last_name.data or "", first_name=form.first_name.data or "",
                    birth_year=form.birth_year.data, phone=form.phone.data or "", email=form.email.data or "",
                    query=form.q.data or "",
                ),
            )  # fmt: skip
        except InvalidInputError as error:
            form.refuse(error)
        else:
            flash("La fiche de liaison est envoyée au centre.", "success")
            return redirect(url_for("liaisons.index"))
    return _new_page(form, status=422)


def _show_page(liaison_id: int, form: EvaluationForm, *, status: int = 200) -> tuple[str, int]:
    page = liaisons.liaison_page(actor=current_user, liaison_id=liaison_id)
    request_form = RequestForm(formdata=None, reason=page.liaison.question[:2000])
    return render_template(
        "liaisons/show.html", page=page, liaison=page.liaison, form=form, request_form=request_form,
        can_record=current_user.has_role(Role.INSTRUCTEUR),
    ), status  # fmt: skip


@bp.route("/<int:liaison_id>", methods=["GET", "POST"])
@login_required
def show(liaison_id: int) -> Response | tuple[str, int]:
    form = EvaluationForm()
    if request.method == "GET":
        return _show_page(liaison_id, form)
    page = liaisons.liaison_page(actor=current_user, liaison_id=liaison_id)
    if page.task is None:
        form.form_errors.append("La suite de cette fiche est déjà enregistrée.")
    elif form.validate_on_submit():
        try:
            worklist.complete_task(
                actor=current_user, task_id=page.task.id,
                form={"issue": form.issue.data or "", "note": form.note.data or ""},
            )  # fmt: skip
        except FormInvalidError as error:
            for name, message in error.errors.items():
                target = getattr(form, name, None)
                if target is not None:
                    target.errors = [*target.errors, message]
                else:
                    form.form_errors.append(message)
        except InvalidInputError as error:
            form.refuse(error)
        else:
            flash("La suite donnée à la fiche de liaison est enregistrée.", "success")
            return redirect(url_for("liaisons.show", liaison_id=liaison_id))
    return _show_page(liaison_id, form, status=422)
