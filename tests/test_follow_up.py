"""Accompagnement et suivi: the person's requests and rights checked in one timeline, newest first, each kind
shown only to those who may read it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from flask.testing import FlaskClient

from scenarios.factories import open_aid, person_with_budget
from service import clock
from service.models import FollowUpStatus, Role, User
from service.rights import service as rights
from tests.conftest import text_of
from tests.workflow_helpers import as_user


def test_the_timeline_shows_requests_and_rights_newest_first(
    client: FlaskClient, make_user: Callable[..., User], travel: clock.TravellingClock
) -> None:
    agent = make_user("ines", Role.INSTRUCTEUR)
    make_user("accueil", Role.ACCUEIL)
    person_id = person_with_budget(agent, "Suivie")
    dossier = open_aid(agent, person_id, "colis_alimentaire", reason="Plus rien à manger")
    travel.advance(timedelta(hours=2))
    rights.record_follow_up(
        actor=agent, person_id=person_id, right="prime_activite", status=FollowUpStatus.DEMANDE_FAITE,
        on_date=date(2026, 11, 23),
    )  # fmt: skip

    as_user(client, "ines")
    page = text_of(client.get(f"/personnes/{person_id}/suivi"))
    assert f"dossier {dossier.number} ouvert" in page
    assert "Prime d'activité : demande faite le 23/11/2026" in page
    assert page.index("Prime d'activité") < page.index(dossier.number)  # newest first

    as_user(client, "accueil")  # the front desk does not read the budget: no rights checked
    seen = text_of(client.get(f"/personnes/{person_id}/suivi"))
    assert "Prime d'activité" not in seen
    assert "droits potentiels" not in seen
