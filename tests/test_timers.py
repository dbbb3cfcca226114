"""Deadlines fire by themselves: the scheduler's job wakes due instances by the injected clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from scenarios.secours import awaiting_delegate_decision, open_task_of
from service.clock import TravellingClock
from service.dossiers import service as dossiers
from service.dossiers import tasks
from service.engine import runtime
from service.extensions import db
from service.models import AidType, MailStatus, OutboxMessage, ProcessInstance, Role, User
from service.people import service as people
from service.scheduling.wake import wake_due_instances
from tests.conftest import START, text_of
from tests.workflow_helpers import as_user


@pytest.fixture
def agent(make_user: Callable[..., User]) -> User:
    make_user("claire", Role.RESPONSABLE, full_name="Claire Dumont", email="claire@ccas.invalid")
    make_user("lea", Role.ADMIN, email="lea@ccas.invalid")
    return make_user("julien", Role.ACCUEIL, Role.INSTRUCTEUR, Role.DELEGATAIRE)


def _instance(dossier_id: int) -> ProcessInstance:
    return db.session.scalars(select(ProcessInstance).where(ProcessInstance.dossier_id == dossier_id)).one()


SILENCE_ALERT = START + timedelta(weeks=6)


def test_the_instance_knows_when_it_is_due(agent: User) -> None:
    dossier = awaiting_delegate_decision(agent)
    assert _instance(dossier.id).next_due_at == START + timedelta(hours=48)
    assert open_task_of(dossier.id, "decider_delegation").due_at == START + timedelta(hours=48)


def test_a_decision_left_48_hours_escalates_with_no_request(agent: User, travel: TravellingClock) -> None:
    dossier = awaiting_delegate_decision(agent)
    decision = open_task_of(dossier.id, "decider_delegation")

    travel.advance(timedelta(hours=47, minutes=59))
    assert wake_due_instances() == 0
    travel.advance(timedelta(minutes=2))
    assert wake_due_instances() == 1

    db.session.expire_all()
    assert decision.cancelled
    escalation = open_task_of(dossier.id, "traiter_retard")
    assert escalation.role == "responsable"
    assert escalation.mail_role
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "tache")).one()
    assert mail.recipients == ["claire@ccas.invalid"]
    assert mail.subject == f"[Entraide] Traiter la décision en retard — dossier {dossier.number}"
    assert "Une tâche attend votre service : « Traiter la décision en retard »." in mail.body_text
    assert f"http://127.0.0.1:5000/taches/{escalation.id}" in mail.body_text
    assert mail.status is MailStatus.PENDING
    assert wake_due_instances() == 0  # fired once: nothing is due any more
    assert _instance(dossier.id).next_due_at == SILENCE_ALERT  # only the silence watch is left


@pytest.mark.parametrize(("choice", "next_task"), [("commission", ""), ("relancer", "decider_delegation")])
def test_the_head_of_service_chooses_what_follows(
    agent: User, travel: TravellingClock, choice: str, next_task: str
) -> None:
    dossier = awaiting_delegate_decision(agent)
    travel.advance(timedelta(hours=49))
    wake_due_instances()
    claire = db.session.scalars(select(User).where(User.username == "claire")).one()
    escalation = open_task_of(dossier.id, "traiter_retard")
    tasks.complete_task(actor=claire, task_id=escalation.id, form={"suite_retard": choice})
    if choice == "relancer":  # a new deadline, from now
        follow_up = open_task_of(dossier.id, next_task)
        assert follow_up.due_at == START + timedelta(hours=49 + 48)
        assert _instance(dossier.id).next_due_at == follow_up.due_at
    else:  # the next session's agenda will have it; the silence watch goes on meanwhile
        assert _instance(dossier.id).awaiting_message == "decision_commission"
        assert _instance(dossier.id).next_due_at == SILENCE_ALERT


def test_a_failing_instance_is_marked_retried_and_never_blocks_the_others(
    agent: User, travel: TravellingClock, monkeypatch: pytest.MonkeyPatch, client: FlaskClient
) -> None:
    broken = awaiting_delegate_decision(agent, "Panne")
    healthy = awaiting_delegate_decision(agent, "Sain")
    broken_id = _instance(broken.id).id
    wake = runtime.wake

    def wake_or_fail(instance: ProcessInstance) -> runtime.Advance:
        if instance.id == broken_id:
            raise RuntimeError("barème illisible")
        return wake(instance)

    monkeypatch.setattr(runtime, "wake", wake_or_fail)
    travel.advance(timedelta(hours=49))
    assert wake_due_instances() == 2
    assert open_task_of(healthy.id, "traiter_retard")
    failed = _instance(broken.id)
    assert (failed.failed_attempts, failed.error) == (1, "RuntimeError : barème illisible")
    assert failed.next_due_at == START + timedelta(hours=49, minutes=1)

    as_user(client, "lea")
    page = text_of(client.get("/administration/processus"))
    assert "RuntimeError : barème illisible" in page

    travel.advance(timedelta(minutes=1, seconds=1))
    wake_due_instances()
    backoff_doubled = START + timedelta(hours=49, minutes=1 + 2, seconds=1)
    assert _instance(broken.id).next_due_at == backoff_doubled

    monkeypatch.setattr(runtime, "wake", wake)
    travel.advance(timedelta(minutes=2, seconds=1))
    assert wake_due_instances() == 1
    repaired = _instance(broken.id)
    assert (repaired.failed_attempts, repaired.error) == (0, "")
    assert open_task_of(broken.id, "traiter_retard")


def test_a_request_still_undecided_after_six_weeks_warns_its_instructor(
    agent: User, travel: TravellingClock, make_user: Callable[..., User]
) -> None:
    make_user("karim", Role.INSTRUCTEUR, email="karim@ccas.invalid")
    person = people.create(actor=agent, identity=people.Identity(last_name="Lent", first_name="Eva"))
    dossier = dossiers.open_request(
        actor=agent, person_id=person.id, aid_type=AidType.SECOURS_URGENCE, reason="Loyer"
    )
    assert _instance(dossier.id).next_due_at == SILENCE_ALERT

    travel.advance(timedelta(weeks=6) - timedelta(minutes=1))
    assert wake_due_instances() == 0
    travel.advance(timedelta(minutes=2))
    assert wake_due_instances() == 1
    alert = open_task_of(dossier.id, "alerter_silence")
    assert alert.role == "instructeur"
    assert open_task_of(dossier.id, "evaluer")  # the watch does not interrupt the work
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "tache")).one()
    assert mail.recipients == ["karim@ccas.invalid"]
    assert mail.subject == f"[Entraide] Répondre avant le rejet implicite — dossier {dossier.number}"


@pytest.mark.parametrize(
    "aid_type", [AidType.COLIS_ALIMENTAIRE, AidType.CHEQUE_ACCOMPAGNEMENT, AidType.PRET_SANS_INTERET]
)
def test_every_aid_the_centre_decides_is_watched_for_its_implicit_rejection(
    agent: User, travel: TravellingClock, aid_type: AidType
) -> None:
    person = people.create(actor=agent, identity=people.Identity(last_name="Lent", first_name="Eva"))
    dossier = dossiers.open_request(actor=agent, person_id=person.id, aid_type=aid_type, reason="Demande")
    assert _instance(dossier.id).next_due_at == SILENCE_ALERT
    travel.advance(timedelta(weeks=6, minutes=1))
    assert wake_due_instances() == 1
    assert open_task_of(dossier.id, "alerter_silence").role == "instructeur"


def test_a_request_the_centre_only_forwards_has_no_implicit_rejection_of_its_own(agent: User) -> None:
    person = people.create(actor=agent, identity=people.Identity(last_name="Lent", first_name="Eva"))
    dossier = dossiers.open_request(
        actor=agent, person_id=person.id, aid_type=AidType.AIDE_SOCIALE_LEGALE, reason="APA"
    )
    assert "alerte_silence_le" not in _instance(dossier.id).state


def test_a_request_decided_in_time_raises_no_alert(agent: User, travel: TravellingClock) -> None:
    dossier = awaiting_delegate_decision(agent)
    decision = open_task_of(dossier.id, "decider_delegation")
    tasks.complete_task(
        actor=agent,
        task_id=decision.id,
        form={"decision": "refus", "motif": "Ressources supérieures au barème du règlement intérieur."},
    )
    assert _instance(dossier.id).next_due_at is None
    travel.advance(timedelta(weeks=7))
    assert wake_due_instances() == 0
