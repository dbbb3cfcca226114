"""Walk any aid's dossier through its tasks with the use cases, as the agents of each role would."""

from __future__ import annotations

from sqlalchemy import select

from service.dossiers import service as dossiers
from service.dossiers import tasks
from service.extensions import db
from service.models import AidType, BudgetKind, Dossier, ProcessInstance, User
from service.people import service as people
from tests.workflow_helpers import open_task, open_task_names

task_of = open_task


def person_with_budget(agent: User, last_name: str, *, resources: int = 60000, charges: int = 45000) -> int:
    """A person living alone with monthly resources and charges in cents; returns the person's id."""
    person = people.create(
        actor=agent,
        identity=people.Identity(last_name=last_name, first_name="Camille"),
        confirm_duplicate=True,
    )
    people.add_budget_line(
        actor=agent, person_id=person.id, kind=BudgetKind.RESSOURCE, category="rsa", label="",
        monthly_amount_cents=resources,
    )  # fmt: skip
    people.add_budget_line(
        actor=agent, person_id=person.id, kind=BudgetKind.CHARGE, category="loyer", label="",
        monthly_amount_cents=charges,
    )  # fmt: skip
    return person.id


def open_aid(agent: User, person_id: int, aid_type: AidType, reason: str = "Demande d'aide") -> Dossier:
    return dossiers.open_request(actor=agent, person_id=person_id, aid_type=aid_type, reason=reason)


def open_tasks(dossier: Dossier) -> list[str]:
    return sorted(open_task_names(dossier))


def do(actor: User, dossier: Dossier, task_name: str, form: dict[str, str]) -> None:
    tasks.complete_task(actor=actor, task_id=open_task(dossier, task_name).id, form=form)


def instance_of(dossier: Dossier) -> ProcessInstance:
    return db.session.scalars(select(ProcessInstance).where(ProcessInstance.dossier_id == dossier.id)).one()


NOTIFIED = {"moyen": "courrier", "date_notification": "2026-11-23"}
