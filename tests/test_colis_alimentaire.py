"""Colis alimentaires: barème, decision under delegation (only its holder, or an agent signing for him),
pick-ups, the second miss, the yearly ceiling."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from scenarios.factories import delegate_signature
from service.aids.colis_alimentaire import pick_up_dates
from service.clock import TravellingClock
from service.dossiers import tasks
from service.errors import InvalidInputError, PermissionDeniedError
from service.extensions import db
from service.models import (
    AidType,
    Document,
    DossierStatus,
    InstanceStatus,
    OutboxMessage,
    Parcel,
    ParcelStatus,
    Role,
    User,
)
from tests.aid_steps import NOTIFIED, do, instance_of, open_aid, open_tasks, person_with_budget, task_of
from tests.conftest import text_of
from tests.pdf import text_of_pdf
from tests.workflow_helpers import as_user

POINT = "Épicerie solidaire, 4 rue des Tilleuls"
EVALUATION = {"situation": "Plus rien dans le réfrigérateur depuis lundi."}


@pytest.fixture
def agents(make_user: Callable[..., User]) -> dict[str, User]:
    return {
        "accueil": make_user("nadia", Role.ACCUEIL, full_name="Nadia Benali", email="nadia@ccas.invalid"),
        "instructeur": make_user(
            "julien", Role.INSTRUCTEUR, full_name="Julien Marchand", email="julien@ccas.invalid"
        ),
        # The president, holding the board's deliberation DEL2026_001 of 15 January (scenarios/factories.py).
        "president": make_user(
            "garnier", Role.DELEGATAIRE, full_name="Michel Garnier", title="Président du CCAS"
        ),
    }


def _granted(agents: dict[str, User], count: str = "4", weeks: str = "4", name: str = "Martin"):
    person_id = person_with_budget(agents["instructeur"], name, resources=55000)  # 3,33 € a day: 8 parcels
    dossier = open_aid(agents["accueil"], person_id, AidType.COLIS_ALIMENTAIRE)
    do(agents["instructeur"], dossier, "evaluer", EVALUATION)
    decision = {
        "decision": "accord", "nombre_colis": count, "semaines": weeks, "point_distribution": POINT,
        "premier_retrait": "2026-11-25",
    }  # fmt: skip
    do(agents["president"], dossier, "decider", decision)
    do(agents["instructeur"], dossier, "notifier", NOTIFIED)
    return dossier


def test_parcels_granted_then_all_picked_up(
    client: FlaskClient, agents: dict[str, User], travel: TravellingClock
) -> None:
    person_id = person_with_budget(agents["instructeur"], "Martin")
    dossier = open_aid(agents["accueil"], person_id, AidType.COLIS_ALIMENTAIRE)
    do(agents["instructeur"], dossier, "evaluer", EVALUATION)

    assert task_of(dossier, "decider").role == "delegataire"  # the agent proposes, the delegatee decides
    as_user(client, "garnier")
    page = text_of(client.get(f"/taches/{task_of(dossier, 'decider').id}"))
    assert "Reste à vivre de 5 € à 8 € par jour et par part : 4 colis sur 4 semaines" in page
    html = client.get(f"/taches/{task_of(dossier, 'decider').id}").get_data(as_text=True)
    assert f'<option value="{POINT}"' in html  # the distribution points of the settings, as a list
    assert 'name="nombre_colis" value="4"' in html  # what the barème proposes

    do(agents["president"], dossier, "decider", {
        "decision": "accord", "nombre_colis": "4", "semaines": "4", "point_distribution": POINT,
        "premier_retrait": "2026-11-25",
    })  # fmt: skip
    assert dossier.amount_granted_cents == 4 * 2000
    letter = db.session.scalars(
        select(Document).where(
            Document.kind == "decision", Document.subject_type == "dossier", Document.subject_id == dossier.id
        )
    ).one()
    assert letter.number == "DEC2026_001"
    printed = " ".join(text_of_pdf(letter.content).split())
    assert "4 colis alimentaires, à retirer à : Épicerie solidaire, 4 rue des Tilleuls" in printed
    assert "du 25 novembre 2026 au 16 décembre 2026" in printed
    assert "Voies et délais de recours" in printed
    assert (
        "en vertu de la délégation consentie par délibération n° DEL2026_001 du 15 janvier 2026" in printed
    )  # the act the decision is taken under
    assert "Le président, par délégation du conseil d'administration, Michel Garnier" in printed

    do(agents["instructeur"], dossier, "notifier", NOTIFIED)
    assert dossier.status is DossierStatus.EN_COURS
    pick_up = task_of(dossier, "retirer_colis")
    assert pick_up.role == "accueil"
    assert pick_up.due_at == datetime(2026, 11, 25, 17, 0, tzinfo=UTC)  # 18:00 in Paris
    with pytest.raises(InvalidInputError, match="indiquez le motif d'un retrait avant la date prévue"):
        do(agents["accueil"], dossier, "retirer_colis", {"retrait": "retire"})  # before 25 November
    early = {"retrait": "retire", "motif_avance": "Hospitalisée le 25, sa sœur vient la veille."}
    do(agents["accueil"], dossier, "retirer_colis", early)
    history = text_of(client.get(f"/dossiers/{dossier.id}"))
    assert (
        "Colis remis avant sa date prévue — motif : Hospitalisée le 25, sa sœur vient la veille." in history
    )
    for day in (2, 9, 16):  # each of the others on its day
        travel.set(datetime(2026, 12, day, 10, 0, tzinfo=UTC))
        do(agents["accueil"], dossier, "retirer_colis", {"retrait": "retire"})
    assert [p.status for p in db.session.scalars(select(Parcel).where(Parcel.dossier_id == dossier.id))] == [
        ParcelStatus.RETIRE
    ] * 4
    assert instance_of(dossier).status is InstanceStatus.COMPLETED
    assert dossier.status is DossierStatus.CLOS
    assert open_tasks(dossier) == []


def test_a_second_missed_pick_up_cancels_the_parcels_left(
    agents: dict[str, User], travel: TravellingClock
) -> None:
    dossier = _granted(agents, count="6", weeks="6")
    travel.set(datetime(2026, 12, 10, 10, 0, tzinfo=UTC))  # the third parcel's day: none is early
    for outcome in ("absent", "retire", "absent"):
        do(agents["accueil"], dossier, "retirer_colis", {"retrait": outcome})
    statuses = [p.status for p in db.session.scalars(
        select(Parcel).where(Parcel.dossier_id == dossier.id).order_by(Parcel.sequence)
    )]  # fmt: skip
    assert (
        statuses
        == [ParcelStatus.NON_RETIRE, ParcelStatus.RETIRE, ParcelStatus.NON_RETIRE] + [ParcelStatus.ANNULE] * 3
    )
    assert open_tasks(dossier) == ["informer_annulation"]
    notice = task_of(dossier, "informer_annulation")
    assert (notice.role, notice.mail_role) == ("instructeur", True)
    mail = db.session.scalars(select(OutboxMessage)).all()
    assert any(
        "julien@ccas.invalid" in m.recipients
        and "Informer la personne de l'annulation des colis" in m.subject
        for m in mail
    )
    do(agents["instructeur"], dossier, "informer_annulation", NOTIFIED)
    assert instance_of(dossier).status is InstanceStatus.COMPLETED


def test_a_late_pick_up_shows_as_overdue_when_the_day_has_passed(
    client: FlaskClient, agents: dict[str, User], travel: TravellingClock
) -> None:
    _granted(agents)
    as_user(client, "nadia")
    row = "<td>Enregistrer le retrait du colis <span"  # a row of the list (the step filter names it too)
    assert row not in text_of(client.get("/taches/?vue=en-retard"))
    travel.set(datetime(2026, 11, 25, 17, 1, tzinfo=UTC))
    as_user(client, "nadia")  # two days later: her idle session has ended
    assert row in text_of(client.get("/taches/?vue=en-retard"))


def test_the_barème_binds_the_delegated_agent(agents: dict[str, User]) -> None:
    person_id = person_with_budget(agents["instructeur"], "Aisé", resources=150000)  # 35 € a day
    dossier = open_aid(agents["accueil"], person_id, AidType.COLIS_ALIMENTAIRE)
    do(agents["instructeur"], dossier, "evaluer", EVALUATION)
    grant = {"decision": "accord", "nombre_colis": "2", "semaines": "2", "point_distribution": POINT,
             "premier_retrait": "2026-11-25"}  # fmt: skip
    with pytest.raises(
        InvalidInputError, match="Le barème ne permet pas d'accorder des colis sous délégation"
    ):
        do(agents["president"], dossier, "decider", grant)
    with pytest.raises(tasks.FormInvalidError):
        do(agents["president"], dossier, "decider", {"decision": "refus"})  # a refusal states its reasons
    assert open_tasks(dossier) == ["decider"]
    do(agents["president"], dossier, "decider", {
        "decision": "refus", "motif": "Reste à vivre de 35 € par jour, au-dessus du barème de 8 €.",
    })  # fmt: skip
    assert dossier.status is DossierStatus.REFUSE


def test_the_yearly_ceiling_counts_what_the_household_already_received(agents: dict[str, User]) -> None:
    first = _granted(agents, count="4", weeks="4")  # 80 € of the 240 € ceiling (12 parcels of 20 €)
    dossier = open_aid(agents["accueil"], first.person_id, AidType.COLIS_ALIMENTAIRE)
    do(agents["instructeur"], dossier, "evaluer", EVALUATION)
    refused = {"decision": "accord", "nombre_colis": "4", "semaines": "4", "point_distribution": POINT,
               "premier_retrait": "2026-11-30"}  # fmt: skip
    for _ in range(2):
        second = open_aid(agents["accueil"], first.person_id, AidType.COLIS_ALIMENTAIRE)
        do(agents["instructeur"], second, "evaluer", EVALUATION)
        do(agents["president"], second, "decider", refused)
    with pytest.raises(InvalidInputError, match=r"Plafond annuel dépassé .* reste au plus 0,00"):
        do(agents["president"], dossier, "decider", refused)
    assert open_tasks(dossier) == ["decider"]


GRANT = {"decision": "accord", "nombre_colis": "4", "semaines": "4", "point_distribution": POINT,
         "premier_retrait": "2026-11-25"}  # fmt: skip


def _letters_of(dossier_id: int) -> list[Document]:
    """The dossier's decision letters (the acknowledgement of receipt left aside)."""
    return list(
        db.session.scalars(
            select(Document).where(
                Document.subject_type == "dossier",
                Document.subject_id == dossier_id,
                Document.kind != "accuse_reception",
            )
        )
    )


