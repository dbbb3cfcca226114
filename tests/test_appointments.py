"""Appointments with a social worker: slot series, booking (once), mail with its .ics or a printed
convocation, the reminder 48 hours before, what became of it, a town hall's day to print."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask.testing import FlaskClient
from icalendar import Calendar
from sqlalchemy import func, select

from service import clock
from service.appointments import booking, reminders
from service.extensions import db
from service.models import (
    Appointment,
    AppointmentSlot,
    AppointmentStatus,
    AuditEvent,
    Centre,
    Commune,
    Document,
    OutboxMessage,
    Role,
    User,
)
from service.notifications import service as notifications
from service.privacy import retention
from tests.conftest import START, text_of
from tests.pdf import pages_of_pdf, text_of_pdf
from tests.smtp_server import Mailbox, free_port, smtp_server
from tests.workflow_helpers import as_user, post_form
from tests.workshop_steps import person

PARIS = ZoneInfo("Europe/Paris")
PORT = free_port()
DAY = "2026-11-26"  # the Thursday after START (a Monday)


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": PORT, "SMTP_STARTTLS": False}


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server(PORT) as box:
        yield box


@pytest.fixture
def staff(make_user: Callable[..., User]) -> dict[str, User]:
    return {
        "julie": make_user(
            "julie",
            Role.INSTRUCTEUR,
            full_name="Julie Martin",
            email="julie@ccas.invalid",
            title="Conseillère en économie sociale et familiale",
        ),
        "marc": make_user("marc", Role.INSTRUCTEUR, full_name="Marc Petit"),
        "nadia": make_user("nadia", Role.ACCUEIL),
        "claire": make_user("claire", Role.RESPONSABLE),
        "aicha": make_user("aicha", Role.ELU),
    }


@pytest.fixture
def commune(centre: Centre) -> Commune:
    return centre.communes[0]


def _series(client: FlaskClient, **fields: str) -> Any:
    data = {"place": "centre", "day": DAY, "start": "09:00", "end": "12:00", "length_minutes": "45"}
    return post_form(client, "/rendez-vous/", {**data, **fields})


def _slots() -> list[AppointmentSlot]:
    return list(db.session.scalars(select(AppointmentSlot).order_by(AppointmentSlot.starts_at)))


def _book(client: FlaskClient, person_id: int, slot: AppointmentSlot, subject: str = "") -> Any:
    page = f"/personnes/{person_id}/rendez-vous/nouveau"
    return post_form(client, page, {"slot_id": str(slot.id), "subject": subject})


@pytest.fixture
def slots(client: FlaskClient, staff: dict[str, User], commune: Commune) -> list[AppointmentSlot]:
    """Julie's Thursday morning in the town hall: four slots of 45 minutes from 9:00 to 12:00."""
    as_user(client, "julie")
    response = _series(client, agent_id=str(staff["julie"].id), place=str(commune.id))
    assert response.status_code == 302, text_of(response)
    return _slots()


def test_a_series_of_slots_follows_the_day_in_paris_time(
    slots: list[AppointmentSlot], commune: Commune, staff: dict[str, User]
) -> None:
    starts = [slot.starts_at.astimezone(PARIS).strftime("%H:%M") for slot in slots]
    assert starts == ["09:00", "09:45", "10:30", "11:15"]
    assert slots[0].starts_at.astimezone(UTC) == datetime(2026, 11, 26, 8, 0, tzinfo=UTC)  # winter: UTC+1
    assert all(slot.ends_at - slot.starts_at == timedelta(minutes=45) for slot in slots)
    assert {(slot.agent_id, slot.commune_id) for slot in slots} == {(staff["julie"].id, commune.id)}


def test_overlapping_or_impossible_series_are_refused_in_french(
    client: FlaskClient, slots: list[AppointmentSlot], staff: dict[str, User]
) -> None:
    julie = str(staff["julie"].id)
    overlapping = _series(client, agent_id=julie, start="11:00", end="13:00")
    assert overlapping.status_code == 422
    assert "Julie Martin a déjà un créneau à 10:30 ce jour-là" in text_of(overlapping)
    backwards = _series(client, agent_id=julie, day="2026-11-27", start="12:00", end="09:00")
    assert backwards.status_code == 422
    assert "L'heure de fin doit suivre l'heure de début." in text_of(backwards)
    past = _series(client, agent_id=julie, day="2026-11-20")
    assert past.status_code == 422
    assert "Le jour des créneaux est passé." in text_of(past)
    too_long = _series(client, agent_id=julie, day="2026-11-27", length_minutes="600")
    assert too_long.status_code == 422
    assert "De 10 à 240 minutes." in text_of(too_long)
    # An agent opens only their own slots: Marc is not among Julie's choices.
    other = _series(client, agent_id=str(staff["marc"].id), day="2026-11-27")
    assert other.status_code == 422
    assert len(_slots()) == 4


