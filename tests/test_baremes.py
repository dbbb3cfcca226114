"""Barèmes deployed by an administrator: checked as a set, versioned, audited."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from service.extensions import db
from service.models import AidType, AuditEvent, Role, User
from service.paths import WORKFLOWS_DIR
from tests.aid_steps import instance_of, open_aid, person_with_budget
from tests.conftest import csrf_token, text_of
from tests.workflow_helpers import as_user

TABLE = "eligibilite_colis.dmn"


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    make_user("nadia", Role.ACCUEIL, Role.INSTRUCTEUR)
    return make_user("root", Role.ADMIN)


def _send(client: FlaskClient, text: str, name: str = TABLE) -> tuple[int, str]:
    response = client.post(
        "/administration/baremes",
        data={
            "csrf_token": csrf_token(client, "/administration/baremes"),
            "bareme": name,
            "fichier": (io.BytesIO(text.encode()), name),
        },
        content_type="multipart/form-data",
    )
    return response.status_code, text_of(response)


_HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)">')


def _confirm(client: FlaskClient, preview: str) -> tuple[int, str]:
    """Post the confirmation form of a preview page, as the administrator's browser would."""
    button = preview.index("Confirmer le déploiement")
    form = preview[preview.rindex("<form", 0, button) : button]
    fields = dict(_HIDDEN.findall(form))
    assert fields.get("confirmer") == "1", form
    response = client.post("/administration/baremes", data=fields, follow_redirects=True)
    return response.status_code, text_of(response)


def test_a_new_barème_applies_to_new_requests_only(client: FlaskClient, admin: User) -> None:
    agent = db.session.scalars(select(User).where(User.username == "nadia")).one()
    before = open_aid(agent, person_with_budget(agent, "Avant"), AidType.COLIS_ALIMENTAIRE)
    old_version = instance_of(before).definition.version
    as_user(client, "root")
    page = text_of(client.get("/administration/baremes"))
    assert f"{TABLE}" in page
    assert "Colis alimentaires v" in page

    original = (WORKFLOWS_DIR / TABLE).read_text(encoding="utf-8")
    status, preview = _send(
        client, original.replace("&lt; 500", "&lt; 600").replace("500 &lt;= ?", "600 &lt;= ?")
    )
    assert status == 200, preview
    # Side by side, the changed rules marked; nothing deployed before the administrator confirms.
    assert "Vérifier avant de déployer : eligibilite_colis.dmn" in preview
    assert "En vigueur" in preview
    assert "Proposé" in preview
    assert "< 500" in preview
    assert "< 600" in preview
    assert preview.count(">modifiée<") == 4  # rules 1 and 2, in both columns
    assert instance_of(open_aid(agent, person_with_budget(agent, "Pendant"), AidType.COLIS_ALIMENTAIRE)) \
        .definition.version == old_version  # fmt: skip
    status, page = _confirm(client, preview)
    assert status == 200, page
    assert "Barème « eligibilite_colis.dmn » déployé : nouvelles versions colis_alimentaire v" in page
    after = open_aid(agent, person_with_budget(agent, "Après"), AidType.COLIS_ALIMENTAIRE)
    assert instance_of(after).definition.version == old_version + 1
    assert instance_of(before).definition.version == old_version  # the rules in force at filing
    assert "&lt; 600" in instance_of(after).definition.sources[TABLE]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "barème.déploiement")).one()
    assert event.subject_id == TABLE


def test_overlapping_rules_are_refused_by_name_and_nothing_is_deployed(
    client: FlaskClient, admin: User
) -> None:
    as_user(client, "root")
    original = (WORKFLOWS_DIR / TABLE).read_text(encoding="utf-8")
    status, page = _send(client, original.replace("500 &lt;= ? &lt; 800", "400 &lt;= ? &lt; 800"))
    assert status == 422
    assert "Barème refusé : rien n'a été déployé." in page
    assert "se recouvrent" in page
    assert "Rule_colis_tres_faible" in page
    assert "Rule_colis_faible" in page
    gap_status, gap_page = _send(client, original.replace("500 &lt;= ? &lt; 800", "500 &lt;= ? &lt; 700"))
    assert gap_status == 422
    assert "aucune règle ne couvre" in gap_page
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "barème.déploiement")).all() == []


def test_only_administrators_deploy_barèmes(client: FlaskClient, admin: User) -> None:
    as_user(client, "nadia")
    assert client.get("/administration/baremes").status_code == 403
