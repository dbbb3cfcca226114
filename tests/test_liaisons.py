"""Fiches de liaison: a town-hall agent refers a person (consent required), the instructing agents call back
within two working days (the same day when urgent), the head of service is told when the call is late, and the
town hall sees the outcome and its date, never the social file."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from scenarios.factories import make_centre, open_aid
from service import clock
from service.accounts import service as accounts
from service.errors import InvalidInputError, PermissionDeniedError
from service.extensions import db
from service.liaisons import service as liaisons
from service.liaisons import working_days
from service.models import (
    AuditEvent,
    Centre,
    Dossier,
    HumanTask,
    Liaison,
    LiaisonOutcome,
    OutboxMessage,
    Person,
    Role,
    User,
    tenancy,
)
from service.people import service as people
from service.privacy import retention
from service.scheduling import wake
from service.stats import catalogue
from service.stats.figures import Split
from service.stats.period import Period
from tests.conftest import START, text_of
from tests.workflow_helpers import as_user, post_form

PARIS = ZoneInfo("Europe/Paris")
QUESTION = "Facture d'eau impayée, demande un rendez-vous avec une assistante sociale."


@pytest.fixture
def town(make_user: Callable[..., User], centre: Centre) -> dict[str, User]:
    """The centre's instructing agent and head of service, its admin, and a town-hall agent at its commune."""
    users = {
        "julien": make_user("julien", Role.INSTRUCTEUR, email="julien@ccas.invalid"),
        "claire": make_user("claire", Role.RESPONSABLE, email="claire@ccas.invalid"),
        "lea": make_user("lea", Role.ADMIN),
        "sylvie": make_user("sylvie", Role.MAIRIE, full_name="Sylvie Perrin"),
        "nadia": make_user("nadia", Role.ACCUEIL),
    }
    commune = centre.communes[0]
    accounts.scope_session_to(users["lea"])
    liaisons.attach_to_town_hall(
        actor=users["lea"], user_id=users["sylvie"].id, commune_id=commune.id,
        quartier_id=commune.quartiers[0].id,
    )  # fmt: skip
    return users


def _person(agent: User, last_name: str = "Gauthier", first_name: str = "Rose") -> Person:
    accounts.scope_session_to(agent)
    return people.create(
        actor=agent,
        identity=people.Identity(
            last_name=last_name, first_name=first_name, birth_date=date(1958, 4, 9), phone="06 01 02 03 04",
            address_line="8 impasse Secrète",
        ),
    )  # fmt: skip


def _send(agent: User, **fields: object) -> Liaison:
    accounts.scope_session_to(agent)
    values: dict[str, object] = {"question": QUESTION, "consent": True, "phone": "06 10 20 30 40"}
    values.update(fields)
    if "person_id" in values and "query" not in values:  # the search that proposed the person
        person = db.session.get(Person, values["person_id"])
        values["query"] = f"{person.last_name} {person.first_name}" if person else ""
    return liaisons.send(actor=agent, form=liaisons.LiaisonForm(**values))  # type: ignore[arg-type]


def _evaluation(liaison: Liaison) -> HumanTask:
    return db.session.scalars(
        select(HumanTask).where(
            HumanTask.instance_id == liaison.instance_id, HumanTask.task_name == "evaluer_liaison"
        )
    ).one()


# ---- working days -----------------------------------------------------------------------------------------


def test_two_working_days_skip_the_weekend_and_public_holidays(app: Flask) -> None:
    monday = datetime(2026, 11, 23, 10, 0, tzinfo=PARIS)
    assert working_days.deadline(monday, working_days=2) == datetime(2026, 11, 25, 18, 0, tzinfo=PARIS)
    friday = datetime(2026, 11, 27, 10, 0, tzinfo=PARIS)
    assert working_days.deadline(friday, working_days=2) == datetime(2026, 12, 1, 18, 0, tzinfo=PARIS)
    christmas_eve = datetime(2026, 12, 24, 10, 0, tzinfo=PARIS)  # the 25th is a public holiday
    assert working_days.deadline(christmas_eve, working_days=2) == datetime(2026, 12, 29, 18, 0, tzinfo=PARIS)


