"""The domiciliation counter: the mail register (recorded, flagged after 15 days, handed over against
signature), the hand-over as the last contact, the end at the person's request, the préfecture's figures,
the demo."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import UTC, date, datetime, timedelta

from flask.testing import FlaskClient
from sqlalchemy import func, select

from service import clock, demo
from service.clock import TravellingClock
from service.domiciliation import counter, figures
from service.extensions import db
from service.models import Domiciliation, DomiciliationMail, HumanTask, InstanceStatus, User
from service.privacy import export, retention
from service.scheduling.wake import wake_due_instances
from tests.aid_steps import do, instance_of
from tests.conftest import text_of
from tests.pdf import text_of_pdf
from tests.test_domiciliation import REFUSAL, REQUEST, agents, election_of, granted, paper, requested
from tests.workflow_helpers import as_user, post_form

__all__ = ["agents"]  # the fixture, shared with the process's tests

LAPSE = datetime(2027, 2, 24, 8, 0, tzinfo=UTC)  # granted 23/11/2026 09:00 Paris: the morning after 3 months


def test_the_hand_over_of_a_letter_resets_the_three_months(
    agents: dict[str, User], travel: TravellingClock
) -> None:
    dossier = granted(agents)
    election = election_of(dossier)
    travel.set(datetime(2027, 1, 20, 9, 0, tzinfo=UTC))
    letter = counter.record_mail(
        actor=agents["accueil"], election_id=election.id, sender_kind="caf", received_on=date(2027, 1, 18)
    )
    travel.set(datetime(2027, 2, 1, 14, 0, tzinfo=UTC))
    counter.hand_over(
        actor=agents["accueil"], election_id=election.id, mail_id=letter.id, signed_by="Lui-même"
    )
    assert election_of(dossier).last_contact_at == datetime(2027, 2, 1, 14, 0, tzinfo=UTC)

    travel.set(LAPSE + timedelta(minutes=1))  # three months after the grant, but not after the hand-over
    assert wake_due_instances() == 1
    assert election_of(dossier).ended_on is None
    # the morning after three months have run, by the calendar in Paris: 09:00 there, in summer time
    assert instance_of(dossier).next_due_at == datetime(2027, 5, 2, 7, 0, tzinfo=UTC)
    travel.set(datetime(2027, 5, 2, 6, 59, tzinfo=UTC))
    assert wake_due_instances() == 0
    travel.set(datetime(2027, 5, 2, 7, 1, tzinfo=UTC))
    assert wake_due_instances() == 1
    election = election_of(dossier)
    assert (election.ended_on, election.end_reason) == (date(2027, 5, 2), "sans_contact")
    assert "depuis le 1er février 2027" in paper(dossier, "fin_domiciliation")


def test_the_register_flags_letters_left_15_days_and_the_persons_page_shows_what_waits(
    agents: dict[str, User], travel: TravellingClock, client: FlaskClient
) -> None:
    dossier = granted(agents)
    election = election_of(dossier)
    as_user(client, "nadia")
    page = f"/domiciliation/{election.id}"
    recorded = post_form(client, page, {"sender_kind": "france_travail", "received_on": "2026-11-23"},
                         f"{page}/courriers")  # fmt: skip
    assert recorded.status_code == 302, text_of(recorded)
    future = post_form(client, page, {"sender_kind": "caf", "received_on": "2026-12-24"}, f"{page}/courriers")
    assert future.status_code == 422
    assert "ne peut pas être dans le futur" in text_of(future)
    assert "France Travail, reçu le 23/11/2026" in text_of(client.get(f"/personnes/{dossier.person_id}"))
    assert "non retiré" not in text_of(client.get(page))

    travel.advance(timedelta(days=16))
    as_user(client, "nadia")
    assert "non retiré depuis plus de 15 jours" in text_of(client.get(page))
    assert "dont 1 non retiré(s)" in text_of(client.get("/domiciliation/"))
    letter = db.session.scalars(select(DomiciliationMail)).one()
    handed = post_form(client, page, {"signed_by": "LEFÈVRE Camille"}, f"{page}/courriers/{letter.id}/remise")
    assert handed.status_code == 302, text_of(handed)
    again = post_form(client, page, {"signed_by": "LEFÈVRE Camille"}, f"{page}/courriers/{letter.id}/remise")
    assert again.status_code == 409  # handed over once
    assert "Courrier en attente au centre" not in text_of(client.get(f"/personnes/{dossier.person_id}"))
    assert election_of(dossier).last_contact_at == datetime(2026, 12, 9, 8, 0, tzinfo=UTC)


def test_the_person_may_ask_to_end_the_election(agents: dict[str, User], client: FlaskClient) -> None:
    dossier = granted(agents)
    election = election_of(dossier)
    as_user(client, "nadia")
    page = f"/domiciliation/{election.id}"
    ended = post_form(client, page, {"details": "Logement trouvé à Orléans."}, f"{page}/fin")
    assert ended.status_code == 302, text_of(ended)
    election = election_of(dossier)
    assert (election.ended_on, election.end_reason) == (date(2026, 11, 23), "demande")
    assert instance_of(dossier).status is InstanceStatus.COMPLETED
    assert "À votre demande" in paper(dossier, "fin_domiciliation")
    twice = post_form(client, page, {"details": ""}, f"{page}/fin")
    assert twice.status_code == 422


def test_the_figures_count_each_election_once(agents: dict[str, User], travel: TravellingClock) -> None:
    granted(agents, "Alpha")  # in force, séjour
    ended = granted(agents, "Bravo", {**REQUEST, "lien_commune": "scolarite"})
    counter.end_at_request(actor=agents["accueil"], election_id=election_of(ended).id)
    refused = requested(agents, "Charlie", {**REQUEST, "lien_commune": "liens_familiaux"})
    do(agents["delegataire"], refused, "decider", REFUSAL)
    other = requested(agents, "Delta", {**REQUEST, "lien_commune": "liens_familiaux"})
    do(agents["delegataire"], other, "decider", {**REFUSAL, "motif_refus": "autre"})
    requested(agents, "Echo")  # not decided yet: counted nowhere

    result = figures.yearly(actor=agents["responsable"], year=2026)
    by_link = {row.label: row for row in result.rows}
    assert (result.total.in_force, result.total.granted, result.total.refused, result.total.ended) == (
        1,
        2,
        2,
        1,
    )
    assert (by_link["Séjour sur la commune"].in_force, by_link["Séjour sur la commune"].granted) == (1, 1)
    assert (by_link["Scolarité d'un enfant sur la commune"].granted,
            by_link["Scolarité d'un enfant sur la commune"].ended) == (1, 1)  # fmt: skip
    assert by_link["Liens familiaux sur la commune"].refused == 2
    assert dict(result.refused_by_reason)["Absence de lien avec la commune"] == 1
    assert dict(result.refused_by_reason)["Autre motif"] == 1
    assert dict(result.ended_by_reason)["À la demande de la personne"] == 1

    # A renewal is not a new grant: the election granted in 2026 and renewed stays one grant of 2026.
    renewed = election_of(granted(agents, "Foxtrot"))
    renewed.renewals = 2
    counted = figures.count([renewed], 2026, date(2026, 12, 31))
    assert (counted.total.in_force, counted.total.granted) == (1, 1)
    assert figures.count([renewed], 2027, date(2027, 12, 31)).total.granted == 0


def test_the_figures_page_is_the_head_of_services(agents: dict[str, User], client: FlaskClient) -> None:
    granted(agents)
    as_user(client, "claire")
    page = client.get("/domiciliation/statistiques?annee=2026")
    assert page.status_code == 200
    assert "Élections de domicile par lien avec la commune" in text_of(page)
    as_user(client, "nadia")
    assert client.get("/domiciliation/statistiques").status_code == 403


def test_the_demo_domiciles_a_dozen_people_some_near_renewal_one_about_to_lapse(app: object) -> None:
    demo.seed_if_empty()
    elections = db.session.scalars(select(Domiciliation)).all()
    assert len(elections) == 12
    assert all(election.decision == "accord" and election.ended_on is None for election in elections)
    lines = counter.register(actor=_demo_user("accueil"))
    assert len(lines) == 12
    lapsing = [
        line.election.person.last_name for line in lines if line.lapses_at < clock.now() + timedelta(days=10)
    ]
    assert lapsing == ["Dubois"]  # last seen 85 days ago
    assert sum(line.flagged for line in lines) == 2  # letters left 17 and 20 days
    wake_due_instances()
    renewals = db.session.scalar(
        select(func.count()).select_from(HumanTask).where(HumanTask.task_name == "renouveler")
    )
    assert renewals == 2


def _demo_user(username: str) -> User:
    return db.session.scalars(select(User).where(User.username == username)).one()


def test_a_visit_is_a_contact_for_retention_and_pseudonymisation_clears_the_counters_texts(
    agents: dict[str, User], travel: TravellingClock
) -> None:
    dossier = granted(agents)
    election = election_of(dossier)
    letter = counter.record_mail(
        actor=agents["accueil"], election_id=election.id, sender_kind="banque", received_on=date(2026, 11, 23)
    )
    travel.set(datetime(2027, 1, 10, 9, 0, tzinfo=UTC))
    counter.hand_over(
        actor=agents["accueil"], election_id=election.id, mail_id=letter.id, signed_by="Sa sœur"
    )
    travel.set(datetime(2027, 1, 12, 9, 0, tzinfo=UTC))
    counter.record_visit(actor=agents["accueil"], election_id=election.id)
    contacts = dict(db.session.execute(retention.last_contacts()).tuples().all())
    assert contacts[dossier.person_id] == datetime(2027, 1, 12, 9, 0, tzinfo=UTC)

    counter.end_at_request(actor=agents["accueil"], election_id=election.id)
    travel.set(datetime(2029, 1, 13, 9, 0, tzinfo=UTC))  # two years after the last contact
    retention.run()
    db.session.expire_all()
    election = election_of(dossier)
    assert (election.situation, election.link_details, election.link) == ("", "", "sejour")  # figures stay
    assert db.session.get(DomiciliationMail, letter.id).signed_by == ""  # type: ignore[union-attr]


def test_the_persons_export_holds_the_election_and_its_mail(agents: dict[str, User]) -> None:
    dossier = granted(agents)
    election = election_of(dossier)
    counter.record_mail(
        actor=agents["accueil"], election_id=election.id, sender_kind="cpam", received_on=date(2026, 11, 23)
    )
    found = export.export_person(actor=agents["responsable"], person_id=dossier.person_id)
    with zipfile.ZipFile(io.BytesIO(found.content)) as archive:
        held = json.loads(archive.read("donnees.json"))
        text = text_of_pdf(archive.read("donnees.pdf"))
    [domiciled] = [d["domiciliation"] for d in held["dossiers"] if "domiciliation" in d]
    assert (domiciled["valable_du"], domiciled["valable_au"]) == ("2026-11-23", "2027-11-22")
    assert domiciled["courrier"] == [
        {"expéditeur": "Assurance maladie", "reçu_le": "2026-11-23", "remis_le": None, "signé_par": ""}
    ]
    assert "Domiciliation (Séjour sur la commune) valable du 23 novembre 2026 au 22 novembre 2027" in text


def test_the_statistics_page_counts_the_elections_granted_by_link(
    agents: dict[str, User], client: FlaskClient
) -> None:
    granted(agents, "Alpha")  # séjour
    granted(agents, "Bravo", {**REQUEST, "lien_commune": "scolarite"})
    refused = requested(agents, "Charlie", {**REQUEST, "lien_commune": "liens_familiaux"})
    do(agents["delegataire"], refused, "decider", REFUSAL)
    as_user(client, "claire")
    html = text_of(client.get("/statistiques/?debut=2026-01-01&fin=2026-12-31"))
    table = html.split("<caption>Domiciliations accordées, par lien avec la commune")[1].split("</table>")[0]
    rows = {
        re.sub(r"<[^>]+>", "", cells[0]).strip(): [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells[1:]]
        for cells in (
            re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
            for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
        )
        if cells
    }
    whole_centre = {label: cells[-1] for label, cells in rows.items()}
    assert whole_centre["Séjour sur la commune"] == "1"
    assert whole_centre["Scolarité d'un enfant sur la commune"] == "1"
    assert whole_centre["Liens familiaux sur la commune"] == "0"  # refused: not counted
