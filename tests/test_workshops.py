"""Collective workshops: seats and waiting list, the minimum three days before, reminders two days before,
attendance and evaluation, the figures per theme."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from sqlalchemy import select

from service import clock
from service.errors import InvalidInputError, PermissionDeniedError
from service.extensions import db
from service.models import (
    Document,
    Frequency,
    HumanTask,
    InstanceStatus,
    OutboxMessage,
    ProcessInstance,
    RegistrationStatus,
    Role,
    User,
    WorkshopSession,
    WorkshopStatus,
)
from service.notifications import service as notifications
from service.workshops import holding, pages, planning, registrations
from tests.pdf import pages_of_pdf, text_of_pdf
from tests.smtp_server import Mailbox, free_port, smtp_server
from tests.workshop_steps import PLACE, in_days, planned, register, theme, wake

PORT = free_port()


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": PORT, "SMTP_STARTTLS": False}


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server(PORT) as box:
        yield box


@pytest.fixture
def organiser(make_user: Callable[..., User]) -> User:
    return make_user(
        "julie", Role.INSTRUCTEUR, Role.ACCUEIL, full_name="Julie Martin", email="julie@ccas.invalid"
    )


def _mails(kind: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)).all())


def _step(session: WorkshopSession) -> str | None:
    step = holding.open_step(session)
    return step.task_name if step is not None else None


def test_seats_then_waiting_list_and_a_cancellation_promotes_the_first_waiting_who_is_mailed(
    organiser: User, mailbox: Mailbox
) -> None:
    session = planned(organiser, days=8, capacity=2)
    first = register(organiser, session, "Aubert", email="aubert@exemple.invalid")
    second = register(organiser, session, "Bernard")
    waiting_first = register(organiser, session, "Colin", email="colin@exemple.invalid")
    waiting_second = register(organiser, session, "Durand", email="durand@exemple.invalid")
    assert [r.status for r in (first, second, waiting_first, waiting_second)] == [
        RegistrationStatus.CONFIRMEE, RegistrationStatus.CONFIRMEE,
        RegistrationStatus.ATTENTE, RegistrationStatus.ATTENTE,
    ]  # fmt: skip
    db.session.refresh(session)
    assert session.seats_taken == 2

    promoted = registrations.cancel(actor=organiser, registration_id=first.id)

    assert promoted is not None
    assert promoted.id == waiting_first.id
    db.session.expire_all()
    assert waiting_first.status is RegistrationStatus.CONFIRMEE
    assert waiting_first.promoted_at == clock.now()
    assert waiting_second.status is RegistrationStatus.ATTENTE
    assert session.seats_taken == 2
    notifications.deliver_pending()
    promotion = _received(mailbox, "colin@exemple.invalid", "Une place s'est libérée")
    body = promotion.get_body(preferencelist=("plain",))
    assert body is not None
    assert "vous passez de la liste d'attente aux inscrits" in body.get_content()
    calendar = next(
        part for part in promotion.iter_attachments() if part.get_content_type() == "text/calendar"
    )
    assert "DTSTART:20261201T130000Z" in calendar.get_content()  # 14:00 in Paris
    assert not [
        m for m in mailbox.messages if m["To"] == "durand@exemple.invalid" and "libérée" in m["Subject"]
    ]


def _received(mailbox: Mailbox, address: str, subject: str) -> EmailMessage:
    found = [m for m in mailbox.messages if m["To"] == address and subject in m["Subject"]]
    assert len(found) == 1, [(m["To"], m["Subject"]) for m in mailbox.messages]
    return found[0]


def test_a_waitlisted_person_is_never_promoted_past_capacity(organiser: User) -> None:
    session = planned(organiser, days=8, capacity=1)
    seated = register(organiser, session, "Aubert")
    waiting = register(organiser, session, "Bernard")
    registrations.cancel(
        actor=organiser, registration_id=waiting.id
    )  # a waiting person leaves: no seat freed
    db.session.expire_all()
    assert seated.status is RegistrationStatus.CONFIRMEE
    assert session.seats_taken == 1
    again = registrations.register(
        actor=organiser, session_id=session.id, person_id=waiting.person_id, referral=waiting.referral
    )
    assert again.id == waiting.id
    assert again.status is RegistrationStatus.ATTENTE
    with pytest.raises(InvalidInputError, match="déjà inscrit"):
        registrations.register(
            actor=organiser, session_id=session.id, person_id=seated.person_id, referral=seated.referral
        )


def test_the_reminder_goes_two_days_before_by_mail_or_on_paper(
    organiser: User, travel: clock.TravellingClock
) -> None:
    session = planned(organiser, days=8, capacity=4, minimum=2)
    register(organiser, session, "Aubert", email="aubert@exemple.invalid")
    register(organiser, session, "Bernard")  # no e-mail: a convocation to hand over
    register(organiser, session, "Chevalier")  # another: two letters printed as one batch
    starts_at = session.starts_at

    travel.advance(starts_at - timedelta(days=3, minutes=1) - clock.now())
    assert wake() == 0
    travel.advance(timedelta(minutes=2))  # three days before: the minimum is reached
    assert wake() == 1
    assert session.status is WorkshopStatus.CONFIRMEE
    assert _step(session) is None
    assert _mails("atelier_rappel") == []

    travel.advance(starts_at - timedelta(days=2, minutes=1) - clock.now())
    assert wake() == 0
    assert _mails("atelier_rappel") == []
    travel.advance(timedelta(minutes=2))  # two days before
    assert wake() == 1

    reminders = _mails("atelier_rappel")
    assert [m.recipients for m in reminders] == [["aubert@exemple.invalid"]]
    assert "Rappel — atelier Budget au quotidien" in reminders[0].subject
    assert session.reminded_at is not None
    paper = db.session.scalars(
        select(Document).where(Document.subject_type == "atelier", Document.subject_id == session.id)
    ).one()
    text = text_of_pdf(paper.content)
    assert "BERNARD" in text
    assert "CHEVALIER" in text
    assert "Aubert" not in text
    assert "AUBERT" not in text
    assert "Page 2 / 2" not in text  # the second person's letter is not numbered as the batch's second page
    letters = pages_of_pdf(paper.content)  # one page per person, each under the centre's letterhead
    assert [("BERNARD" in page, "CHEVALIER" in page) for page in letters] in (
        [(True, False), (False, True)],
        [(False, True), (True, False)],
    )
    assert all(page.startswith(organiser.centre.name) for page in letters), letters
    assert "mardi 1er décembre 2026, de 14 h 00 à 16 h 00" in text
    assert PLACE in text
    assert wake() == 0  # nothing sent twice


def test_below_the_minimum_the_organiser_cancels_and_everyone_registered_is_told(
    organiser: User, travel: clock.TravellingClock, mailbox: Mailbox
) -> None:
    session = planned(organiser, days=8, capacity=4, minimum=3)
    register(organiser, session, "Aubert", email="aubert@exemple.invalid")
    register(organiser, session, "Bernard", email="bernard@exemple.invalid")
    travel.advance(session.starts_at - timedelta(days=3, minutes=-1) - clock.now())
    assert wake() == 1
    assert session.status is WorkshopStatus.A_CONFIRMER
    step = holding.open_step(session)
    assert step is not None
    assert step.task_name == "decider_maintien"
    assert step.role == "instructeur"
    assert step.mail_role  # the organisers are told by mail

    with pytest.raises(InvalidInputError, match="motif"):
        holding.decide(actor=organiser, session_id=session.id, maintain=False)
    holding.decide(actor=organiser, session_id=session.id, maintain=False, reason="Trop peu d'inscrits.")

    db.session.expire_all()
    assert session.status is WorkshopStatus.ANNULEE
    assert session.cancelled_at == clock.now()
    assert _step(session) is None  # the decision task went with the interrupted steps
    instance = db.session.get(ProcessInstance, session.instance_id)
    assert instance is not None
    assert instance.status is InstanceStatus.COMPLETED
    notifications.deliver_pending()
    for address in ("aubert@exemple.invalid", "bernard@exemple.invalid"):
        body = _received(mailbox, address, "Séance annulée").get_body(preferencelist=("plain",))
        assert body is not None
        assert "Motif : Trop peu d'inscrits." in body.get_content()
    with pytest.raises(InvalidInputError, match="closes"):
        register(organiser, session, "Colin")


def test_the_organiser_cancels_after_the_reminders_and_no_later_than_the_start(
    organiser: User, travel: clock.TravellingClock, mailbox: Mailbox
) -> None:
    session = planned(organiser, days=8, capacity=1, minimum=1)
    register(organiser, session, "Aubert", email="aubert@exemple.invalid")
    register(organiser, session, "Bernard", email="bernard@exemple.invalid")  # waiting list
    travel.advance(session.starts_at - timedelta(days=1) - clock.now())
    wake()
    assert len(_mails("atelier_rappel")) == 1

    with pytest.raises(InvalidInputError, match="motif"):
        holding.cancel(actor=organiser, session_id=session.id, reason=" ")
    holding.cancel(actor=organiser, session_id=session.id, reason="Salle inondée.")

    db.session.expire_all()
    assert session.status is WorkshopStatus.ANNULEE
    assert session.status_note == "Salle inondée."
    instance = db.session.get(ProcessInstance, session.instance_id)
    assert instance is not None
    assert instance.status is InstanceStatus.COMPLETED
    assert instance.next_due_at is None  # the start timer went with the interrupted steps
    notifications.deliver_pending()
    for address in ("aubert@exemple.invalid", "bernard@exemple.invalid"):
        _received(mailbox, address, "Séance annulée")
    with pytest.raises(InvalidInputError, match="ne peut plus être annulée"):
        holding.cancel(actor=organiser, session_id=session.id, reason="Encore.")


def test_a_session_that_has_begun_cannot_be_cancelled(organiser: User, travel: clock.TravellingClock) -> None:
    session = planned(organiser, days=8, minimum=0)
    travel.advance(session.starts_at - clock.now() + timedelta(minutes=1))
    wake()
    assert _step(session) == "saisir_presences"
    with pytest.raises(InvalidInputError, match="commencée"):
        holding.cancel(actor=organiser, session_id=session.id, reason="Trop tard.")
    assert _step(session) == "saisir_presences"


def test_maintained_below_the_minimum_the_session_goes_on_to_its_reminders(
    organiser: User, travel: clock.TravellingClock
) -> None:
    session = planned(organiser, days=8, capacity=6, minimum=3)
    register(organiser, session, "Aubert", email="aubert@exemple.invalid")
    travel.advance(session.starts_at - timedelta(days=3, minutes=-1) - clock.now())
    wake()
    holding.decide(actor=organiser, session_id=session.id, maintain=True)
    db.session.expire_all()
    assert session.status is WorkshopStatus.CONFIRMEE
    assert _step(session) is None
    assert _mails("atelier_rappel") == []
    travel.advance(timedelta(days=1))
    assert wake() == 1
    assert session.status is WorkshopStatus.CONFIRMEE
    assert len(_mails("atelier_rappel")) == 1


def test_attendance_is_recorded_then_evaluated_and_counted_per_theme(
    organiser: User, travel: clock.TravellingClock
) -> None:
    topic = theme(organiser, "Éco-gestes")
    session = planned(organiser, days=8, capacity=3, minimum=1, topic=topic)
    came = register(organiser, session, "Aubert", email="aubert@exemple.invalid")
    missed = register(organiser, session, "Bernard")
    left = register(organiser, session, "Colin")
    registrations.cancel(actor=organiser, registration_id=left.id)
    with pytest.raises(InvalidInputError, match="commencée"):
        holding.record_attendance(actor=organiser, session_id=session.id, present={came.id})

    travel.advance(session.starts_at - clock.now() + timedelta(minutes=5))
    wake()  # minimum, reminders and the start fire in turn
    assert _step(session) == "saisir_presences"
    with pytest.raises(InvalidInputError, match="pas inscrite"):
        holding.record_attendance(actor=organiser, session_id=session.id, present={left.id})
    holding.record_attendance(actor=organiser, session_id=session.id, present={came.id})
    db.session.expire_all()
    assert (came.attended, missed.attended, left.attended) == (True, False, None)
    assert session.status is WorkshopStatus.TENUE
    assert _step(session) == "evaluer"

    with pytest.raises(InvalidInputError, match="présents"):
        holding.record_evaluation(actor=organiser, session_id=session.id, answers=2, satisfied=1, notes="")
    holding.record_evaluation(
        actor=organiser, session_id=session.id, answers=1, satisfied=1, notes="Un budget tenu sur le mois."
    )
    db.session.expire_all()
    assert session.status is WorkshopStatus.CLOSE
    assert _step(session) is None

    cancelled = planned(organiser, days=15, capacity=3, minimum=2, topic=topic)
    travel.advance(cancelled.starts_at - timedelta(days=3, minutes=-1) - clock.now())
    wake()
    holding.decide(actor=organiser, session_id=cancelled.id, maintain=False, reason="Animatrice absente.")

    figures = {row.theme.name: row for row in pages.figures(actor=organiser)}["Éco-gestes"]
    assert (figures.held, figures.cancelled, figures.registered, figures.present, figures.participants) == (
        1, 1, 2, 1, 1,
    )  # fmt: skip
    assert figures.attendance_rate == 0.5
    assert figures.satisfaction_rate == 1.0


def test_the_attendance_sheet_has_every_confirmed_person_and_a_signature_column(organiser: User) -> None:
    session = planned(organiser, days=8, capacity=2)
    register(organiser, session, "Aubert")
    register(organiser, session, "<script>alert(1)</script>")
    register(organiser, session, "Colin")  # waiting: not on the sheet
    sheet = holding.attendance_sheet(actor=organiser, session_id=session.id)
    text = text_of_pdf(sheet.content)
    assert "Feuille de présence — atelier « Budget au quotidien »" in text
    assert "Signature" in text
    assert "AUBERT Camille" in text  # the one way names are written
    assert "<SCRIPT>ALERT(1)</SCRIPT>" in text  # printed as text, never interpreted
    assert "Colin" not in text
    assert "Julie Martin, conseillère en économie sociale et familiale" in text


def test_a_series_keeps_its_local_time_across_the_change_of_hour(organiser: User) -> None:
    topic = theme(organiser, "Numérique")
    first = in_days(4, hour=10)
    planned_series = planning.plan_series(
        actor=organiser,
        plan=planning.Plan(topic.id, first, timedelta(hours=2), PLACE, "Lina", capacity=10, minimum=0),
        frequency=Frequency.MENSUELLE,
        count=6,
    )
    local = [session.starts_at.astimezone(first.tzinfo) for session in planned_series]
    assert [moment.hour for moment in local] == [10] * 6
    assert [(moment.month, moment.day) for moment in local] == [
        (11, 27), (12, 27), (1, 27), (2, 27), (3, 27), (4, 27)
    ]  # fmt: skip
    assert {session.series_id for session in planned_series} == {planned_series[0].series_id}
    assert db.session.scalars(select(HumanTask)).all() == []  # nothing to do before three days ahead


def test_planning_refuses_what_cannot_be_held(organiser: User, make_user: Callable[..., User]) -> None:
    topic = theme(organiser)
    plan = planning.Plan(topic.id, in_days(5), timedelta(hours=2), PLACE, "Lina", capacity=5, minimum=6)
    with pytest.raises(InvalidInputError, match="minimum"):
        planning.plan_session(actor=organiser, plan=plan)
    with pytest.raises(InvalidInputError, match="lieu"):
        planning.plan_session(
            actor=organiser, plan=planning.Plan(**{**plan.__dict__, "minimum": 1, "place": "Ailleurs"})
        )
    desk = make_user("accueil", Role.ACCUEIL)
    with pytest.raises(PermissionDeniedError):
        planning.plan_session(actor=desk, plan=planning.Plan(**{**plan.__dict__, "minimum": 1}))
