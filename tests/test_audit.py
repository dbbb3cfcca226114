"""The audit log is append-only: the code offers no change, and the database refuses one."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DatabaseError

from service.audit import service as audit
from service.audit.actions import AuditAction
from service.extensions import db
from service.models import AuditEvent, AuditLogAppendOnlyError, Centre, Role, User
from service.people import service as people
from service.workshops import themes
from tests.conftest import START, text_of
from tests.workflow_helpers import as_user


def test_record_appends_an_event_with_actor_and_time(centre: Centre, make_user: Callable[..., User]) -> None:
    actor = make_user("claire", Role.RESPONSABLE, full_name="Claire Dumont")
    event = audit.record(
        action=AuditAction.DOSSIER_CONSULTATION,
        subject_type="dossier",
        subject_id=42,
        actor=actor,
        details={"motif": "suivi"},
    )
    db.session.commit()
    stored = db.session.get(AuditEvent, event.id)
    assert stored is not None
    assert (stored.actor_name, stored.centre_id, stored.subject_id) == ("Claire Dumont", centre.id, "42")
    assert stored.at == START
    assert stored.details == {"motif": "suivi"}
    assert audit.recent_events(actor=actor)[0].id == event.id


def _an_event(centre: Centre) -> AuditEvent:
    event = audit.record(
        action=AuditAction.CENTRE_CREATION, subject_type="centre", subject_id=centre.id, centre_id=centre.id
    )
    db.session.commit()
    return event


def test_orm_refuses_to_modify_an_event(centre: Centre) -> None:
    event = _an_event(centre)
    event.action = "falsifié"
    with pytest.raises(AuditLogAppendOnlyError):
        db.session.flush()
    db.session.rollback()


def test_orm_refuses_to_delete_an_event(centre: Centre) -> None:
    event = _an_event(centre)
    db.session.delete(event)
    with pytest.raises(AuditLogAppendOnlyError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize(
    "statement",
    [
        lambda event_id: update(AuditEvent).where(AuditEvent.id == event_id).values(action="falsifié"),
        lambda event_id: delete(AuditEvent).where(AuditEvent.id == event_id),
        lambda event_id: text("UPDATE audit_event SET action = 'x' WHERE id = :id").bindparams(id=event_id),
        lambda event_id: text("DELETE FROM audit_event WHERE id = :id").bindparams(id=event_id),
    ],
    ids=["bulk-update", "bulk-delete", "sql-update", "sql-delete"],
)
def test_database_refuses_any_change(centre: Centre, statement: Callable[[int], object]) -> None:
    event_id = _an_event(centre).id
    nested = db.session.begin_nested()
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(statement(event_id))  # type: ignore[call-overload]
    nested.rollback()
    assert db.session.get(AuditEvent, event_id) is not None


def test_module_offers_no_way_to_change_the_log() -> None:
    public = {name for name in dir(audit) if not name.startswith("_")}
    assert not {
        name for name in public if any(word in name for word in ("update", "delete", "remove", "edit"))
    }


def test_every_action_has_its_french_words() -> None:
    for action in AuditAction:
        assert action.label
        assert action.label != action.value
        assert "." not in action.label
        assert "_" not in action.label


def test_the_audit_log_and_the_history_show_words_not_codes(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    agent = make_user("claire", Role.RESPONSABLE, Role.INSTRUCTEUR, Role.ACCUEIL, full_name="Claire Dumont")
    themes.save_theme(actor=agent, name="Budget", description="")
    person = people.create(actor=agent, identity=people.Identity(last_name="Aubert", first_name="Camille"))
    as_user(client, "claire")
    page = text_of(client.get("/administration/journal"))
    assert "Thème d'atelier enregistré" in page
    assert "actif : oui" in page
    assert "Enregistrement d'une personne" in page
    for code in ("atelier.thème", "personne.création", "True", "False"):
        assert code not in page
    assert str(person.id) in page