def test_the_head_of_service_opens_an_agents_slots_and_the_front_desk_does_not(
    client: FlaskClient, staff: dict[str, User]
) -> None:
    as_user(client, "claire")
    assert _series(client, agent_id=str(staff["marc"].id)).status_code == 302
    assert {slot.agent_id for slot in _slots()} == {staff["marc"].id}
    as_user(client, "nadia")
    assert client.get("/rendez-vous/").status_code == 200
    assert _series(client, agent_id=str(staff["marc"].id), day="2026-11-27").status_code == 403
    as_user(client, "aicha")
    assert client.get("/rendez-vous/").status_code == 403


def test_booking_mails_the_appointment_with_its_ics(
    client: FlaskClient,
    slots: list[AppointmentSlot],
    staff: dict[str, User],
    commune: Commune,
    mailbox: Mailbox,
) -> None:
    person_id = person(staff["nadia"], "Aubert", email="camille.aubert@exemple.fr")
    as_user(client, "nadia")
    page = client.get(f"/personnes/{person_id}/rendez-vous/nouveau")
    assert page.status_code == 200
    assert "26/11/2026 à 09:00 – 09:45, Julie Martin, Mairie de " in text_of(page)
    response = _book(client, person_id, slots[1], subject="Dettes d'énergie")
    assert response.status_code == 302, text_of(response)
    appointment = db.session.scalars(select(Appointment)).one()
    assert (appointment.slot_id, appointment.status, appointment.convocation_id) == (
        slots[1].id, AppointmentStatus.PREVU, None
    )  # fmt: skip
    assert "prévenue par courriel" in text_of(client.get(response.headers["Location"]))

    report = notifications.deliver_pending()
    assert report.sent == 1
    [received] = mailbox.messages
    assert received["To"] == "camille.aubert@exemple.fr"
    assert received["Subject"].startswith("Votre rendez-vous du 26/11/2026 à 09:45")
    assert f"Lieu : Mairie de {commune.name}" in received.get_body(preferencelist=("plain",)).get_content()
    [attachment] = list(received.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    [event] = Calendar.from_ical(attachment.get_content()).walk("VEVENT")
    assert event.decoded("dtstart") == datetime(2026, 11, 26, 8, 45, tzinfo=UTC)
    assert event.decoded("dtend") == datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
    assert str(event["location"]) == f"Mairie de {commune.name}"
    assert "Julie Martin" in str(event["summary"])
    assert "Dettes d'énergie" in str(event["description"])
    # The slot is no longer offered.
    assert "09:45 – 10:30" not in text_of(client.get(f"/personnes/{person_id}/rendez-vous/nouveau"))


def test_a_slot_is_booked_once_and_a_lost_race_answers_409(
    client: FlaskClient,
    slots: list[AppointmentSlot],
    staff: dict[str, User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, second = person(staff["nadia"], "Premier"), person(staff["nadia"], "Second")
    as_user(client, "nadia")
    assert _book(client, first, slots[0]).status_code == 302
    again = _book(client, second, slots[0])
    assert again.status_code == 409
    assert "Ce créneau vient d'être réservé par quelqu'un d'autre" in text_of(again)
    # A colleague's booking saved between the check and the insert: the unique column refuses it.
    monkeypatch.setattr(booking, "is_held", lambda slot_id: False)
    raced = _book(client, second, slots[0])
    assert raced.status_code == 409
    assert "Ce créneau vient d'être réservé par quelqu'un d'autre : choisissez-en un autre." in text_of(raced)
    assert [a.person_id for a in db.session.scalars(select(Appointment))] == [first]


def test_without_an_address_a_convocation_is_printed(
    client: FlaskClient, slots: list[AppointmentSlot], staff: dict[str, User], commune: Commune
) -> None:
    person_id = person(staff["nadia"], "Sansmail")
    as_user(client, "nadia")
    response = _book(client, person_id, slots[2])
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    appointment = db.session.scalars(select(Appointment)).one()
    document = db.session.get(Document, appointment.convocation_id)
    assert document is not None
    assert document.kind == "convocation_rendez_vous"
    page = text_of(client.get(response.headers["Location"]))
    assert "Convocation à imprimer (PDF)" in page
    download = client.get(f"/documents/{document.id}")
    assert download.status_code == 200
    assert download.mimetype == "application/pdf"
    text = " ".join(text_of_pdf(download.data).split())
    assert "SANSMAIL Camille" in text or "Sansmail" in text
    assert "jeudi 26 novembre 2026, de 10 h 30 à 11 h 15" in text or "26 novembre 2026" in text
    assert f"Mairie de {commune.name}" in text
    assert "Julie Martin" in text
    assert (
        "Julie Martin, Conseillère en économie sociale et familiale du CCAS" in text
    )  # who she is, as titled
    (letter,) = pages_of_pdf(download.data)  # one page, under the centre's letterhead
    assert letter.startswith(staff["nadia"].centre.name), letter
    as_user(client, "aicha")  # a board member reads no one's contact details
    assert client.get(f"/documents/{document.id}").status_code == 403


def test_the_reminder_goes_48_hours_before_and_only_once(
    client: FlaskClient,
    slots: list[AppointmentSlot],
    staff: dict[str, User],
    travel: clock.TravellingClock,
) -> None:
    person_id = person(staff["nadia"], "Rappel", email="rappel@exemple.fr")
    as_user(client, "nadia")
    assert _book(client, person_id, slots[0]).status_code == 302
    starts = slots[0].starts_at

    def reminders_sent() -> int:
        return (
            db.session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.kind == "rendez_vous_rappel")
            )
            or 0
        )

    travel.set(starts - timedelta(hours=48, minutes=1))
    assert reminders.remind_due() == 0
    assert reminders_sent() == 0
    travel.set(starts - timedelta(hours=47, minutes=59))
    assert reminders.remind_due() == 1
    assert reminders_sent() == 1
    message = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "rendez_vous_rappel")
    ).one()
    assert message.subject.startswith("Rappel : votre rendez-vous du 26/11/2026 à 09:00")
    assert message.attachments[0]["filename"].endswith(".ics")
    travel.advance(timedelta(hours=1))
    assert reminders.remind_due() == 0
    assert reminders_sent() == 1
    appointment = db.session.scalars(select(Appointment)).one()
    assert appointment.reminded_at == starts - timedelta(hours=47, minutes=59)


