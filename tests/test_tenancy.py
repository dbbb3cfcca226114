"""One installation, many centres: a user never sees nor writes another centre's rows."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from scenarios.factories import make_centre
from service.extensions import db
from service.models import Centre, Quartier, Role, User
from service.models.tenancy import CrossCentreError, bind_centre
from service.organisation import service as organisation
from tests.conftest import login, text_of


@pytest.fixture
def other_centre(centre: Centre) -> Centre:
    return make_centre("ccas-voisin", "CCAS de Voisin-le-Bas", quartiers=("Les Tilleuls",))


def test_bound_session_reads_only_its_centre(
    centre: Centre, other_centre: Centre, make_user: Callable[..., User]
) -> None:
    centre_id, other_id = centre.id, other_centre.id
    mine_id = make_user("mine").id
    theirs_id = make_user("theirs", centre_code=other_centre.code).id
    foreign_quartier_id = db.session.scalars(select(Quartier.id).where(Quartier.centre_id == other_id)).one()
    db.session.expunge_all()  # start from an empty identity map, as a new request does

    bind_centre(db.session(), centre_id)
    assert [user.id for user in db.session.scalars(select(User))] == [mine_id]
    assert [q.name for q in organisation.list_quartiers()] == ["Centre"]
    assert db.session.get(User, theirs_id) is None
    assert db.session.get(Quartier, foreign_quartier_id) is None
    # Even an explicit filter on the other centre finds nothing.
    assert db.session.scalars(select(User).where(User.centre_id == other_id)).all() == []


def test_bound_session_refuses_to_write_into_another_centre(centre: Centre, other_centre: Centre) -> None:
    commune = other_centre.communes[0]
    bind_centre(db.session(), centre.id)
    db.session.add(Quartier(centre_id=other_centre.id, commune_id=commune.id, name="Infiltré"))
    with pytest.raises(CrossCentreError):
        db.session.flush()
    db.session.rollback()


def test_new_rows_take_the_bound_centre(centre: Centre) -> None:
    bind_centre(db.session(), centre.id)
    quartier = Quartier(commune_id=centre.communes[0].id, name="Nouveau")
    db.session.add(quartier)
    db.session.flush()
    assert quartier.centre_id == centre.id


def test_admin_of_one_centre_never_sees_the_other_centre_users(
    client: FlaskClient, other_centre: Centre, make_user: Callable[..., User]
) -> None:
    make_user("lea", Role.ADMIN)
    make_user("voisin", Role.INSTRUCTEUR, centre_code=other_centre.code, full_name="Agent Du Voisin")
    login(client, "lea")
    page = text_of(client.get("/administration/utilisateurs"))
    assert "1 utilisateur(s)" in page
    assert "Agent Du Voisin" not in page
    assert "CCAS de Test-sur-Mer" in page
    assert "CCAS de Voisin-le-Bas" not in page


def test_audit_log_page_shows_only_the_centre_events(
    client: FlaskClient, other_centre: Centre, make_user: Callable[..., User]
) -> None:
    make_user("claire", Role.RESPONSABLE)
    make_user("voisin", centre_code=other_centre.code)
    login(client, "claire")
    page = text_of(client.get("/administration/journal"))
    assert "Création du centre" in page
    assert "ccas-voisin" not in page
    assert "voisin" not in page