def test_the_same_day_is_the_next_working_day_after_hours_or_on_a_day_off(app: Flask) -> None:
    morning = datetime(2026, 11, 23, 9, 0, tzinfo=PARIS)
    assert working_days.deadline(morning, working_days=0) == datetime(2026, 11, 23, 18, 0, tzinfo=PARIS)
    evening = datetime(2026, 11, 23, 19, 30, tzinfo=PARIS)
    assert working_days.deadline(evening, working_days=0) == datetime(2026, 11, 24, 18, 0, tzinfo=PARIS)
    saturday = datetime(2026, 11, 28, 9, 0, tzinfo=PARIS)
    assert working_days.deadline(saturday, working_days=0) == datetime(2026, 11, 30, 18, 0, tzinfo=PARIS)
    may_day = datetime(2026, 5, 1, 9, 0, tzinfo=PARIS)  # a Friday, public holiday
    assert working_days.deadline(may_day, working_days=0) == datetime(2026, 5, 4, 18, 0, tzinfo=PARIS)


# ---- sending ----------------------------------------------------------------------------------------------


def test_a_liaison_starts_the_phone_evaluation_in_the_instructing_agents_lane(town: dict[str, User]) -> None:
    assert datetime(2026, 11, 23, 8, 0, tzinfo=UTC) == START  # a Monday, 09:00 in Paris
    normal = _send(town["sylvie"], last_name="Rocher", first_name="Damien", birth_year=1979)
    urgent = _send(town["sylvie"], last_name="Blanc", urgent=True)
    task = _evaluation(normal)
    assert (task.role, task.process_key, task.completed_at) == ("instructeur", "premier_accueil", None)
    assert task.due_at == datetime(2026, 11, 25, 18, 0, tzinfo=PARIS)  # within two working days
    assert _evaluation(urgent).due_at == datetime(2026, 11, 23, 18, 0, tzinfo=PARIS)  # the same day
    assert (normal.commune.name, normal.quartier is not None, normal.consent) == ("Test-sur-Mer", True, True)


def test_consent_is_required_and_nothing_is_sent_without_it(town: dict[str, User]) -> None:
    with pytest.raises(InvalidInputError, match="accord de la personne") as refused:
        _send(town["sylvie"], last_name="Rocher", consent=False)
    assert refused.value.field == "consent"
    assert db.session.scalars(select(Liaison)).first() is None
    assert db.session.scalars(select(HumanTask)).first() is None


def test_a_liaison_needs_the_person_a_way_to_reach_them_and_a_question(town: dict[str, User]) -> None:
    for fields, field in (
        ({"last_name": ""}, "last_name"),
        ({"last_name": "Rocher", "phone": "", "email": ""}, "phone"),
        ({"last_name": "Rocher", "question": "   "}, "question"),
        ({"last_name": "Rocher", "phone": "<script>"}, "phone"),
        ({"last_name": "Rocher", "email": "pas-une-adresse"}, "email"),
        ({"last_name": "Rocher", "birth_year": 1066}, "birth_year"),
    ):
        with pytest.raises(InvalidInputError) as refused:
            _send(town["sylvie"], **fields)
        assert refused.value.field == field, fields
    assert db.session.scalars(select(Liaison)).first() is None


def test_only_a_town_hall_agent_with_a_post_sends(
    town: dict[str, User], make_user: Callable[..., User]
) -> None:
    with pytest.raises(PermissionDeniedError):
        _send(town["julien"], last_name="Rocher")
    make_user("sans_poste", Role.MAIRIE)
    lost = db.session.scalars(select(User).where(User.username == "sans_poste")).one()
    with pytest.raises(InvalidInputError, match="rattaché à aucune mairie"):
        _send(lost, last_name="Rocher")


