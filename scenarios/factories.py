"""Factories: the centres, people, dossiers at a given step and their open tasks that tests start from, built
through the use cases as the service builds them (users come from the `make_user` fixture of conftest)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from service import clock
from service.dossiers import service as dossiers
from service.dossiers import tasks
from service.extensions import db
from service.models import (
    BoardDelegation,
    BudgetKind,
    Centre,
    CentreKind,
    DelegateeCapacity,
    Dossier,
    HumanTask,
    ProcessInstance,
    SignatureDelegation,
    User,
)
from service.organisation import service as organisation
from service.people import service as people

PASSWORD = "mot-de-passe-de-test"  # every test account's password (the tests sign in with it)


def make_centre(code: str, name: str, *, quartiers: tuple[str, ...] = ("Centre",)) -> Centre:
    """A CCAS serving one commune, with its quartiers."""
    return organisation.create_centre(
        code=code,
        name=name,
        kind=CentreKind.CCAS,
        communes={("99999", name.removeprefix("CCAS de ")): list(quartiers)},
        letterhead={
            "tribunal_name": "Tribunal administratif de Lyon",
            "tribunal_address": "Palais des juridictions administratives, 184 rue Duguesclin, 69003 Lyon",
        },
    )


# The board's usual delegation in the tests: urgent relief up to 300 €, cheques up to 150 €, food parcels
# within the barème, loan amendments; the committee decides the rest.
STANDARD_CEILINGS: dict[str, int | None] = {
    "secours_urgence": 30000,
    "cheque_accompagnement": 15000,
    "colis_alimentaire": None,
    "pret_sans_interet": None,
}


def delegate_power(
    holder: User,
    *,
    number: str = "DEL2026_001",
    ceilings: dict[str, int | None] | None = None,
    covers_amendments: bool = True,
    capacity: DelegateeCapacity = DelegateeCapacity.PRESIDENT,
    since: date = date(2026, 1, 15),
) -> BoardDelegation:
    """A deliberation of the board, in force since January (or `since`), delegating its power to him."""
    act = BoardDelegation(
        centre_id=holder.centre_id, number=number, adopted_on=since,
        in_force_from=since,
        holder_id=holder.id, capacity=capacity, ceilings_cents=dict(ceilings or STANDARD_CEILINGS),
        covers_amendments=covers_amendments, created_by_id=holder.id, created_at=clock.now(),
    )  # fmt: skip
    db.session.add(act)
    db.session.flush()
    return act


def delegate_signature(
    delegator: User, holder: User, aids: list[str], *, number: str = "ARR2026_007"
) -> SignatureDelegation:
    """An arrêté of the delegator, in force since February, letting the holder sign for these aids."""
    act = SignatureDelegation(
        centre_id=holder.centre_id, number=number, signed_on=date(2026, 2, 1), delegator_id=delegator.id,
        holder_id=holder.id, aids=aids, valid_from=date(2026, 2, 1), valid_until=None,
        created_by_id=delegator.id, created_at=clock.now(),
    )  # fmt: skip
    db.session.add(act)
    db.session.flush()
    return act


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


def open_aid(agent: User, person_id: int, aid_type: str, reason: str = "Demande d'aide") -> Dossier:
    """A request opened for the person: the dossier at its first step."""
    return dossiers.open_request(actor=agent, person_id=person_id, aid_type=aid_type, reason=reason)


def open_task(dossier: Dossier | int, task_name: str) -> HumanTask:
    """The dossier's open task of that name (the one a test completes next)."""
    dossier_id = dossier if isinstance(dossier, int) else dossier.id
    db.session.expire_all()
    return db.session.scalars(
        select(HumanTask).where(
            HumanTask.dossier_id == dossier_id,
            HumanTask.task_name == task_name,
            HumanTask.completed_at.is_(None),
        )
    ).one()


def open_task_names(dossier: Dossier) -> list[str]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(HumanTask.task_name).where(
                HumanTask.dossier_id == dossier.id, HumanTask.completed_at.is_(None)
            )
        )
    )


def do(actor: User, dossier: Dossier, task_name: str, form: dict[str, str]) -> None:
    """Complete the dossier's open task of that name with the form, as the actor."""
    tasks.complete_task(actor=actor, task_id=open_task(dossier, task_name).id, form=form)


def instance_of(dossier: Dossier) -> ProcessInstance:
    return db.session.scalars(select(ProcessInstance).where(ProcessInstance.dossier_id == dossier.id)).one()
