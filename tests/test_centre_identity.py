"""The centre's identity on its acts: kept by the head of service or the administrator, printed by letters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from service.errors import InvalidInputError, PermissionDeniedError
from service.extensions import db
from service.models import AuditEvent, Centre, Role, User
from service.organisation import identity
from tests.aid_steps import do
from tests.conftest import csrf_token, text_of
from tests.test_domiciliation import REFUSAL, agents, paper, requested  # noqa: F401 - agents is a fixture
from tests.workflow_helpers import as_user

ORLEANS = identity.CentreIdentity(
    name="CCAS de Saint-Aubin",
    address_line="2 place de la Mairie",
    postal_code="45100",
    city="Saint-Aubin",
    phone="02 38 00 00 00",
    email="ccas@saint-aubin.exemple.fr",
    president_name="Marie Lefèvre",
    president_title="Présidente du CCAS, maire de Saint-Aubin",
    tribunal_name="Tribunal administratif d'Orléans",
    tribunal_address="28 rue de la Bretonnerie, 45057 Orléans Cedex 1",
)


@pytest.fixture
def keepers(make_user: Callable[..., User]) -> dict[str, User]:
    return {
        "responsable": make_user("direction", Role.RESPONSABLE),
        "admin": make_user("alain", Role.ADMIN),
        "instructeur": make_user("agent", Role.INSTRUCTEUR),
    }


def _centre(user: User) -> Centre:
    db.session.expire_all()
    found = db.session.get(Centre, user.centre_id)
    assert found is not None
    return found


def test_the_head_of_service_keeps_the_identity_and_the_acts_print_it(
    keepers: dict[str, User],
    agents: dict[str, User],  # noqa: F811 - the fixture imported above
) -> None:
    with pytest.raises(PermissionDeniedError):
        identity.update_identity(actor=keepers["instructeur"], identity=ORLEANS)
    identity.update_identity(actor=keepers["responsable"], identity=ORLEANS)
    assert identity.identity_of(actor=keepers["admin"]) == ORLEANS
    assert identity.missing_from_acts(ORLEANS) == []
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "centre.identité")).one()
    assert event.actor_id == keepers["responsable"].id
    assert "le nom du président ou de la présidente" in event.details["champs"]  # in the log's words

    dossier = requested(agents)
    do(agents["delegataire"], dossier, "decider", REFUSAL)
    letter = paper(dossier, "refus_domiciliation")
    for printed in ("CCAS de Saint-Aubin", "2 place de la Mairie", "45100 Saint-Aubin", "02 38 00 00 00",
                    "Saint-Aubin, le", "Tribunal administratif d'Orléans",
                    "28 rue de la Bretonnerie"):  # fmt: skip
        assert printed in letter, printed


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "   "}, "name", "Indiquez le nom du centre"),
        ({"name": "x" * 201}, "name", "200 caractères au plus"),
        ({"postal_code": "45 1OO"}, "postal_code", "cinq chiffres"),
        ({"postal_code": "<script>"}, "postal_code", "cinq chiffres"),
        ({"phone": "appelez-moi"}, "phone", "numéro de téléphone"),
        ({"email": "pas une adresse"}, "email", "adresse de courriel valide"),
        ({"email": "a@b@c.fr"}, "email", "adresse de courriel valide"),
        ({"tribunal_address": "y" * 301}, "tribunal_address", "300 caractères au plus"),
    ],
)
def test_hostile_values_are_refused_on_their_field_and_nothing_changes(
    keepers: dict[str, User], changes: dict[str, Any], field: str, message: str
) -> None:
    before = identity.identity_of(actor=keepers["admin"])
    with pytest.raises(InvalidInputError, match=message) as refused:
        identity.update_identity(actor=keepers["admin"], identity=replace(ORLEANS, **changes))
    assert refused.value.field == field
    assert identity.identity_of(actor=keepers["admin"]) == before


def test_the_page_says_what_the_acts_lack_keeps_what_was_typed_and_saves(
    client: FlaskClient, keepers: dict[str, User]
) -> None:
    as_user(client, "agent")
    assert client.get("/centre/").status_code == 403
    assert "impriment encore en blanc" not in text_of(client.get("/tableau-de-bord"))  # not theirs to mend
    as_user(client, "direction")
    home = text_of(client.get("/tableau-de-bord"))
    assert "Les actes du centre impriment encore en blanc :" in home
    assert "Compléter le centre sur ses actes" in home
    page = text_of(client.get("/centre/"))
    assert "Les actes impriment encore en blanc" in page
    assert "le nom du président ou de la présidente" in page
    before = identity.identity_of(actor=keepers["admin"])
    form = {**vars(ORLEANS), "csrf_token": csrf_token(client, "/centre/"), "email": "pas une adresse",
            "president_name": "<b>Marie</b> Lefèvre"}  # fmt: skip
    refused = client.post("/centre/", data=form)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Saisissez une adresse de courriel valide." in html
    assert "&lt;b&gt;Marie&lt;/b&gt; Lefèvre" in html  # kept as typed, never interpreted
    assert identity.identity_of(actor=keepers["admin"]) == before  # nothing saved, not one field
    form["email"] = ORLEANS.email
    saved = client.post("/centre/", data=form)
    assert saved.status_code == 302
    assert _centre(keepers["responsable"]).president_name == "<b>Marie</b> Lefèvre"
    page = text_of(client.get("/centre/"))
    assert "Les actes impriment encore en blanc" not in page
    assert "L'identité du centre est enregistrée" in page
    assert "impriment encore en blanc" not in text_of(client.get("/tableau-de-bord"))
    as_user(client, "alain")  # the administrator keeps it too, every field filled
    form = {**vars(ORLEANS), "csrf_token": csrf_token(client, "/centre/"), "city": "Saint-Aubin-sur-Loire"}
    assert client.post("/centre/", data=form).status_code == 302
    assert identity.identity_of(actor=keepers["admin"]) == replace(ORLEANS, city="Saint-Aubin-sur-Loire")