def test_another_centres_person_cannot_be_named(
    town: dict[str, User], make_user: Callable[..., User]
) -> None:
    tenancy.unbind_centre(db.session)
    other = make_centre("ccas-autre", "CCAS d'Ailleurs")
    stranger = make_user("autre_accueil", Role.ACCUEIL, centre_code=other.code)
    foreign = _person(stranger, "Étrangère")
    with pytest.raises(InvalidInputError, match="personnes proposées"):
        _send(town["sylvie"], person_id=foreign.id)


# ---- the search shows only what is needed to pick the person ---------------------------------------------


def test_the_town_hall_finds_a_person_by_name_and_birth_year_only(
    client: FlaskClient, town: dict[str, User]
) -> None:
    rose = _person(town["nadia"])
    as_user(client, "sylvie")
    page = text_of(client.get("/liaisons/nouvelle?q=Gotier Rose"))  # a typo forgiven
    assert "GAUTHIER Rose, née ou né en 1958" in page
    assert "06 01 02 03 04" not in page
    assert "impasse Secrète" not in page
    assert "09/04/1958" not in page
    traced = db.session.scalars(
        select(AuditEvent).where(AuditEvent.subject_type == "personne", AuditEvent.subject_id == str(rose.id))
    ).all()
    assert any(event.action == "personne.recherche" for event in traced)


def test_the_town_hall_cannot_search_the_file_by_phone_or_birth_date_nor_name_an_id_by_hand(
    client: FlaskClient, town: dict[str, User]
) -> None:
    rose = _person(town["nadia"])
    as_user(client, "sylvie")
    for typed in ("0601020304", "06 01 02 03 04", "09/04/1958", "1958-04-09", "G", "+33601020304"):
        page = text_of(client.get(f"/liaisons/nouvelle?q={typed}"))
        assert "GAUTHIER Rose" not in page, typed  # the file's facts are not confirmed to the town hall
    assert "GAUTHIER Rose" in text_of(client.get("/liaisons/nouvelle?q=Gauthier 09/04/1958"))  # the name only
    with pytest.raises(InvalidInputError, match="personnes proposées"):
        _send(town["sylvie"], person_id=rose.id, query="Durand")  # an id the search did not propose
    assert _send(town["sylvie"], person_id=rose.id).person_id == rose.id


# ---- the outcomes -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("outcome", list(LiaisonOutcome))
def test_each_outcome_is_recorded_from_the_worklist_and_the_town_hall_sees_its_label(
    client: FlaskClient, town: dict[str, User], travel: clock.TravellingClock, outcome: LiaisonOutcome
) -> None:
    rose = _person(town["nadia"])
    liaison = _send(town["sylvie"], person_id=rose.id)
    task = _evaluation(liaison)
    as_user(client, "julien")
    worklist = text_of(client.get("/taches/"))
    assert "Fiche de liaison" in worklist
    assert "Évaluer par téléphone la fiche de liaison" in worklist
    redirected = client.get(f"/taches/{task.id}")
    assert redirected.status_code == 302
    assert redirected.headers["Location"].endswith(f"/liaisons/{liaison.id}")
    page = text_of(client.get(f"/liaisons/{liaison.id}"))
    assert QUESTION in page
    assert "06 10 20 30 40" in page
    assert "GAUTHIER Rose" in page
    travel.advance(timedelta(minutes=20))
    note = f"Rappelée : droits évoqués, suite {outcome.value}, note confidentielle."
    response = post_form(client, f"/liaisons/{liaison.id}", {"issue": outcome.value, "note": note})
    assert response.status_code == 302, text_of(response)
    db.session.expire_all()
    stored = db.session.get(Liaison, liaison.id)
    assert stored is not None
    assert (stored.outcome, stored.outcome_note) == (outcome, note)
    assert stored.outcome_at == START + timedelta(minutes=20)
    assert db.session.get(HumanTask, task.id).completed_at is not None  # type: ignore[union-attr]
    done = text_of(client.get(f"/liaisons/{liaison.id}"))
    assert outcome.label in done
    assert "Enregistrer la suite donnée" not in done

    as_user(client, "sylvie")
    mine = text_of(client.get("/liaisons/"))
    assert outcome.label in mine
    assert "23/11/2026" in mine
    assert note not in mine
    assert QUESTION not in mine


