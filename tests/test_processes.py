"""One process driver: every deployed process says what it runs for; a task knows where it is done."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from scenarios import committee as committee_steps
from service import processes
from service.extensions import db
from service.models import AidType, HumanTask, ProcessDefinition, Role, User
from tests import aid_steps


def test_every_deployed_process_has_its_subject(app: object) -> None:
    keys = set(db.session.scalars(select(ProcessDefinition.process_key)))
    assert keys  # the suite's database has the shipped diagrams deployed
    subjects = {"dossier", "seance_commission", "seance_atelier", "orientation", "liaison"}
    for key in keys - {"pieces_manquantes"}:  # a call activity: it runs inside its aid's instance
        assert processes.kind_of(key).name in subjects


def test_an_unknown_process_is_a_programming_error() -> None:
    with pytest.raises(LookupError, match="aucun sujet"):
        processes.kind_of("processus_inconnu")


def test_a_task_knows_its_subject(make_user: Callable[..., User]) -> None:
    agent = make_user("julie", Role.ACCUEIL, Role.INSTRUCTEUR)
    secretary = make_user("sophie", Role.SECRETARIAT)
    dossier = aid_steps.open_aid(agent, aid_steps.person_with_budget(agent, "Sujet"), AidType.SECOURS_URGENCE)
    [task] = db.session.scalars(select(HumanTask).where(HumanTask.dossier_id == dossier.id)).all()
    subject = processes.subject_of(task)
    assert (subject.kind.name, subject.id) == ("dossier", dossier.id)

    committee_steps.members(secretary.centre_id)
    sitting = committee_steps.convened(secretary)
    step = db.session.scalars(
        select(HumanTask).where(
            HumanTask.instance_id == sitting.instance_id, HumanTask.completed_at.is_(None)
        )
    ).one()
    subject = processes.subject_of(step)
    assert (subject.kind.name, subject.id) == ("seance_commission", sitting.id)
