"""Prêt sans intérêt: study, committee, contract and schedule, repayments, reminder, amendment, balance."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from scenarios.committee import accord, committee_decides
from scenarios.factories import delegate_power
from service import clock
from service.aids.pret_sans_interet import ledger
from service.clock import TravellingClock
from service.dossiers import tasks
from service.errors import InvalidInputError, PermissionDeniedError
from service.extensions import db
from service.models import (
    AidType,
    Document,
    Dossier,
    DossierStatus,
    InstanceStatus,
    LoanRepayment,
    LoanSchedule,
    OutboxMessage,
    Role,
    User,
)
from service.scheduling.wake import wake_due_instances
from tests.aid_steps import NOTIFIED, do, instance_of, open_aid, open_tasks, person_with_budget, task_of
from tests.conftest import text_of
from tests.pdf import text_of_pdf
from tests.workflow_helpers import as_user

STUDY = {
    "situation": "Caution du nouveau logement ; capacité de remboursement de 100 € par mois.",
    "objet": "Caution de logement",
    "montant_cents": "900",
    "duree_mois": "9",
}


@pytest.fixture
def agents(make_user: Callable[..., User]) -> dict[str, User]:
    return {
        "accueil": make_user("nadia", Role.ACCUEIL),
        "instructeur": make_user("julien", Role.INSTRUCTEUR, email="julien@ccas.invalid"),
        "elu": make_user("aicha", Role.ELU),
        "secretariat": make_user("sophie", Role.SECRETARIAT),
        "regisseur": make_user("paul", Role.REGISSEUR),
        # The president: the board's deliberation DEL2026_001 covers loan amendments (scenarios/factories.py).
        "president": make_user("michel", Role.DELEGATAIRE, full_name="Michel Garnier"),
    }


def _disbursed(agents: dict[str, User]) -> Dossier:
    person_id = person_with_budget(agents["instructeur"], "Martin")
    dossier = open_aid(agents["accueil"], person_id, AidType.PRET_SANS_INTERET)
    do(agents["instructeur"], dossier, "etudier_budget", STUDY)
    committee_decides(agents["secretariat"], {dossier: accord(90000, voters=3, months=9)})
    do(agents["instructeur"], dossier, "notifier", NOTIFIED)
    do(agents["secretariat"], dossier, "etablir_contrat", {"premiere_echeance": "2027-01-05"})
    do(agents["regisseur"], dossier, "decaisser", {"date_versement": "2026-11-23", "reference": "MANDAT-77"})
    return dossier


def _pay(agents: dict[str, User], dossier: Dossier, amount: str, on: str | None = None) -> None:
    day = on or clock.now().date().isoformat()
    do(
        agents["regisseur"],
        dossier,
        "enregistrer_remboursement",
        {"date_paiement": day, "montant_cents": amount},
    )


def test_a_loan_from_the_study_to_the_last_repayment(agents: dict[str, User]) -> None:
    dossier = _disbursed(agents)
    letter, contract = db.session.scalars(
        select(Document)
        .where(
            Document.subject_type == "dossier",
            Document.subject_id == dossier.id,
            Document.kind != "accuse_reception",
        )
        .order_by(Document.id)
    ).all()
    assert "un prêt sans intérêt de 900,00 €, remboursable en 9 mensualités" in " ".join(
        text_of_pdf(letter.content).replace("\u00a0", " ").split()
    )
    printed = " ".join(text_of_pdf(contract.content).replace("\u00a0", " ").split())
    mentions = ("Contrat de prêt sans intérêt", "prêt sans intérêt de 900,00 €", "Caution de logement",
                "1 5 janvier 2027 100,00 €", "9 5 septembre 2027 100,00 €", "Total 900,00 €")  # fmt: skip
    for mention in mentions:
        assert mention in printed
    assert dossier.status is DossierStatus.EN_COURS
    assert open_tasks(dossier) == ["enregistrer_remboursement"]

    with pytest.raises(InvalidInputError, match="Il ne reste que 900,00"):
        _pay(agents, dossier, "900,01")
    _pay(agents, dossier, "500")
    assert ledger.outstanding_cents(ledger.loan_of(dossier)) == 40000  # type: ignore[arg-type]
    _pay(agents, dossier, "400")
    assert dossier.status is DossierStatus.CLOS
    assert instance_of(dossier).status is InstanceStatus.COMPLETED
    assert ledger.loan_of(dossier).repaid_at is not None  # type: ignore[union-attr]


def test_the_règlement_bounds_the_amount(agents: dict[str, User]) -> None:
    person_id = person_with_budget(agents["instructeur"], "Haut")
    dossier = open_aid(agents["accueil"], person_id, AidType.PRET_SANS_INTERET)
    bounds = "Un prêt sans intérêt va de 300,00\u00a0€ à 1\u202f700,00\u00a0€"
    with pytest.raises(InvalidInputError, match=bounds):
        do(agents["instructeur"], dossier, "etudier_budget", {**STUDY, "montant_cents": "2000"})
    assert open_tasks(dossier) == ["etudier_budget"]


def test_an_unpaid_instalment_brings_a_reminder_then_an_amendment(
    agents: dict[str, User], travel: TravellingClock, make_user: Callable[..., User]
) -> None:
    dossier = _disbursed(agents)
    travel.set(datetime(2027, 1, 15, 7, 59, tzinfo=UTC))  # 5 January + 10 days, 09:00 in Paris is 08:00 UTC
    assert wake_due_instances() == 0
    travel.set(datetime(2027, 1, 15, 8, 1, tzinfo=UTC))
    assert wake_due_instances() == 1
    assert open_tasks(dossier) == ["relancer_emprunteur"]
    reminder = task_of(dossier, "relancer_emprunteur")
    assert (reminder.role, reminder.mail_role) == ("instructeur", True)
    assert any(
        "julien@ccas.invalid" in message.recipients for message in db.session.scalars(select(OutboxMessage))
    )
    do(agents["instructeur"], dossier, "relancer_emprunteur", {"suite_relance": "relance"})
    assert open_tasks(dossier) == ["enregistrer_remboursement"]

    travel.advance(timedelta(days=9, hours=23))
    assert wake_due_instances() == 0  # the next reminder waits the delay again
    travel.advance(timedelta(hours=2))
    assert wake_due_instances() == 1
    do(agents["instructeur"], dossier, "relancer_emprunteur", {"suite_relance": "avenant"})
    assert open_tasks(dossier) == ["etablir_avenant"]
    amendment = {
        "duree_mois": "12",
        "premiere_echeance": "2027-03-10",
        "motif": "Perte d'emploi en décembre.",
    }
    # An instructing agent alone never amends a loan the committee granted; nor a delegatee whose
    # deliberation does not cover amendments.
    with pytest.raises(PermissionDeniedError, match="réservée au rôle"):
        do(agents["instructeur"], dossier, "etablir_avenant", amendment)
    narrow = make_user("vice.pres", Role.DELEGATAIRE, full_name="Vice Président", delegation=False)
    delegate_power(narrow, number="DEL2026_002", covers_amendments=False)
    with pytest.raises(PermissionDeniedError, match="décider un avenant au prêt"):
        do(narrow, dossier, "etablir_avenant", amendment)
    assert open_tasks(dossier) == ["etablir_avenant"]
    do(agents["president"], dossier, "etablir_avenant", amendment)

    loan = ledger.loan_of(dossier)
    assert loan is not None
    versions = db.session.scalars(select(LoanSchedule).where(LoanSchedule.loan_id == loan.id)).all()
    assert [(v.version, v.scheduled_cents, v.months) for v in versions] == [(1, 90000, 9), (2, 90000, 12)]
    assert ledger.next_due_on(loan) == date(2027, 3, 10)
    last = db.session.scalars(
        select(Document)
        .where(Document.subject_type == "dossier", Document.subject_id == dossier.id)
        .order_by(Document.id.desc())
    ).first()
    assert last is not None
    assert last.kind == "avenant_pret"
    printed = " ".join(text_of_pdf(last.content).split())
    assert "Avenant n° 1" in printed
    assert "Avenant au prêt accordé par délibération n° DEL2026_001 de la commission permanente" in printed
    assert "en vertu de la délégation consentie par délibération n° DEL2026_001 du 15 janvier 2026" in printed
    assert "Le président, par délégation du conseil d'administration, Michel Garnier" in printed
    assert open_tasks(dossier) == ["enregistrer_remboursement"]
    with pytest.raises(tasks.FormInvalidError):
        do(agents["regisseur"], dossier, "enregistrer_remboursement", {"date_paiement": "2027-01-25"})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    amount=st.integers(min_value=30000, max_value=170000),
    steps=st.lists(
        st.one_of(
            st.tuples(st.just("remboursement"), st.integers(min_value=1, max_value=60000)),
            st.tuples(st.just("avenant"), st.integers(min_value=1, max_value=36)),
        ),
        max_size=8,
    ),
)
def test_what_remains_due_is_the_amount_minus_the_repayments(
    agents: dict[str, User], amount: int, steps: list[tuple[str, int]]
) -> None:
    agent = agents["regisseur"]
    dossier = open_aid(agents["accueil"], person_with_budget(agents["instructeur"], "Propriété"),
                       AidType.PRET_SANS_INTERET)  # fmt: skip
    loan = ledger.create(
        dossier=dossier, amount_cents=amount, months=12, first_due_on=date(2027, 1, 5), actor=agent
    )
    for kind, value in steps:
        outstanding = ledger.outstanding_cents(loan)
        if kind == "remboursement" and outstanding > 0:
            ledger.record_repayment(
                loan=loan,
                paid_on=date(2026, 11, 23),
                amount_cents=min(value, outstanding),
                reference="",
                actor=agent,
            )
        elif kind == "avenant" and outstanding >= value:
            schedule = ledger.amend(
                loan=loan, months=value, first_due_on=date(2027, 2, 1), reason="Avenant", actor=agent
            )
            assert sum(row.amount_cents for row in schedule.installments) == outstanding
        repayments = db.session.scalars(
            select(LoanRepayment.amount_cents).where(LoanRepayment.loan_id == loan.id)
        )
        assert ledger.outstanding_cents(loan) == amount - sum(repayments)
        assert ledger.outstanding_cents(loan) >= 0
        assert (ledger.next_due_on(loan) is None) == (ledger.outstanding_cents(loan) == 0)


def test_the_dossier_page_shows_the_schedule_and_what_remains_due(
    client: FlaskClient, agents: dict[str, User]
) -> None:
    dossier = _disbursed(agents)
    _pay(agents, dossier, "250")
    as_user(client, "julien")
    page = text_of(client.get(f"/dossiers/{dossier.id}"))
    assert "<dt>Reste dû</dt><dd>650,00\u00a0€ (montant prêté moins les remboursements)" in page
    assert "Échéancier en vigueur" in page
    assert "05/01/2027" in page