def test_an_aid_request_is_offered_prefilled_with_the_person_and_opens_through_the_usual_use_case(
    client: FlaskClient, town: dict[str, User]
) -> None:
    rose = _person(town["nadia"])
    liaison = _send(town["sylvie"], person_id=rose.id)
    as_user(client, "julien")
    post_form(client, f"/liaisons/{liaison.id}", {"issue": "demande_aide", "note": "Secours pour l'eau."})
    page = client.get(f"/liaisons/{liaison.id}").get_data(as_text=True)
    assert f'action="/personnes/{rose.id}/demandes"' in page
    for key in ("secours_urgence", "pret_sans_interet", "colis_alimentaire", "cheque_accompagnement",
                "aide_sociale_legale"):  # fmt: skip
        assert f'value="{key}"' in page
    assert "Facture d&#39;eau impayée" in page  # the question, as the request's object
    response = post_form(
        client, f"/liaisons/{liaison.id}", {"aid_type": "colis_alimentaire", "reason": QUESTION},
        action=f"/personnes/{rose.id}/demandes",
    )  # fmt: skip
    assert response.status_code == 302, text_of(response)
    dossier = db.session.scalars(select(Dossier).where(Dossier.person_id == rose.id)).one()
    assert (dossier.aid_type, dossier.reason) == ("colis_alimentaire", QUESTION)


def test_a_bad_evaluation_is_refused_in_french_and_changes_nothing(
    client: FlaskClient, town: dict[str, User]
) -> None:
    liaison = _send(town["sylvie"], last_name="Rocher")
    as_user(client, "julien")
    for data in ({"issue": "", "note": "x" * 10}, {"issue": "inventee", "note": "Une note."},
                 {"issue": "information", "note": ""}, {"issue": "information", "note": "x" * 5000},
                 {"issue": "information\x00", "note": "\x00\x01"}):  # fmt: skip
        response = post_form(client, f"/liaisons/{liaison.id}", data)
        assert response.status_code == 422, data
        assert "Enregistrer la suite donnée" in text_of(response)
    db.session.expire_all()
    assert db.session.get(Liaison, liaison.id).outcome is None  # type: ignore[union-attr]
    assert _evaluation(liaison).completed_at is None


# ---- late: the head of service is told --------------------------------------------------------------------


def test_a_late_evaluation_is_escalated_to_the_head_of_service_once(
    town: dict[str, User], travel: clock.TravellingClock
) -> None:
    liaison = _send(town["sylvie"], last_name="Rocher", urgent=True)  # due today at 18:00
    travel.advance(timedelta(hours=8, minutes=59))  # 17:59 in Paris
    wake.wake_due_instances()
    assert (
        db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "liaison_retard")).first()
        is None
    )
    travel.advance(timedelta(minutes=2))
    wake.wake_due_instances()
    travel.advance(timedelta(days=3))
    wake.wake_due_instances()
    [mail] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "liaison_retard")).all()
    assert mail.recipients == ["claire@ccas.invalid"]
    assert "Fiche de liaison non évaluée dans le délai" in mail.subject
    assert "Rocher" not in mail.body_text
    assert QUESTION not in mail.body_text  # no name in a mail
    db.session.expire_all()
    stored = db.session.get(Liaison, liaison.id)
    assert stored is not None
    assert stored.escalated_at == START + timedelta(hours=9, minutes=1)
    task = _evaluation(liaison)
    assert task.completed_at is None  # the call is still to make, overdue in the worklist
    accounts.scope_session_to(town["julien"])
    assert liaisons.liaison_page(actor=town["julien"], liaison_id=liaison.id).overdue