def test_an_agent_without_a_delegation_cannot_decide(
    agents: dict[str, User], make_user: Callable[..., User]
) -> None:
    dossier = open_aid(
        agents["accueil"], person_with_budget(agents["instructeur"], "Martin"), AidType.COLIS_ALIMENTAIRE
    )
    do(agents["instructeur"], dossier, "evaluer", EVALUATION)
    with pytest.raises(
        PermissionDeniedError, match="réservée au rôle"
    ):  # the instructing agent proposes only
        do(agents["instructeur"], dossier, "decider", GRANT)
    # Even holding the role in Entraide, an agent with neither the board's delegation nor the president's
    # delegation of signature is refused, in French, and nothing changes.
    agent = make_user("julie", Role.INSTRUCTEUR, Role.DELEGATAIRE, full_name="Julie Martin", delegation=False)
    with pytest.raises(PermissionDeniedError, match=r"seul le président ou un vice-président .* R123-21"):
        do(agent, dossier, "decider", GRANT)
    db.session.refresh(dossier)
    assert (dossier.decision, dossier.amount_granted_cents) == ("", None)
    assert open_tasks(dossier) == ["decider"]
    assert _letters_of(dossier.id) == []
    assert db.session.scalars(select(Parcel).where(Parcel.dossier_id == dossier.id)).all() == []