def test_a_cancelled_appointment_is_not_reminded_and_frees_its_slot(
    client: FlaskClient, slots: list[AppointmentSlot], staff: dict[str, User], travel: clock.TravellingClock
) -> None:
    first = person(staff["nadia"], "Annule", email="annule@exemple.fr")
    second = person(staff["nadia"], "Suivant")
    as_user(client, "nadia")
    assert _book(client, first, slots[0]).status_code == 302
    appointment = db.session.scalars(select(Appointment)).one()
    page = f"/personnes/{first}/rendez-vous/nouveau"
    asked = post_form(
        client,
        page,
        {"status": "annule", "personne": str(first)},
        action=f"/rendez-vous/{appointment.id}/suite",
    )
    assert asked.status_code == 200
    assert "Le rendez-vous de ANNULE Camille du 26/11/2026 à 09:00 sera noté « annulé »." in text_of(asked)
    assert "Le créneau redevient libre pour une autre personne ; la personne est prévenue par courriel." in (
        text_of(asked)
    )
    db.session.expire_all()
    assert appointment.status is AppointmentStatus.PREVU
    response = post_form(client, page, {"status": "annule", "personne": str(first), "confirme": "oui"},
                         action=f"/rendez-vous/{appointment.id}/suite")  # fmt: skip
    assert response.status_code == 303
    db.session.expire_all()
    assert appointment.status is AppointmentStatus.ANNULE
    assert appointment.holding_slot_id is None
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.kind == "rendez_vous_annulation")
        )
        == 1
    )
    travel.set(slots[0].starts_at - timedelta(hours=24))
    assert reminders.remind_due() == 0
    travel.set(START)
    assert _book(client, second, slots[0]).status_code == 302


