"""The worklist and the task pages: claim, complete through the task's form, hand over."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from service import aids, processes
from service.dossiers import tasks as worklist
from service.dossiers.tasks import FormInvalidError, WorklistView
from service.errors import InvalidInputError
from service.models import Role
from service.organisation import service as organisation
from service.orientation import orienting
from service.web import inputs

bp = Blueprint("tasks", __name__, url_prefix="/taches")

# The page a step of each kind of subject is done on, and its argument (service.processes: the subject a task
# belongs to); a dossier's steps are done on the task page.
_SUBJECT_PAGES = {
    "seance_commission": ("committee.show", "session_id"),
    "seance_atelier": ("workshops.show", "session_id"),
    "liaison": ("liaisons.show", "liaison_id"),
}

_VIEW_LABELS = {
    WorklistView.MINE: "Mes tâches",
    WorklistView.TEAM: "Tâches de mes rôles",
    WorklistView.OVERDUE: "En retard",
}
_FILTER_ARGS = ("aide", "etape", "echeance", "agent", "commune", "quartier")


def _id_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if inputs.is_id(value) else None


def _filters() -> worklist.Filters:
    """The filters the URL carries; what is not understood is ignored (the whole list is shown)."""
    aid_value = request.args.get("aide", "")
    step = request.args.get("etape", "")
    due_value = request.args.get("echeance", "")
    agent = request.args.get("agent", "")
    return worklist.Filters(
        aid=aid_value if aids.is_aid(aid_value) else None,
        step=step if step and len(step) <= 80 and step.replace("_", "").isalnum() else None,
        due=worklist.Due(due_value) if due_value in set(worklist.Due) else None,
        assignee_id=worklist.UNASSIGNED if agent == "personne" else _id_arg("agent"),
        commune_id=_id_arg("commune"),
        quartier_id=_id_arg("quartier"),
    )


@bp.route("/")
@login_required
def index() -> str:
    try:
        view = WorklistView(request.args.get("vue", WorklistView.TEAM.value))
    except ValueError:
        view = WorklistView.TEAM
    filters = _filters()
    # The filters' choices are read first, in the transaction the page's unit of work then ends: one
    # transaction (and one connection taken from the pool) for the whole page.
    steps = worklist.worklist_steps(actor=current_user)
    agents = worklist.worklist_assignees(actor=current_user)
    quartiers = organisation.list_quartiers()
    page = worklist.worklist_page(
        actor=current_user,
        view=view,
        filters=filters,
        after=worklist.Cursor.decode(request.args.get("apres", "")),
        before=worklist.Cursor.decode(request.args.get("avant", "")),
    )
    kept = {name: request.args[name] for name in _FILTER_ARGS if request.args.get(name)}
    return render_template(
        "tasks/index.html",
        page=page,
        view=view,
        views=_VIEW_LABELS,
        view_counts={
            WorklistView.MINE: page.counts.mine,
            WorklistView.TEAM: page.counts.team,
            WorklistView.OVERDUE: page.counts.overdue,
        },
        filters=filters,
        kept=kept,
        dues=list(worklist.Due),
        aid_types=aids.all_aids(),
        steps=steps,
        agents=agents,
        quartiers=quartiers,
        role_labels={role.value: role.label for role in Role},
    )


def _render_task(
    task_id: int, *, values: dict[str, str] | None, errors: dict[str, str], status: int
) -> tuple[str, int]:
    """The task page; values are what the agent typed, or the known amounts on a first display."""
    page = worklist.task_page(actor=current_user, task_id=task_id)
    values = page.prefill if values is None else values
    candidates = worklist.candidates_for(actor=current_user, task=page.task) if current_user.has_role(
        Role.RESPONSABLE
    ) else []  # fmt: skip
    return render_template(
        "tasks/show.html", page=page, values=values, errors=errors, candidates=candidates,
        role_label=Role(page.task.role).label, can_complete=current_user.has_role(Role(page.task.role)),
    ), status  # fmt: skip


@bp.route("/<int:task_id>", methods=["GET", "POST"])
@login_required
def show(task_id: int) -> Response | tuple[str, int]:
    step = worklist.task_in_centre(actor=current_user, task_id=task_id)
    # A sitting's or a liaison's steps are done from its page, for those who may do them; a dossier's here.
    if step is not None and current_user.has_role(Role(step.role), Role.RESPONSABLE):
        subject = processes.subject_of(step)
        if subject.kind.name == "orientation" and subject.id is not None:
            person_id = orienting.person_of(actor=current_user, orientation_id=subject.id)
            return redirect(url_for("orientation.person_page", person_id=person_id, _anchor="suivi"))
        if subject.kind.name in _SUBJECT_PAGES and subject.id is not None:
            endpoint, argument = _SUBJECT_PAGES[subject.kind.name]
            arguments: dict[str, Any] = {argument: subject.id}
            return redirect(url_for(endpoint, **arguments))
    if request.method == "GET":
        return _render_task(task_id, values=None, errors={}, status=200)
    values = {key: value for key, value in request.form.items() if key != "csrf_token"}
    try:
        task = worklist.complete_task(actor=current_user, task_id=task_id, form=values)
    except FormInvalidError as error:
        return _render_task(task_id, values=values, errors=error.errors, status=422)
    except InvalidInputError as error:
        return _render_task(task_id, values=values, errors={"": error.message}, status=422)
    flash(f"« {task.title} » est enregistré.", "success")
    if task.dossier_id:
        return redirect(url_for("dossiers.show", dossier_id=task.dossier_id))
    return redirect(url_for("tasks.index"))


@bp.route("/<int:task_id>/prendre", methods=["POST"])
@login_required
def claim(task_id: int) -> Response:
    worklist.claim_task(actor=current_user, task_id=task_id)
    flash("La tâche vous est attribuée.", "success")
    return redirect(url_for("tasks.show", task_id=task_id))


@bp.route("/<int:task_id>/rendre", methods=["POST"])
@login_required
def unclaim(task_id: int) -> Response:
    worklist.unclaim_task(actor=current_user, task_id=task_id)
    flash("La tâche est rendue à l'équipe.", "success")
    return redirect(url_for("tasks.index"))


@bp.route("/<int:task_id>/reattribuer", methods=["POST"])
@login_required
def reassign(task_id: int) -> Response:
    assignee = request.form.get("assignee_id", "")
    if not inputs.is_id(assignee):
        flash("Choisissez un agent.", "error")
        return redirect(url_for("tasks.show", task_id=task_id))
    task = worklist.reassign_task(actor=current_user, task_id=task_id, assignee_id=int(assignee))
    flash("La tâche a été réattribuée.", "success")
    return redirect(url_for("tasks.show", task_id=task.id))
