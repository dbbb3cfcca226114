"""Orientation: the partners' directory, a person oriented with or without consent, the liaison form read
back, mailed only with consent, the follow-up task after the delay and its answers, the timeline."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from scenarios.factories import person_with_budget
from service import clock
from service.errors import InvalidInputError, PermissionDeniedError
from service.extensions import db
from service.models import (
    AuditEvent,
    Document,
    HumanTask,
    InstanceStatus,
    Orientation,
    OrientationOutcome,
    OutboxMessage,
    Partner,
    ProcessInstance,
    Role,
    User,
)
from service.orientation import directory, orienting
from service.orientation.directory import PartnerInput
from service.scheduling.wake import wake_due_instances
from service.stats import service as stats
from service.stats.figures import Split
from service.stats.period import Period
from tests.conftest import csrf_token, text_of
from tests.pdf import pages_of_pdf, text_of_pdf
from tests.workflow_helpers import as_user

DAYS = 15


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"ORIENTATION_FOLLOW_UP_DAYS": DAYS}


@pytest.fixture
def head(make_user: Callable[..., User]) -> User:
    return make_user("direction", Role.RESPONSABLE, full_name="Hélène Direction")


@pytest.fixture
def agent(make_user: Callable[..., User]) -> User:
    return make_user("ines", Role.INSTRUCTEUR, Role.ACCUEIL, full_name="Inès Agent")


def _caf(head: User, **changes: Any) -> Partner:
    entry = {
        "name": "CAF du Val d'Aubin — accueil de Saint-Aubin",
        "kind": "caf",
        "domains": ["acces_droits", "logement", "famille"],
        "address": "4 rue des Tanneurs\n45100 Saint-Aubin",
        "phone": "09 69 32 52 52",
        "email": "accueil.partenaires@caf-valdaubin.exemple.fr",
        "hours": "Lundi au vendredi, 8 h 30 – 12 h",
    } | changes
    return directory.add_partner(actor=head, entry=PartnerInput(**entry))


def _wake() -> int:
    fired = wake_due_instances()
    db.session.expire_all()
    return fired


def _follow_up(orientation: Orientation) -> HumanTask | None:
    return db.session.scalars(
        select(HumanTask).where(
            HumanTask.instance_id == orientation.instance_id, HumanTask.completed_at.is_(None)
        )
    ).first()


def test_the_head_of_service_keeps_the_directory_and_the_front_desk_only_reads_it(
    head: User, agent: User
) -> None:
    partner = _caf(head)
    assert partner.domains == ["logement", "famille", "acces_droits"]  # in the list's order
    with pytest.raises(PermissionDeniedError):
        _caf(agent, name="Une autre")
    with pytest.raises(InvalidInputError, match="déjà dans l'annuaire"):
        _caf(head)
    directory.update_partner(
        actor=head,
        partner_id=partner.id,
        entry=PartnerInput(
            name="CAF — Saint-Aubin", kind="caf", domains=["acces_droits"], phone="0969325252"
        ),
    )
    assert [p.name for p in directory.list_partners(actor=agent, domain="acces_droits")] == [
        "CAF — Saint-Aubin"
    ]
    assert directory.list_partners(actor=agent, domain="logement") == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "   "}, "nom du partenaire"),
        ({"name": "x" * 201}, "200 caractères"),
        ({"kind": "'; DROP TABLE partner; --"}, "type de partenaire"),
        ({"domains": []}, "au moins un domaine"),
        ({"domains": ["logement", "<script>"]}, "domaines dans la liste"),
        ({"email": "pas une adresse"}, "courriel du partenaire est invalide"),
        ({"phone": "appelez-moi"}, "téléphone est invalide"),
        ({"address": "", "phone": "", "email": ""}, "au moins un moyen de joindre"),
    ],
)
def test_a_hostile_partner_is_refused_in_french_and_nothing_is_kept(
    head: User, changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidInputError, match=message):
        _caf(head, **changes)
    assert db.session.scalar(select(func.count()).select_from(Partner)) == 0


def test_the_directory_pages_refuse_hostile_input_on_the_field(client: FlaskClient, head: User) -> None:
    as_user(client, "direction")
    token = csrf_token(client, "/partenaires/")
    form = {"csrf_token": token, "name": "Épicerie solidaire", "kind": "aide_alimentaire", "domains": ["<b>"],
            "address": "", "phone": "", "email": "", "hours": ""}  # fmt: skip
    refused = client.post("/partenaires/", data=form)
    assert refused.status_code == 422
    assert "Épicerie solidaire" in refused.get_data(as_text=True)  # nothing lost
    form["domains"] = ["alimentation"]
    form["phone"] = "02 38 00 00 00"
    assert client.post("/partenaires/", data=form).status_code == 302
    partner = db.session.scalars(select(Partner)).one()
    assert "Épicerie solidaire" in text_of(client.get("/partenaires/?domaine=alimentation"))
    assert "Épicerie solidaire" not in text_of(client.get("/partenaires/?domaine=juridique"))
    edit = client.get(f"/partenaires/{partner.id}")
    assert edit.status_code == 200
    form["active"] = ""
    del form["active"]
    assert client.post(f"/partenaires/{partner.id}", data=form).status_code == 302
    db.session.expire_all()
    assert db.session.get(Partner, partner.id).active is False  # type: ignore[union-attr]


def test_with_consent_the_liaison_form_names_partner_and_person_and_is_mailed_with_the_pdf(
    head: User, agent: User
) -> None:
    partner = _caf(head)
    person_id = person_with_budget(agent, "Orientée")
    orientation = orienting.orient(
        actor=agent, person_id=person_id, partner_id=partner.id, domain="logement",
        reason="Ouverture des droits à l'aide au logement", consent=True, send=True,
    )  # fmt: skip
    document = db.session.get(Document, orientation.document_id)
    assert document is not None
    assert document.subject_type == "orientation"
    text = text_of_pdf(document.content)
    assert "CAF du Val d'Aubin" in text
    assert "ORIENTÉE" in text.upper()
    assert "Ouverture des droits à l'aide au logement" in text
    flat = " ".join(text.split())
    # What the partner may do with it, and the person's rights over it, are said on the sheet itself.
    assert "couvertes par le secret professionnel (article L133-5" in flat
    assert "ne peuvent être communiquées à personne d'autre" in flat
    assert "les faire rectifier ou s'opposer à leur transmission" in flat
    assert "(CNIL)" in flat
    (sheet,) = pages_of_pdf(document.content)  # one page, under the centre's letterhead
    assert sheet.startswith(agent.centre.name), sheet
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "fiche_liaison")).one()
    assert message.recipients == [partner.email]
    assert message.attachment_document_ids == [document.id]
    assert orientation.mailed_at is not None


def test_without_consent_nothing_is_mailed_and_the_form_carries_no_situation(head: User, agent: User) -> None:
    partner = _caf(head)
    person_id = person_with_budget(agent, "Discrète")
    with pytest.raises(InvalidInputError, match="Sans l'accord"):
        orienting.orient(
            actor=agent, person_id=person_id, partner_id=partner.id, domain="logement",
            reason="Dettes de loyer", consent=False, send=True,
        )  # fmt: skip
    assert db.session.scalar(select(func.count()).select_from(Orientation)) == 0
    orientation = orienting.orient(
        actor=agent, person_id=person_id, partner_id=partner.id, domain="logement",
        reason="Dettes de loyer", consent=False,
    )  # fmt: skip
    with pytest.raises(InvalidInputError, match="pas donné son accord"):
        orienting.send(actor=agent, person_id=person_id, orientation_id=orientation.id)
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    document = db.session.get(Document, orientation.document_id)
    assert document is not None
    text = text_of_pdf(document.content)
    assert "DISCRÈTE" in text.upper()
    assert "Dettes de loyer" not in text  # the reason stays at the centre
    flat = " ".join(text.split())
    assert "secret professionnel" not in flat  # nothing of the person's is handed to the partner
    assert "les faire rectifier ou s'opposer à leur transmission" in flat


def test_a_partner_must_handle_the_domain(head: User, agent: User) -> None:
    partner = _caf(head)
    person_id = person_with_budget(agent, "Mauvaisdomaine")
    with pytest.raises(InvalidInputError, match="ne traite pas"):
        orienting.orient(
            actor=agent,
            person_id=person_id,
            partner_id=partner.id,
            domain="juridique",
            reason="x",
            consent=True,
        )


def test_the_follow_up_task_appears_after_the_delay_and_records_each_outcome(
    head: User, agent: User, travel: clock.TravellingClock
) -> None:
    partner = _caf(head)
    person_id = person_with_budget(agent, "Suivie")
    oriented = [
        orienting.orient(
            actor=agent,
            person_id=person_id,
            partner_id=partner.id,
            domain="famille",
            reason=f"Motif {n}",
            consent=True,
        )
        for n in range(3)
    ]
    with pytest.raises(InvalidInputError, match="quand le suivi est échu"):
        orienting.record_outcome(
            actor=agent, person_id=person_id, orientation_id=oriented[0].id, outcome="contacte"
        )
    travel.advance(timedelta(days=DAYS) - timedelta(minutes=1))
    _wake()
    assert all(_follow_up(o) is None for o in oriented)
    travel.advance(timedelta(minutes=2))
    _wake()
    tasks = [_follow_up(o) for o in oriented]
    assert all(
        t is not None and t.task_name == "verifier_orientation" and t.role == "instructeur" for t in tasks
    )
    for orientation, outcome in zip(oriented, OrientationOutcome, strict=True):
        orienting.record_outcome(
            actor=agent, person_id=person_id, orientation_id=orientation.id, outcome=outcome.value
        )
    db.session.expire_all()
    assert [db.session.get(Orientation, o.id).outcome for o in oriented] == list(OrientationOutcome)  # type: ignore[union-attr]
    instances = db.session.scalars(
        select(ProcessInstance).where(ProcessInstance.id.in_([o.instance_id for o in oriented]))
    ).all()
    assert {i.status for i in instances} == {InstanceStatus.COMPLETED}
    with pytest.raises(InvalidInputError):
        orienting.record_outcome(
            actor=agent, person_id=person_id, orientation_id=oriented[0].id, outcome="contacte"
        )


def test_the_pages_orient_a_person_and_the_timeline_and_worklist_lead_there(
    client: FlaskClient, head: User, agent: User, travel: clock.TravellingClock
) -> None:
    partner = _caf(head)
    person_id = person_with_budget(agent, "Pagée")
    as_user(client, "ines")
    page = text_of(client.get(f"/personnes/{person_id}/orientations?domaine=logement"))
    assert partner.name in page
    path = f"/personnes/{person_id}/orientations"
    form = {"csrf_token": csrf_token(client, path), "domain": "logement", "partner": "999999999",
            "reason": "Recherche de logement", "consent": "y"}  # fmt: skip
    refused = client.post(path, data=form)
    assert refused.status_code == 422
    assert "Recherche de logement" in refused.get_data(as_text=True)
    form["partner"] = "<script>"
    assert client.post(path, data=form).status_code == 422
    form["partner"] = str(partner.id)
    assert client.post(path, data=form).status_code == 302
    orientation = db.session.scalars(select(Orientation)).one()
    assert client.get(f"/documents/{orientation.document_id}").status_code == 200
    asked = client.post(f"{path}/{orientation.id}/envoyer", data={"csrf_token": csrf_token(client, path)})
    assert asked.status_code == 200
    assert "Un courriel envoyé ne se reprend pas" in text_of(asked)
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    sent = client.post(
        f"{path}/{orientation.id}/envoyer", data={"csrf_token": csrf_token(client, path), "confirme": "oui"}
    )
    assert sent.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
    again = client.post(
        f"{path}/{orientation.id}/envoyer", data={"csrf_token": csrf_token(client, path), "confirme": "oui"}
    )
    assert again.status_code in (302, 422)
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1  # never mailed twice
    timeline = text_of(client.get(f"/personnes/{person_id}/suivi"))
    assert f"Orientée vers {partner.name}" in timeline
    travel.advance(timedelta(days=DAYS, minutes=1))
    _wake()
    task = _follow_up(orientation)
    assert task is not None
    as_user(client, "ines")  # a fortnight later: signed in again
    moved = client.get(f"/taches/{task.id}")
    assert moved.status_code == 302
    assert moved.location.endswith(f"{path}#suivi")
    answered = client.post(
        f"{path}/{orientation.id}/suite",
        data={"csrf_token": csrf_token(client, path), "outcome": "non_joint"},
    )
    assert answered.status_code == 302
    assert "n'a pas joint le partenaire" in text_of(client.get(f"/personnes/{person_id}/suivi"))
    reads = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.subject_type == "personne", AuditEvent.subject_id == str(person_id)
        )
    ).all()
    assert any((event.details or {}).get("page") == "orientations" for event in reads)


def test_orienting_and_mailing_at_once_asks_first_and_mails_once_confirmed(
    client: FlaskClient, head: User, agent: User
) -> None:
    partner = _caf(head)
    silent = _caf(head, name="Permanence juridique", domains=["logement"], email="")
    person_id = person_with_budget(agent, "Pressée")
    as_user(client, "ines")
    path = f"/personnes/{person_id}/orientations"
    form = {"csrf_token": csrf_token(client, path), "domain": "logement", "partner": str(silent.id),
            "reason": "Dettes de loyer & <b>expulsion</b>", "consent": "y", "send": "y"}  # fmt: skip
    refused = client.post(path, data=form)  # nowhere to mail it: said on the form, before anything
    assert refused.status_code == 422
    assert "Permanence juridique n'a pas d'adresse de courriel dans l'annuaire" in text_of(refused)
    form["partner"] = str(partner.id)
    asked = client.post(path, data=form)
    assert asked.status_code == 200
    page = text_of(asked)
    assert f"La fiche de liaison part par courriel à {partner.email}" in page
    assert "Un courriel envoyé ne se reprend pas" in page
    assert db.session.scalar(select(func.count()).select_from(Orientation)) == 0  # nothing done yet
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    fields = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', asked.get_data(as_text=True))
    hidden = {name: html.unescape(value) for name, value in fields}  # as the browser reads them
    assert hidden["confirme"] == "oui"
    done = client.post(path, data={**hidden, "csrf_token": csrf_token(client, path)})
    assert done.status_code == 302
    orientation = db.session.scalars(select(Orientation)).one()
    assert orientation.reason == "Dettes de loyer & <b>expulsion</b>"  # carried through the page as typed
    assert orientation.mailed_at is not None
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.recipients == [partner.email]


def test_orientations_count_in_the_statistics_by_partner_kind_and_domain(
    client: FlaskClient, head: User, agent: User
) -> None:
    caf = _caf(head)
    food = _caf(
        head,
        name="Épicerie solidaire La Passerelle",
        kind="aide_alimentaire",
        domains=["alimentation"],
        email="",
    )
    first, second = person_with_budget(agent, "Premier"), person_with_budget(agent, "Second")
    for person_id, partner, domain in (
        (first, caf, "logement"),
        (first, caf, "acces_droits"),
        (second, caf, "logement"),
        (second, food, "alimentation"),
    ):
        orienting.orient(
            actor=agent,
            person_id=person_id,
            partner_id=partner.id,
            domain=domain,
            reason="Motif",
            consent=True,
        )
    year = Period.year(clock.now().year)
    figures = {f.key: f for f in stats.page(actor=head, period=year, split=Split.CENTRE).figures}
    by_kind = {row.label: row.cells[-1].value for row in figures["orientations_partenaires"].rows}
    assert by_kind["Caisse d'allocations familiales"] == 3
    assert by_kind["Association d'aide alimentaire"] == 1
    assert by_kind["Total"] == 4
    by_domain = {row.label: row.cells[-1].value for row in figures["orientations_domaines"].rows}
    assert by_domain["Logement"] == 2
    assert by_domain["Alimentation"] == 1
    assert by_domain["Juridique"] == 0
    as_user(client, "direction")
    page = text_of(client.get(f"/statistiques/?debut={year.start}&fin={year.end}"))
    assert "Orientations vers les partenaires, par domaine" in page