def test_honoured_or_not_is_recorded_once_the_time_has_come(
    client: FlaskClient, slots: list[AppointmentSlot], staff: dict[str, User], travel: clock.TravellingClock
) -> None:
    person_id = person(staff["nadia"], "Absent")
    as_user(client, "julie")
    assert _book(client, person_id, slots[0]).status_code == 302
    appointment = db.session.scalars(select(Appointment)).one()
    page = f"/personnes/{person_id}/rendez-vous/nouveau"
    action = f"/rendez-vous/{appointment.id}/suite"
    early = post_form(
        client, page, {"status": "non_honore", "personne": str(person_id), "confirme": "oui"}, action=action
    )
    assert "Le rendez-vous n'a pas encore eu lieu" in text_of(client.get(early.headers["Location"]))
    db.session.expire_all()
    assert appointment.status is AppointmentStatus.PREVU
    travel.set(slots[0].ends_at + timedelta(minutes=5))
    as_user(client, "julie")  # days later: a new session
    post_form(
        client, page, {"status": "non_honore", "personne": str(person_id), "confirme": "oui"}, action=action
    )
    db.session.expire_all()
    assert appointment.status is AppointmentStatus.NON_HONORE
    assert appointment.outcome_by_id == staff["julie"].id
    again = post_form(
        client, page, {"status": "honore", "personne": str(person_id), "confirme": "oui"}, action=action
    )
    assert "déjà noté « non honoré »" in text_of(client.get(again.headers["Location"]))
    db.session.expire_all()
    assert appointment.status is AppointmentStatus.NON_HONORE
    timeline = text_of(client.get(f"/personnes/{person_id}/suivi"))
    assert "Rendez-vous avec Julie Martin" in timeline
    assert "(non honoré)" in timeline


def test_a_town_halls_day_is_printable_with_only_its_appointments(
    client: FlaskClient, slots: list[AppointmentSlot], staff: dict[str, User], commune: Commune
) -> None:
    as_user(client, "claire")
    assert _series(client, agent_id=str(staff["marc"].id)).status_code == 302  # Marc at the centre
    at_centre = db.session.scalars(
        select(AppointmentSlot).where(AppointmentSlot.commune_id.is_(None))
    ).first()
    assert at_centre is not None
    here, there = person(staff["nadia"], "Mairie"), person(staff["nadia"], "Centre")
    as_user(client, "nadia")
    assert _book(client, here, slots[3], subject="Première rencontre").status_code == 302
    assert _book(client, there, at_centre).status_code == 302
    page = client.get(f"/rendez-vous/agenda?jour={DAY}&lieu={commune.id}")
    assert page.status_code == 200
    text = text_of(page)
    assert f"Rendez-vous du 26/11/2026 — Mairie de {commune.name}" in text
    assert "11:15 – 12:00" in text
    assert "MAIRIE Camille" in text
    assert "Première rencontre" in text
    assert "CENTRE Camille" not in text
    assert "window.print()" in text
    centre_day = text_of(client.get(f"/rendez-vous/agenda?jour={DAY}&lieu=centre"))
    assert "CENTRE Camille" in centre_day
    assert "MAIRIE Camille" not in centre_day
    read = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.subject_id == str(here), AuditEvent.action == "personne.consultation"
        )
    ).all()
    assert any(event.details.get("page") == "agenda du jour" for event in read)


def test_hostile_input_never_answers_500(
    client: FlaskClient, slots: list[AppointmentSlot], staff: dict[str, User]
) -> None:
    person_id = person(staff["nadia"], "Hostile")
    as_user(client, "nadia")
    page = f"/personnes/{person_id}/rendez-vous/nouveau"
    for value in ("", "abc", "-1", "0", "²", "99999999999999999999", "1e9", "\x00", str(slots[0].id) + "x"):
        response = post_form(client, page, {"slot_id": value, "subject": "x"})
        assert response.status_code in {404, 422}, (value, response.status_code)
    long_subject = post_form(client, page, {"slot_id": str(slots[0].id), "subject": "x" * 5000})
    assert long_subject.status_code == 422
    assert "300 caractères au plus." in text_of(long_subject)
    assert db.session.scalar(select(func.count()).select_from(Appointment)) == 0
    for query in (
        "jour=2026-02-30",
        "jour=x&lieu=centre",
        "lieu=abc",
        "lieu=²",
        "lieu=99999999999999",
        "lieu=-1",
    ):
        response = client.get(f"/rendez-vous/agenda?{query}")
        assert response.status_code in {200, 404, 422}, (query, response.status_code)
    assert client.get("/rendez-vous/agenda?lieu=4242").status_code == 404  # no town hall of ours
    assert client.get("/rendez-vous/agenda?jour=9999-12-31").status_code == 422
    assert client.post("/rendez-vous/abc/suite").status_code == 404
    assert _book(client, person_id, slots[1]).status_code == 302
    action = f"/rendez-vous/{db.session.scalars(select(Appointment.id)).one()}/suite"
    for value in ("²", "-1", "9" * 30, "\x00"):
        outcome = post_form(
            client, page, {"status": "honore", "personne": value, "confirme": "oui"}, action=action
        )
        assert outcome.status_code == 303, (value, outcome.status_code)
    assert db.session.scalars(select(Appointment.status)).one() is AppointmentStatus.PREVU
    as_user(client, "julie")
    bad = _series(
        client, agent_id=str(staff["julie"].id), day="2026-02-30", start="25:00", length_minutes="-5"
    )
    assert bad.status_code == 422


