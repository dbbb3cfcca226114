"""Delegations as data: the board's deliberations (to its president or a vice-president only, versioned)
and the president's delegations of signature, entered by the secretariat; delegated decisions obey them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from scenarios.secours import awaiting_delegate_decision, open_task_of
from service.delegations import acts
from service.dossiers import tasks
from service.errors import InvalidInputError, PermissionDeniedError
from service.extensions import db
from service.models import BoardDelegation, DelegateeCapacity, Role, SignatureDelegation, User
from tests.conftest import csrf_token, text_of
from tests.workflow_helpers import as_user

AIDS = ["secours_urgence", "cheque_accompagnement", "colis_alimentaire", "pret_sans_interet"]

# Less than the 180 € asked: a partial grant states its reasons.
PARTIAL = {"decision": "accord", "motif": "Une partie de la facture est déjà réglée."}


@pytest.fixture
def people(make_user: Callable[..., User]) -> dict[str, User]:
    return {
        "secretariat": make_user("sophie", Role.SECRETARIAT, full_name="Sophie Lambert"),
        "president": make_user(
            "michel",
            Role.ACCUEIL,
            Role.INSTRUCTEUR,
            Role.DELEGATAIRE,
            full_name="Michel Garnier",
            delegation=False,
        ),
        "agent": make_user("julie", Role.INSTRUCTEUR, full_name="Julie Martin"),
    }


def _deliberation(holder: User, number: str, in_force_from: date, ceiling_cents: int) -> acts.Deliberation:
    return acts.Deliberation(
        number=number, adopted_on=in_force_from, in_force_from=in_force_from, holder_id=holder.id,
        capacity=DelegateeCapacity.PRESIDENT, ceilings_cents={"secours_urgence": ceiling_cents},
        covers_amendments=False,
    )  # fmt: skip


def test_the_board_delegates_only_to_its_president_or_a_vice_president(people: dict[str, User]) -> None:
    secretary = people["secretariat"]
    with pytest.raises(InvalidInputError, match="R123-21"):
        acts.record_deliberation(
            actor=secretary, act=_deliberation(people["agent"], "DEL2026_003", date(2026, 1, 1), 30000),
            known_aids=AIDS,
        )  # fmt: skip
    with pytest.raises(PermissionDeniedError):  # the acts are the secretariat's to enter
        acts.record_deliberation(
            actor=people["agent"], act=_deliberation(people["president"], "DEL2026_003", date(2026, 1, 1), 1),
            known_aids=AIDS,
        )  # fmt: skip
    assert db.session.scalars(select(BoardDelegation)).all() == []


def test_a_new_deliberation_supersedes_and_its_ceiling_binds_the_delegatee(people: dict[str, User]) -> None:
    secretary, president = people["secretariat"], people["president"]
    first = acts.record_deliberation(
        actor=secretary,
        act=_deliberation(president, "DEL2026_003", date(2026, 1, 15), 30000),
        known_aids=AIDS,
    )
    second = acts.record_deliberation(
        actor=secretary,
        act=_deliberation(president, "DEL2026_011", date(2026, 11, 1), 10000),
        known_aids=AIDS,
    )
    db.session.expire_all()
    assert (first.superseded_on, first.superseded_by_id, second.superseded_on) == (
        date(2026, 11, 1), second.id, None,
    )  # fmt: skip
    dossier = awaiting_delegate_decision(president)  # 180 € asked
    task = open_task_of(dossier.id, "decider_delegation")
    with pytest.raises(InvalidInputError, match=r"Au-delà de 100,00.€, plafond de la délégation"):
        tasks.complete_task(
            actor=president, task_id=task.id, form={**PARTIAL, "montant_accorde_cents": "150"}
        )
    tasks.complete_task(actor=president, task_id=task.id, form={**PARTIAL, "montant_accorde_cents": "90"})
    db.session.refresh(dossier)
    assert dossier.amount_granted_cents == 9000


def test_a_signature_is_delegated_only_by_a_holder_of_the_power(people: dict[str, User]) -> None:
    secretary, president, agent = people["secretariat"], people["president"], people["agent"]
    signature = acts.Signature(
        number="ARR2026_002", signed_on=date(2026, 2, 1), delegator_id=president.id, holder_id=agent.id,
        aids=["secours_urgence"], valid_from=date(2026, 2, 1), valid_until=None,
    )  # fmt: skip
    with pytest.raises(
        InvalidInputError, match="n'a pas reçu du conseil d'administration le pouvoir de décider"
    ):
        acts.record_signature_delegation(actor=secretary, act=signature)
    acts.record_deliberation(
        actor=secretary,
        act=_deliberation(president, "DEL2026_003", date(2026, 1, 15), 30000),
        known_aids=AIDS,
    )
    created = acts.record_signature_delegation(actor=secretary, act=signature)
    assert (created.holder_id, created.aids) == (agent.id, ["secours_urgence"])


def test_the_secretariat_enters_the_acts_from_the_committee_pages(
    client: FlaskClient, people: dict[str, User]
) -> None:
    as_user(client, "julie")
    assert client.get("/commission/delegations").status_code == 403
    as_user(client, "sophie")
    page = text_of(client.get("/commission/delegations"))
    assert "Aucune délibération enregistrée : aucune décision ne peut être prise sous délégation." in page
    token = csrf_token(client, "/commission/delegations")
    president = people["president"]
    refused = client.post(
        "/commission/delegations",
        data={
            "csrf_token": token, "number": "DEL2026_003", "adopted_on": "2026-01-15",
            "in_force_from": "2026-01-15",
            "holder": str(president.id), "capacity": "president", "aids": ["secours_urgence"],
            "plafond-secours_urgence": "trois cents",
        },
    )  # fmt: skip
    assert refused.status_code == 422
    assert db.session.scalars(select(BoardDelegation)).all() == []
    accepted = client.post(
        "/commission/delegations",
        data={
            "csrf_token": token, "number": "DEL2026_003", "adopted_on": "2026-01-15",
            "in_force_from": "2026-01-15",
            "holder": str(president.id), "capacity": "president",
            "aids": ["secours_urgence", "colis_alimentaire"], "plafond-secours_urgence": "300",
            "covers_amendments": "y",
        },
    )  # fmt: skip
    assert accepted.status_code == 302
    (act,) = db.session.scalars(select(BoardDelegation)).all()
    assert (act.holder_id, act.ceilings_cents, act.covers_amendments) == (
        president.id, {"secours_urgence": 30000, "colis_alimentaire": None}, True,
    )  # fmt: skip
    signed = client.post(
        "/commission/delegations/signature",
        data={
            "csrf_token": token, "number": "ARR2026_002", "signed_on": "2026-02-01",
            "delegator": str(president.id), "holder": str(people["agent"].id), "aids": ["colis_alimentaire"],
            "valid_from": "2026-02-01", "valid_until": "",
        },
    )  # fmt: skip
    assert signed.status_code == 302
    assert db.session.scalars(select(SignatureDelegation)).one().aids == ["colis_alimentaire"]
    page = text_of(client.get("/commission/delegations"))
    for mention in ("DEL2026_003", "jusqu'à 300,00\u00a0€", "ARR2026_002"):
        assert mention in page