def test_an_evaluation_done_in_time_is_never_escalated(
    client: FlaskClient, town: dict[str, User], travel: clock.TravellingClock
) -> None:
    liaison = _send(town["sylvie"], last_name="Rocher")
    as_user(client, "julien")
    post_form(client, f"/liaisons/{liaison.id}", {"issue": "information", "note": "Information donnée."})
    travel.advance(timedelta(days=5))
    wake.wake_due_instances()
    assert (
        db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "liaison_retard")).first()
        is None
    )


# ---- the town hall never sees the social file -------------------------------------------------------------


def test_the_town_hall_is_refused_the_file_the_timeline_the_rights_and_the_liaison_page(
    client: FlaskClient, town: dict[str, User]
) -> None:
    rose = _person(town["nadia"])
    accounts.scope_session_to(town["julien"])
    dossier = open_aid(town["julien"], rose.id, "secours_urgence", reason="Dette d'énergie secrète")
    liaison = _send(town["sylvie"], person_id=rose.id)
    as_user(client, "sylvie")
    for path in (f"/personnes/{rose.id}", f"/dossiers/{dossier.id}", f"/personnes/{rose.id}/suivi",
                 f"/personnes/{rose.id}/droits", f"/liaisons/{liaison.id}", "/personnes/?q=Gauthier",
                 f"/taches/{_evaluation(liaison).id}", f"/personnes/{rose.id}/donnees.zip"):  # fmt: skip
        response = client.get(path)
        assert response.status_code == 403, path
        assert "Dette d'énergie secrète" not in text_of(response)
    navigation = text_of(client.get("/tableau-de-bord"))
    assert "Mes fiches de liaison" in navigation
    assert "Tâches" not in navigation
    assert "Personnes" not in navigation


def test_an_instructing_agent_cannot_send_nor_list_the_town_halls_liaisons(
    client: FlaskClient, town: dict[str, User]
) -> None:
    as_user(client, "julien")
    assert client.get("/liaisons/").status_code == 403
    assert client.get("/liaisons/nouvelle").status_code == 403


def test_the_timeline_shows_the_liaison_to_those_who_call_back(
    client: FlaskClient, town: dict[str, User]
) -> None:
    rose = _person(town["nadia"])
    liaison = _send(town["sylvie"], person_id=rose.id, urgent=True)
    as_user(client, "julien")
    post_form(client, f"/liaisons/{liaison.id}", {"issue": "orientation", "note": "Vers la CAF."})
    page = text_of(client.get(f"/personnes/{rose.id}/suivi"))
    assert "Fiche de liaison de la mairie de Test-sur-Mer (urgente) — orientation vers un partenaire" in page
    as_user(client, "nadia")  # the front desk registered her but does not call back
    assert "Fiche de liaison" not in text_of(client.get(f"/personnes/{rose.id}/suivi"))


# ---- the form, through the pages, hostile values included ----------------------------------------------


def test_the_form_sends_a_described_person_and_keeps_what_was_typed_when_refused(
    client: FlaskClient, town: dict[str, User]
) -> None:
    as_user(client, "sylvie")
    fields = {
        "q": "", "person_id": "", "last_name": "Rocher", "first_name": "Damien", "birth_year": "1979",
        "phone": "07 55 44 33 22", "email": "damien.rocher@exemple.fr", "question": QUESTION, "urgent": "y",
    }  # fmt: skip
    refused = post_form(client, "/liaisons/nouvelle", fields)  # no consent
    assert refused.status_code == 422
    assert "Sans l'accord de la personne" in text_of(refused)
    assert 'value="damien.rocher@exemple.fr"' in refused.get_data(as_text=True)
    assert db.session.scalars(select(Liaison)).first() is None
    sent = post_form(client, "/liaisons/nouvelle", {**fields, "consent": "y"})
    assert sent.status_code == 302, text_of(sent)
    liaison = db.session.scalars(select(Liaison)).one()
    assert (liaison.last_name, liaison.birth_year, liaison.email, liaison.urgent) == (
        "Rocher", 1979, "damien.rocher@exemple.fr", True
    )  # fmt: skip
    mine = text_of(client.get("/liaisons/"))
    assert "ROCHER Damien" in mine
    assert "En attente de l'évaluation" in mine


