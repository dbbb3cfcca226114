"""The home page per role: my tasks and my team's, overdue and due today as links to the filtered worklist,
the next committee session, and the people search at hand for those who receive people."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask.testing import FlaskClient

from service.clock import TravellingClock
from service.committee import sessions
from service.models import Role, SessionKind, User
from tests.conftest import text_of
from tests.test_worklist import _backlog
from tests.workflow_helpers import as_user


def test_an_instructor_sees_the_counts_linking_to_the_filtered_worklist(
    client: FlaskClient, make_user: Callable[..., User], travel: TravellingClock
) -> None:
    julien = make_user("julien", Role.ACCUEIL, Role.INSTRUCTEUR)
    # 6 copies due from 3 hours ago, hourly (3 overdue, all today); the real one is due in a few days.
    _backlog(julien, 7, start=travel.now() - timedelta(hours=3))
    as_user(client, "julien")
    page = text_of(client.get("/tableau-de-bord"))
    assert 'action="/personnes/"' in page
    assert 'href="/personnes/nouvelle"' in page
    assert '<a href="/taches/?vue=equipe">7</a>' in page
    assert '<a href="/taches/?vue=en-retard">3</a>' in page
    assert '<a href="/taches/?vue=equipe&echeance=aujourdhui">6</a>' in page
    assert '<a href="/taches/?vue=mes-taches">0</a>' in page
    overdue = text_of(client.get("/taches/?vue=en-retard"))
    assert overdue.count("Ouvrir</a>") == 3


def test_the_head_of_service_sees_the_whole_team_and_the_next_session(
    client: FlaskClient, make_user: Callable[..., User], travel: TravellingClock
) -> None:
    julien = make_user("julien", Role.ACCUEIL, Role.INSTRUCTEUR)
    claire = make_user("claire", Role.RESPONSABLE)
    _backlog(julien, 2, start=travel.now() + timedelta(days=3))
    sessions.plan_session(
        actor=claire, kind=SessionKind.COMMISSION_PERMANENTE, starts_at=travel.now() + timedelta(days=10),
        place="Salle du conseil",
    )  # fmt: skip
    as_user(client, "claire")
    page = text_of(client.get("/tableau-de-bord"))
    assert "Toute l'équipe" in page
    # Every lane: the instructors' two tasks and the secretariat's first step of the session.
    assert '<a href="/taches/?vue=equipe">3</a>' in page
    assert "Salle du conseil" in page


def test_an_administrator_has_no_worklist_nor_search(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user("alice", Role.ADMIN)
    as_user(client, "alice")
    page = text_of(client.get("/tableau-de-bord"))
    assert "Mes tâches" not in page
    assert 'action="/personnes/"' not in page