def test_an_agent_signs_under_the_presidents_delegation_of_signature(
    agents: dict[str, User], make_user: Callable[..., User]
) -> None:
    agent = make_user(
        "julie", Role.INSTRUCTEUR, Role.DELEGATAIRE, full_name="Julie Martin", title="Conseillère ESF",
        delegation=False,
    )  # fmt: skip
    delegate_signature(agents["president"], agent, ["colis_alimentaire"])
    dossier = open_aid(
        agents["accueil"], person_with_budget(agents["instructeur"], "Martin"), AidType.COLIS_ALIMENTAIRE
    )
    do(agents["instructeur"], dossier, "evaluer", EVALUATION)
    do(agent, dossier, "decider", GRANT)
    (letter,) = _letters_of(dossier.id)
    printed = " ".join(text_of_pdf(letter.content).split())
    assert "en vertu de la délégation consentie par délibération n° DEL2026_001 du 15 janvier 2026" in printed
    assert "par délégation de signature, arrêté n° ARR2026_007 du 1er février 2026" in printed
    assert (
        "Pour le président et par délégation de signature (arrêté n° ARR2026_007 du 1er février 2026), "
        "Julie Martin Conseillère ESF"
    ) in printed
    # A signature delegation for another aid gives no power over this one.
    other = open_aid(
        agents["accueil"], person_with_budget(agents["instructeur"], "Durand"), AidType.COLIS_ALIMENTAIRE
    )
    do(agents["instructeur"], other, "evaluer", EVALUATION)
    stranger = make_user("paul", Role.INSTRUCTEUR, Role.DELEGATAIRE, full_name="Paul Henry", delegation=False)
    delegate_signature(agents["president"], stranger, ["secours_urgence"], number="ARR2026_009")
    with pytest.raises(PermissionDeniedError):
        do(stranger, other, "decider", GRANT)


def test_pick_ups_are_spread_over_the_weeks() -> None:
    dates = pick_up_dates(datetime(2026, 11, 25).date(), count=3, weeks=6)
    assert [d.isoformat() for d in dates] == ["2026-11-25", "2026-12-09", "2026-12-23"]