def test_the_booking_page_is_for_those_who_book(
    client: FlaskClient, slots: list[AppointmentSlot], staff: dict[str, User]
) -> None:
    person_id = person(staff["nadia"], "Secret")
    as_user(client, "aicha")
    assert client.get(f"/personnes/{person_id}/rendez-vous/nouveau").status_code == 403
    assert client.get(f"/rendez-vous/agenda?jour={DAY}").status_code == 403
    assert _book(client, person_id, slots[0]).status_code in {400, 403}
    assert db.session.scalar(select(func.count()).select_from(Appointment)) == 0


def test_the_agents_home_page_lists_their_appointments_of_the_day(
    client: FlaskClient, slots: list[AppointmentSlot], staff: dict[str, User], travel: clock.TravellingClock
) -> None:
    person_id = person(staff["nadia"], "Dujour")
    as_user(client, "nadia")
    assert _book(client, person_id, slots[1], subject="Point budget").status_code == 302
    as_user(client, "julie")
    assert "Mes rendez-vous du jour" not in text_of(client.get("/tableau-de-bord"))
    travel.set(slots[0].starts_at - timedelta(hours=2))  # Thursday, 7:00 in Paris
    as_user(client, "julie")
    home = text_of(client.get("/tableau-de-bord"))
    assert "Mes rendez-vous du jour" in home
    assert f'09:45 : <a href="/personnes/{person_id}/rendez-vous/nouveau">DUJOUR Camille</a>' in home
    assert "Point budget" in home
    as_user(client, "marc")
    assert "Mes rendez-vous du jour" not in text_of(client.get("/tableau-de-bord"))


def test_the_persons_export_holds_their_appointments(
    client: FlaskClient, slots: list[AppointmentSlot], staff: dict[str, User], commune: Commune
) -> None:
    person_id = person(staff["nadia"], "Exporte")
    as_user(client, "nadia")
    assert _book(client, person_id, slots[2], subject="Aide au logement").status_code == 302
    as_user(client, "claire")
    response = client.get(f"/personnes/{person_id}/donnees.zip")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        held = json.loads(archive.read("donnees.json"))
    assert held["rendez_vous"] == [
        {
            "le": "2026-11-26T10:30:00+01:00",
            "avec": "Julie Martin",
            "lieu": f"Mairie de {commune.name}",
            "objet": "Aide au logement",
            "état": "Prévu",
        }
    ]


def test_an_honoured_appointment_is_a_contact_and_retention_clears_its_subject(
    client: FlaskClient, slots: list[AppointmentSlot], staff: dict[str, User], travel: clock.TravellingClock
) -> None:
    person_id = person(staff["nadia"], "Ancien")
    as_user(client, "nadia")
    assert _book(client, person_id, slots[0], subject="Dettes de loyer").status_code == 302
    appointment = db.session.scalars(select(Appointment)).one()
    travel.set(slots[0].ends_at)
    booking.record_outcome(
        actor=staff["julie"], appointment_id=appointment.id, status=AppointmentStatus.HONORE
    )
    day_before = slots[0].starts_at + timedelta(days=2 * 365)  # two years after the person was registered
    assert person_id not in [due.person_id for due in retention.plan(day_before).people]
    after = slots[0].starts_at + timedelta(days=2 * 366 + 1)
    assert person_id in [due.person_id for due in retention.plan(after).people]
    travel.set(after)
    retention.run()
    db.session.expire_all()
    assert appointment.subject == ""
