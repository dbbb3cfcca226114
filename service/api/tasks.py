"""Tasks: mine and my roles', a task with its form, claim it, complete it (the page's validation, the same
409 when a colleague completed it first)."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from service.api import problems, schemas
from service.api.auth import authenticate_call
from service.api.parsing import Blueprint
from service.dossiers import tasks as worklist
from service.dossiers.tasks import WorklistRow, WorklistView
from service.errors import InvalidInputError
from service.models import HumanTask

bp = Blueprint(
    "api_tasks", __name__, url_prefix="/api/v1/taches", description="Tâches : la liste de travail."
)
bp.before_request(authenticate_call)
problems.register(bp)


def _task_out(row: WorklistRow) -> dict[str, Any]:
    line = row.line
    return {
        "id": line.id,
        "titre": line.title,
        "role": line.role,
        "processus": line.process_key,
        "dossier_id": line.dossier_id if row.readable else None,
        "dossier_numero": line.dossier_number if row.readable else None,
        "personne": row.person_name,
        "attribuee_a": line.assignee_name,
        "echeance": line.due_at,
        "en_retard": row.overdue,
    }


def _single(task: HumanTask) -> dict[str, Any]:
    return {
        "id": task.id,
        "titre": task.title,
        "role": task.role,
        "processus": task.process_key,
        "dossier_id": task.dossier_id,
        "dossier_numero": task.dossier.number if task.dossier is not None else None,
        "personne": None,
        "attribuee_a": None,
        "echeance": task.due_at,
        "en_retard": False,
    }


@bp.route("", methods=["GET"])
@bp.arguments(schemas.TaskQuery, location="query", as_kwargs=True)
@bp.response(200, schemas.TaskPage)
def index(vue: str, limite: int, curseur: str | None = None) -> dict[str, Any]:
    """Les tâches ouvertes : « mes-taches » (prises par moi), « equipe » (de mes rôles), « en-retard »."""
    after = worklist.Cursor.decode(curseur) if curseur else None
    if curseur and after is None:
        raise InvalidInputError(
            "Ce curseur n'est pas valide : reprenez la liste depuis le début.", field="curseur"
        )
    page = worklist.worklist_page(actor=current_user, view=WorklistView(vue), after=after)
    chosen = list(page.rows[:limite])
    more = len(page.rows) > limite or page.next_cursor is not None
    following = chosen[-1].line.cursor.encode() if more and chosen else None
    return {"elements": [_task_out(row) for row in chosen], "suivant": following}


@bp.route("/<int:task_id>", methods=["GET"])
@bp.response(200, schemas.TaskDetailOut)
def show(task_id: int) -> dict[str, Any]:
    """Une tâche, son formulaire (JSON Schema) et les valeurs proposées (lecture tracée de son dossier)."""
    page = worklist.task_page(actor=current_user, task_id=task_id)
    task = _single(page.task)
    if page.dossier is not None:
        task["personne"] = page.dossier.person_name
    return {"tache": task, "formulaire": page.schema, "valeurs_proposees": dict(page.prefill)}


@bp.route("/<int:task_id>/prise", methods=["POST"])
@bp.response(200, schemas.TaskOut)
def claim(task_id: int) -> dict[str, Any]:
    """Prendre la tâche (elle ne s'affiche plus chez les collègues) ; 409 si un·e collègue l'a prise."""
    task = worklist.claim_task(actor=current_user, task_id=task_id)
    found = _single(task)
    found["attribuee_a"] = current_user.full_name
    return found


@bp.route("/<int:task_id>/achevement", methods=["POST"])
@bp.arguments(schemas.CompletionIn, as_kwargs=True)
@bp.response(200, schemas.CompletionOut)
def complete(task_id: int, valeurs: dict[str, str]) -> dict[str, Any]:
    """Réaliser l'étape avec son formulaire, validé comme sur la page (422 et « errors » par champ) ;
    409 si un·e collègue l'a réalisée d'abord : rien n'est enregistré."""
    done = worklist.complete_task(actor=current_user, task_id=task_id, form=valeurs)
    return {"titre": done.title, "dossier_id": done.dossier_id}
