"""The last seat of a workshop, asked for by several agents at once: exactly one person gets it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from scenarios.factories import make_centre
from service.accounts import service as accounts
from service.extensions import db
from service.models import Referral, RegistrationStatus, Role, WorkshopRegistration, WorkshopSession
from service.people import service as people
from service.workshops import planning, registrations, themes
from tests.conftest import PASSWORD, migrated_app
from tests.databases import fresh_database, on_postgresql
from tests.workshop_steps import PLACE, in_days

AGENTS = ("anne", "bruno", "chloe", "david")


@pytest.fixture
def committing_app(tmp_path: Path) -> Iterator[Flask]:
    """An application whose transactions really commit, on a database of its own."""
    with fresh_database(tmp_path) as url:
        app = migrated_app(url, tmp_path / "instance")
        with app.app_context():
            make_centre("ccas-course", "CCAS de Course")
            for username in AGENTS:
                accounts.create_user(
                    centre_code="ccas-course", username=username, full_name=username.title(),
                    password=PASSWORD, roles=[Role.INSTRUCTEUR, Role.ACCUEIL],
                )  # fmt: skip
        yield app
        with app.app_context():
            db.engine.dispose()


def _session_with_one_seat_left(app: Flask) -> tuple[int, dict[str, int]]:
    """A session of three seats, two taken; one person per agent waiting to be registered."""
    with app.app_context():
        anne = accounts.authenticate(username="anne", password=PASSWORD, address="127.0.0.1")
        accounts.scope_session_to(anne)
        theme = themes.save_theme(actor=anne, name="Numérique")
        session = planning.plan_session(
            actor=anne,
            plan=planning.Plan(
                theme.id, in_days(8), timedelta(hours=2), PLACE, "Anne", capacity=3, minimum=1
            ),
        )
        for name in ("Premier", "Second"):
            person = people.create(actor=anne, identity=people.Identity(last_name=name, first_name="Lou"))
            registrations.register(
                actor=anne, session_id=session.id, person_id=person.id, referral=Referral.AGENT
            )
        candidates = {
            agent: people.create(
                actor=anne, identity=people.Identity(last_name=f"Candidat {agent}", first_name="Lou")
            ).id
            for agent in AGENTS
        }
        return session.id, candidates


def test_concurrent_registrations_for_the_last_seat_give_it_to_exactly_one_person(
    committing_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    session_id, candidates = _session_with_one_seat_left(committing_app)
    if on_postgresql():
        # Hold every registration once it has read the session and found it open, before any takes a seat:
        # all then believe a seat is left, and only the conditional update can tell them apart.
        barrier = threading.Barrier(len(AGENTS), timeout=30)
        take_seat = registrations.take_seat

        def take_seat_once_all_have_read(session: WorkshopSession) -> bool:
            barrier.wait()
            return take_seat(session)

        monkeypatch.setattr(registrations, "take_seat", take_seat_once_all_have_read)
    # On SQLite, BEGIN IMMEDIATE queues each writer behind the one before: they take seats in turn.
    outcomes: dict[str, Any] = {}

    def register(agent: str) -> None:
        with committing_app.app_context():
            actor = accounts.authenticate(username=agent, password=PASSWORD, address="127.0.0.1")
            accounts.scope_session_to(actor)
            try:
                registration = registrations.register(
                    actor=actor, session_id=session_id, person_id=candidates[agent], referral=Referral.AGENT
                )
                outcomes[agent] = registration.status
            except Exception as exc:
                outcomes[agent] = exc

    threads = [threading.Thread(target=register, args=(agent,)) for agent in AGENTS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(map(str, outcomes.values())) == sorted(["confirmee"] + ["attente"] * (len(AGENTS) - 1)), (
        outcomes
    )
    with committing_app.app_context():
        session = db.session.get(WorkshopSession, session_id)
        assert session is not None
        assert session.seats_taken == session.capacity == 3
        confirmed = db.session.scalars(
            select(WorkshopRegistration).where(WorkshopRegistration.status == RegistrationStatus.CONFIRMEE)
        ).all()
        assert len(confirmed) == 3
        waiting = db.session.scalars(
            select(WorkshopRegistration)
            .where(WorkshopRegistration.status == RegistrationStatus.ATTENTE)
            .order_by(WorkshopRegistration.registered_at, WorkshopRegistration.id)
        ).all()
        assert len(waiting) == len(AGENTS) - 1
