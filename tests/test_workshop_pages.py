"""The workshop pages, as the agents use them: plan, register, cancel, the tablet attendance page,
the attendance sheet, the figures and the iCal export."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from service import clock
from service.extensions import db
from service.models import (
    Document,
    RegistrationStatus,
    Role,
    User,
    WorkshopRegistration,
    WorkshopSession,
    WorkshopStatus,
)
from service.workshops import holding
from tests.conftest import text_of
from tests.pdf import text_of_pdf
from tests.workflow_helpers import as_user, post_form
from tests.workshop_steps import PLACE, in_days, person, planned, register, theme, wake


@pytest.fixture
def organiser(make_user: Callable[..., User]) -> User:
    return make_user("julie", Role.INSTRUCTEUR, Role.ACCUEIL, full_name="Julie Martin")


def test_an_organiser_plans_a_weekly_series_from_the_calendar_page(
    client: FlaskClient, organiser: User
) -> None:
    topic = theme(organiser, "Santé")
    as_user(client, "julie")
    day = in_days(9).date()
    form = {
        "theme": str(topic.id), "day": day.isoformat(), "hour": "14:30", "duration": "90", "place": PLACE,
        "facilitators": "Dr Ana Costa", "capacity": "12", "minimum": "4", "repeat": "hebdomadaire",
        "count": "3",
    }  # fmt: skip
    response = post_form(client, "/ateliers/", form)
    assert response.status_code == 302
    sessions = db.session.scalars(select(WorkshopSession).order_by(WorkshopSession.starts_at)).all()
    assert [s.starts_at.date() for s in sessions] == [day + timedelta(weeks=n) for n in range(3)]
    page = text_of(client.get("/ateliers/"))
    assert "Séances à venir : 3" in page
    assert "Santé" in page

    refused = post_form(client, "/ateliers/", {**form, "minimum": "20"})
    assert refused.status_code == 422
    assert "Le minimum pour tenir la séance doit être compris entre 0 et le nombre de places." in text_of(
        refused
    )
    assert db.session.scalar(select(db.func.count()).select_from(WorkshopSession)) == 3


def test_registering_cancelling_and_promoting_from_the_session_page(
    client: FlaskClient, organiser: User
) -> None:
    session = planned(organiser, days=8, capacity=1)
    register(organiser, session, "Aubert")
    waiting_id = person(organiser, "Bernard", email="bernard@exemple.invalid")
    page_url = f"/ateliers/seances/{session.id}"
    as_user(client, "julie")
    found = text_of(client.get(page_url + "?q=Bernard"))
    assert "BERNARD Camille" in found.upper() or "Bernard Camille" in found
    response = post_form(
        client, page_url, {"person_id": str(waiting_id), "referral": "partenaire", "referral_detail": ""},
        action=page_url + "/inscriptions",
    )  # fmt: skip
    assert response.status_code == 422
    assert "Indiquez le partenaire qui oriente la personne." in text_of(response)
    response = post_form(
        client, page_url, {"person_id": str(waiting_id), "referral": "partenaire", "referral_detail": "CAF"},
        action=page_url + "/inscriptions",
    )  # fmt: skip
    assert response.status_code == 302
    page = text_of(client.get(page_url))
    assert "Liste d'attente (1)" in page
    assert "Un partenaire (CAF)" in page

    seated = db.session.scalars(
        select(WorkshopRegistration).where(WorkshopRegistration.status == RegistrationStatus.CONFIRMEE)
    ).one()
    cancel_url = f"{page_url}/inscriptions/{seated.id}/annulation"
    asked = text_of(client.get(cancel_url))  # the link of the session page: the consequence, then a button
    assert "La place sera donnée à Camille Bernard, qui est en liste d'attente" in asked
    unconfirmed = post_form(client, page_url, {}, action=cancel_url)  # one click, no confirmation: nothing
    assert unconfirmed.status_code == 200
    assert "La place sera donnée à Camille Bernard" in text_of(unconfirmed)
    db.session.expire_all()
    assert seated.status is RegistrationStatus.CONFIRMEE
    assert "Liste d'attente (1)" in text_of(client.get(page_url))
    response = post_form(client, page_url, {"confirme": "oui"}, action=cancel_url)
    assert response.status_code == 302
    page = text_of(client.get(page_url))
    assert "La place libérée revient à BERNARD Camille" in page
    assert "prévenu·e par courriel" in page
    assert "Liste d'attente (0)" in page


def test_the_tablet_page_records_attendance_and_the_figures_count_it(
    client: FlaskClient, organiser: User, travel: clock.TravellingClock
) -> None:
    session = planned(organiser, days=8, capacity=5)
    came = register(organiser, session, "Aubert")
    register(organiser, session, "Bernard")
    travel.advance(session.starts_at - clock.now() + timedelta(minutes=10))
    wake()
    as_user(client, "julie")
    page_url = f"/ateliers/seances/{session.id}"
    assert "Saisir les présences" in text_of(client.get(page_url))
    tablet = text_of(client.get(page_url + "/presences"))
    assert "Touchez le nom de chaque personne présente" in tablet
    response = post_form(client, page_url + "/presences", {"present": str(came.id)})
    assert response.status_code == 302
    db.session.expire_all()
    assert session.status is WorkshopStatus.TENUE
    evaluation = {"answers": "1", "satisfied": "1", "notes": ""}
    asked = post_form(client, page_url, evaluation, action=page_url + "/evaluation")
    assert "La séance sera close" in text_of(asked)  # asked first: nothing closed yet
    db.session.expire_all()
    assert session.status is WorkshopStatus.TENUE
    response = post_form(client, page_url, {**evaluation, "confirme": "oui"}, action=page_url + "/evaluation")
    assert response.status_code == 302
    figures = text_of(client.get("/ateliers/statistiques"))
    cells = " ".join(re.sub(r"<[^>]+>", " ", figures).split())  # the table's cells, in order
    assert "Budget au quotidien 1 0 2 1 50 % 1 100 % (1 questionnaires)" in cells


def test_the_attendance_sheet_is_a_record_only_the_workshop_staff_download(
    client: FlaskClient, organiser: User, make_user: Callable[..., User]
) -> None:
    session = planned(organiser, days=8)
    register(organiser, session, "<b>Aubert</b>")
    as_user(client, "julie")
    page_url = f"/ateliers/seances/{session.id}"
    response = post_form(client, page_url, {}, action=page_url + "/feuille-de-presence")
    assert response.status_code == 302
    sheet = db.session.scalars(select(Document).where(Document.kind == "feuille_presence")).one()
    assert response.headers["Location"].endswith(f"/documents/{sheet.id}")
    download = client.get(f"/documents/{sheet.id}")
    assert download.status_code == 200
    assert "<B>AUBERT</B>" in text_of_pdf(download.data)  # printed as text, never interpreted
    make_user("regis", Role.REGISSEUR)
    as_user(client, "regis")
    assert client.get(f"/documents/{sheet.id}").status_code == 403
    assert client.get(page_url).status_code == 403


def test_cancelling_from_the_session_page_needs_a_reason(client: FlaskClient, organiser: User) -> None:
    session = planned(organiser, days=8)
    register(organiser, session, "Aubert")
    as_user(client, "julie")
    page_url = f"/ateliers/seances/{session.id}"
    assert "Annuler la séance" in text_of(client.get(page_url))
    asked = post_form(client, page_url, {"motif": "Animatrice malade."}, action=page_url + "/annulation")
    assert asked.status_code == 200  # no confirmation yet: the page says what will happen, nothing changed
    assert "0 personne(s) inscrite(s) recevront le motif par courriel" in text_of(asked)
    assert "Sans courriel, à prévenir par téléphone ou courrier : Camille Aubert." in text_of(asked)
    assert "Animatrice malade." in text_of(asked)  # kept in the confirmation form
    db.session.expire_all()
    assert session.status is not WorkshopStatus.ANNULEE
    refused = post_form(client, page_url, {"motif": "", "confirme": "oui"}, action=page_url + "/annulation")
    assert refused.status_code == 422
    assert "Indiquez le motif de l'annulation" in text_of(refused)
    response = post_form(
        client, page_url, {"motif": "Animatrice malade.", "confirme": "oui"}, action=page_url + "/annulation"
    )
    assert response.status_code == 302
    page = text_of(client.get(page_url))
    assert "Annulée — Animatrice malade." in page
    assert "Inscrire une personne" not in page


def test_the_calendar_exports_the_coming_sessions_as_ical(client: FlaskClient, organiser: User) -> None:
    planned(organiser, days=8)
    as_user(client, "julie")
    response = client.get("/ateliers/agenda.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/calendar")
    body = response.get_data(as_text=True)
    assert body.count("BEGIN:VEVENT") == 1
    assert "DTSTART:20261201T130000Z" in body
    assert "SUMMARY:Atelier Budget au quotidien" in body


def test_the_worklist_task_opens_the_session_page(
    client: FlaskClient, organiser: User, travel: clock.TravellingClock
) -> None:
    session = planned(organiser, days=8, minimum=2)
    travel.advance(session.starts_at - timedelta(days=3) - clock.now() + timedelta(minutes=1))
    wake()
    as_user(client, "julie")
    worklist = text_of(client.get("/taches/"))
    assert "Maintenir ou annuler la séance" in worklist
    step = holding.open_step(session)
    assert step is not None
    response = client.get(f"/taches/{step.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/ateliers/seances/{session.id}")