@pytest.mark.parametrize(
    "hostile",
    ["<script>alert(1)</script>", "' OR 1=1 --", "\x00", "x" * 5000, "9" * 40, "-1", "１２"],
)
def test_hostile_values_get_a_french_refusal_or_are_kept_as_text_never_a_500(
    client: FlaskClient, town: dict[str, User], hostile: str
) -> None:
    as_user(client, "sylvie")
    for name in ("q", "person_id", "last_name", "first_name", "birth_year", "phone", "email", "question"):
        fields = {
            "last_name": "Rocher",
            "phone": "0601020304",
            "question": QUESTION,
            "consent": "y",
            name: hostile,
        }
        response = post_form(client, "/liaisons/nouvelle", fields)
        assert response.status_code in (302, 422), (name, response.status_code)
        assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    assert client.get(f"/liaisons/nouvelle?q={hostile[:200]}").status_code == 200


def test_the_admin_creates_a_town_hall_agent_at_a_quartier(
    client: FlaskClient, town: dict[str, User], centre: Centre
) -> None:
    quartier = centre.communes[0].quartiers[0]
    as_user(client, "lea")
    page = "/administration/utilisateurs/nouveau"
    fields = {
        "username": "agent.mairie", "full_name": "Agent Mairie", "title": "", "email": "",
        "roles": "mairie", "password": "une phrase de passe solide",
    }  # fmt: skip
    refused = post_form(client, page, fields)  # no town hall chosen
    assert refused.status_code == 422
    assert "Choisissez la mairie où travaille l'agent." in text_of(refused)
    assert db.session.scalars(select(User).where(User.username == "agent.mairie")).first() is None
    created = post_form(client, page, {**fields, "town_hall": f"quartier-{quartier.id}"})
    assert created.status_code == 302, text_of(created)
    agent = db.session.scalars(select(User).where(User.username == "agent.mairie")).one()
    accounts.scope_session_to(agent)
    post = liaisons.post_of(actor=agent)
    assert (post.commune_id, post.quartier_id) == (centre.communes[0].id, quartier.id)


def test_the_statistics_count_the_liaisons_received_by_outcome(
    client: FlaskClient, town: dict[str, User]
) -> None:
    liaison = _send(town["sylvie"], last_name="Rocher")
    _send(town["sylvie"], last_name="Blanc")
    as_user(client, "julien")
    post_form(client, f"/liaisons/{liaison.id}", {"issue": "orientation", "note": "Vers la CAF."})
    accounts.scope_session_to(town["claire"])
    figure = next(
        found
        for found in catalogue.figures(
            centre_id=town["claire"].centre_id,
            period=Period(date(2026, 11, 1), date(2026, 11, 30)),
            split=Split.COMMUNE,
        )
        if found.key == "liaisons"
    )
    counts = {row.label: row.cells[-1].value for row in figure.rows}
    assert counts["Orientation vers un partenaire"] == 1
    assert counts["En attente de l'évaluation"] == 1
    assert counts["Information donnée"] == 0
    assert counts["Total"] == 2


def test_a_liaison_counts_as_a_contact_and_its_texts_go_with_the_pseudonymisation(
    town: dict[str, User], travel: clock.TravellingClock
) -> None:
    rose = _person(town["nadia"])
    travel.advance(timedelta(days=400))
    liaison = _send(town["sylvie"], person_id=rose.id, email="rose@exemple.fr")
    travel.advance(timedelta(days=365 * 2 - 399))  # two years after her registration, not after the liaison
    assert rose.id not in {person.person_id for person in retention.plan().people}
    travel.advance(timedelta(days=410))  # two years and more after the liaison
    retention.run()
    db.session.expire_all()
    stored = db.session.get(Liaison, liaison.id)
    assert stored is not None
    assert (stored.question, stored.phone, stored.email, stored.outcome_note) == ("", "", "", "")
