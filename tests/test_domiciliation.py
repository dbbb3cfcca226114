"""Domiciliation: requested with its acknowledgement, decided within two months (warned before), the
attestation printed with its dates, renewed or ended, ended after three months without contact."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from service.aids import domiciliation as aid
from service.app import service_settings
from service.clock import TravellingClock
from service.documents.procedure import ACKNOWLEDGEMENT_KIND
from service.dossiers.tasks import FormInvalidError
from service.errors import ConfigError, InvalidInputError
from service.extensions import db
from service.models import (
    AidType,
    Document,
    Domiciliation,
    Dossier,
    DossierStatus,
    InstanceStatus,
    Role,
    User,
)
from service.scheduling.wake import wake_due_instances
from tests.aid_steps import do, instance_of, open_aid, open_tasks, person_with_budget, task_of
from tests.pdf import text_of_pdf

REQUEST = {
    "lien_commune": "sejour",
    "precision_lien": "Hébergé au foyer Saint-Jean depuis mars",
    "situation": "Sans domicile stable depuis la fin de son bail, ne reçoit plus son courrier.",
}
GRANT = {"decision": "accord"}
REFUSAL = {
    "decision": "refus",
    "motif_refus": "sans_lien",
    "motifs": "Ni séjour, ni activité, ni famille, ni suivi sur la commune.",
    "organisme_orientation": "CCAS de Beaugency, 1 rue du Change",
}
ALERT = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)  # filed 23/11/2026 09:00 Paris + 6 weeks
DEADLINE = datetime(2027, 1, 23, 8, 0, tzinfo=UTC)  # + 2 months


@pytest.fixture
def agents(make_user: Callable[..., User]) -> dict[str, User]:
    return {
        "accueil": make_user("nadia", Role.ACCUEIL),
        "delegataire": make_user(
            "michel", Role.DELEGATAIRE, full_name="Michel Garnier", title="Vice-président du CCAS"
        ),
        "responsable": make_user("claire", Role.RESPONSABLE, email="claire@ccas.invalid"),
    }


def requested(agents: dict[str, User], name: str = "Lefèvre", request: dict[str, str] = REQUEST) -> Dossier:
    person_id = person_with_budget(agents["accueil"], name)
    dossier = open_aid(agents["accueil"], person_id, AidType.DOMICILIATION, "Domiciliation")
    do(agents["accueil"], dossier, "enregistrer_demande", request)
    return dossier


def granted(agents: dict[str, User], name: str = "Lefèvre", request: dict[str, str] = REQUEST) -> Dossier:
    dossier = requested(agents, name, request)
    do(agents["delegataire"], dossier, "decider", GRANT)
    return dossier


def election_of(dossier: Dossier) -> Domiciliation:
    db.session.expire_all()
    return db.session.scalars(select(Domiciliation).where(Domiciliation.dossier_id == dossier.id)).one()


def paper(dossier: Dossier, kind: str) -> str:
    documents = db.session.scalars(
        select(Document).where(Document.subject_id == dossier.id, Document.kind == kind).order_by(Document.id)
    ).all()
    return text_of_pdf(documents[-1].content)


def test_the_request_is_acknowledged_and_an_answer_after_two_months_is_warned_before(
    agents: dict[str, User], travel: TravellingClock
) -> None:
    dossier = requested(agents)
    election = election_of(dossier)
    assert (election.link, election.requested_on) == ("sejour", date(2026, 11, 23))
    acknowledgements = db.session.scalars(
        select(Document.kind).where(Document.subject_id == dossier.id, Document.kind.startswith("accuse"))
    ).all()
    assert acknowledgements == [ACKNOWLEDGEMENT_KIND]  # one receipt for one request, issued at filing
    acknowledgement = paper(dossier, ACKNOWLEDGEMENT_KIND)
    for mention in ("accusé de réception de votre demande de domiciliation", "reçue le 23 novembre 2026",
                    "au 23 janvier 2027", "réputée rejetée", "Télérecours"):  # fmt: skip
        assert mention in acknowledgement
    deciding = task_of(dossier, "decider")
    assert (deciding.role, deciding.due_at) == ("delegataire", DEADLINE)
    assert instance_of(dossier).next_due_at == ALERT

    travel.set(ALERT - timedelta(minutes=1))
    assert wake_due_instances() == 0
    travel.set(ALERT + timedelta(minutes=1))
    assert wake_due_instances() == 1
    alert = task_of(dossier, "alerter_silence")
    assert (alert.role, alert.mail_role) == ("responsable", True)
    assert open_tasks(dossier) == ["alerter_silence", "decider"]

    travel.set(DEADLINE + timedelta(days=3))  # answered after the two months
    do(agents["delegataire"], dossier, "decider", GRANT)
    db.session.expire_all()
    assert alert.cancelled  # the signal of the decision closes the alert
    assert open_tasks(dossier) == []
    assert dossier.status is DossierStatus.ACCORDE


def test_the_attestation_prints_with_its_dates_valid_one_year(agents: dict[str, User]) -> None:
    dossier = granted(agents)
    election = election_of(dossier)
    assert (election.valid_from, election.valid_until) == (date(2026, 11, 23), date(2027, 11, 22))
    attestation = paper(dossier, "attestation_domiciliation")
    for mention in ("Attestation d'élection de domicile", "Cerfa n° 15548", "LEFÈVRE Camille",
                    "du 23 novembre 2026 au 22 novembre 2027", "chez CCAS de Test-sur-Mer",
                    "Séjour sur la commune", "Michel Garnier", "Vice-président du CCAS",
                    "DEC2026_"):  # fmt: skip
        assert mention in attestation
    # The renewal task waits for a month before the end; the contact check, the morning after three months
    # without contact have run (more than three months, L264-5 CASF).
    assert instance_of(dossier).next_due_at == datetime(2027, 2, 24, 8, 0, tzinfo=UTC)


def test_a_refusal_is_reasoned_and_orients_or_is_refused(agents: dict[str, User]) -> None:
    centre = agents["delegataire"].centre
    centre.tribunal_name = "Tribunal administratif d'Orléans"
    centre.tribunal_address = "28 rue de la Bretonnerie, 45057 Orléans"
    db.session.commit()
    dossier = requested(agents)
    with pytest.raises(FormInvalidError) as refused:
        do(agents["delegataire"], dossier, "decider", {**REFUSAL, "organisme_orientation": ""})
    assert set(refused.value.errors) == {
        "organisme_orientation"
    }  # the form refuses a refusal that does not orient
    election = election_of(dossier)
    with pytest.raises(InvalidInputError, match="orienter la personne"):  # and so does the hook
        aid.decide(dossier, {**REFUSAL, "organisme_orientation": "  "}, agents["delegataire"], {})
    db.session.rollback()
    assert election_of(dossier).decision == ""
    assert open_tasks(dossier) == ["decider"]
    do(agents["delegataire"], dossier, "decider", REFUSAL)
    election = election_of(dossier)
    assert (election.decision, election.refusal_reason) == ("refus", "sans_lien")
    assert dossier.status is DossierStatus.REFUSE
    assert instance_of(dossier).status is InstanceStatus.COMPLETED
    letter = paper(dossier, "refus_domiciliation")
    for mention in ("refusée", "absence de lien avec la commune", "Ni séjour, ni activité",
                    "CCAS de Beaugency, 1 rue du Change", "Voies et délais de recours",
                    "tribunal administratif"):  # fmt: skip
        assert mention in letter
    for mention in ("Tribunal administratif d'Orléans", "28 rue de la Bretonnerie", "R421-1 et R421-5"):
        assert mention in letter  # the tribunal the centre named, as every other act says it


def test_without_contact_for_three_months_the_election_ends_with_the_notice(
    agents: dict[str, User], travel: TravellingClock
) -> None:
    dossier = granted(agents)
    lapse = datetime(2027, 2, 24, 8, 0, tzinfo=UTC)
    travel.set(lapse - timedelta(minutes=1))
    assert wake_due_instances() == 0
    assert election_of(dossier).ended_on is None
    travel.set(lapse + timedelta(minutes=1))
    assert wake_due_instances() == 1
    election = election_of(dossier)
    assert (election.ended_on, election.end_reason) == (date(2027, 2, 24), "sans_contact")
    assert dossier.status is DossierStatus.CLOS
    assert instance_of(dossier).status is InstanceStatus.COMPLETED
    notice = paper(dossier, "fin_domiciliation")
    for mention in ("fin de votre élection de domicile", "depuis le 23 novembre 2026", "plus de trois mois",
                    "24 février 2027", "Voies et délais de recours"):  # fmt: skip
        assert mention in notice


def test_the_renewal_task_opens_a_month_before_the_end_and_renews_with_a_new_attestation(
    agents: dict[str, User], travel: TravellingClock
) -> None:
    from service.domiciliation import counter

    dossier = granted(agents)
    election = election_of(dossier)
    for month in range(1, 11):  # the person comes every month: the checks re-arm
        travel.set(datetime(2026, 12, 1, 9, 0, tzinfo=UTC) + timedelta(days=30 * (month - 1)))
        counter.record_visit(actor=agents["accueil"], election_id=election.id)
        wake_due_instances()
    assert election_of(dossier).ended_on is None
    travel.set(datetime(2027, 10, 23, 7, 1, tzinfo=UTC))  # a month before 23 November, 09:00 in Paris
    wake_due_instances()
    assert open_tasks(dossier) == ["renouveler"]
    renewal = task_of(dossier, "renouveler")
    assert (renewal.role, renewal.due_at) == ("delegataire", datetime(2027, 11, 22, 8, 0, tzinfo=UTC))
    do(agents["delegataire"], dossier, "renouveler", {"suite": "renouveler"})
    election = election_of(dossier)
    assert (election.valid_from, election.valid_until, election.renewals) == (
        date(2027, 11, 23), date(2028, 11, 22), 1
    )  # fmt: skip
    assert "du 23 novembre 2027 au 22 novembre 2028" in paper(dossier, "attestation_domiciliation")
    assert open_tasks(dossier) == []
    assert instance_of(dossier).status is InstanceStatus.RUNNING


def test_a_renewal_left_undone_past_the_last_valid_day_ends_the_election(
    agents: dict[str, User], travel: TravellingClock
) -> None:
    from service.domiciliation import counter

    person_id = person_with_budget(agents["accueil"], "Reprise")
    election = counter.take_over(
        actor=agents["accueil"], person_id=person_id, link="suivi_social", valid_from=date(2025, 12, 10),
        last_contact_at=datetime(2026, 11, 20, 10, 0, tzinfo=UTC),
    )  # fmt: skip
    dossier = db.session.get(Dossier, election.dossier_id)
    assert dossier is not None
    assert election.valid_until == date(2026, 12, 9)
    assert open_tasks(dossier) == ["renouveler"]  # a month before the end had passed when it was taken over
    expiry = datetime(2026, 12, 10, 8, 0, tzinfo=UTC)  # the day after the last valid one, 09:00 in Paris
    assert instance_of(dossier).next_due_at == expiry
    travel.set(expiry + timedelta(minutes=1))
    assert wake_due_instances() == 1
    election = election_of(dossier)
    assert (election.ended_on, election.end_reason) == (date(2026, 12, 10), "non_renouvelee")
    assert open_tasks(dossier) == []
    assert instance_of(dossier).status is InstanceStatus.COMPLETED
    assert "sans que son renouvellement ait été demandé" in paper(dossier, "fin_domiciliation")


def test_the_warning_must_come_before_the_answers_deadline(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="DOMICILIATION_SILENCE_ALERT_DELAY doit être plus court"):
        service_settings(tmp_path, overrides={"DOMICILIATION_SILENCE_ALERT_DELAY": "P3M"})
    with pytest.raises(ConfigError, match="DOMICILIATION_RENEWAL_NOTICE_DELAY doit être plus court"):
        service_settings(tmp_path, overrides={"DOMICILIATION_RENEWAL_NOTICE_DELAY": "P1Y"})
