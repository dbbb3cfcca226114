"""Aide sociale légale: filed, built, given an opinion, forwarded within the month, decided, closed."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from lxml import etree
from sqlalchemy import select

from service import clock
from service.aids.aide_sociale_legale import directory
from service.clock import TravellingClock
from service.dossiers import tasks
from service.errors import InvalidInputError
from service.extensions import db
from service.models import (
    AidType,
    Authority,
    AuthorityKind,
    Document,
    Dossier,
    DossierStatus,
    HumanTask,
    InstanceStatus,
    LegalAidRequest,
    OutboxMessage,
    Role,
    User,
)
from service.paths import WORKFLOWS_DIR
from service.scheduling.wake import wake_due_instances
from tests.aid_steps import NOTIFIED, do, instance_of, open_aid, open_tasks, person_with_budget, task_of
from tests.conftest import text_of
from tests.pdf import text_of_pdf
from tests.workflow_helpers import as_user, post_form

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
DIAGRAM = WORKFLOWS_DIR / "aide_sociale_legale.bpmn"
ALERT_END = "Alerte traitée"
# Filed on the day of START (Monday 23 November 2026, Paris is UTC+1): each instant is 09:00 in Paris.
WARNING = datetime(2026, 12, 14, 8, 0, tzinfo=UTC)  # filing + 21 days
ESCALATION = datetime(2026, 12, 21, 8, 0, tzinfo=UTC)  # filing + 28 days
DEADLINE = datetime(2026, 12, 23, 8, 0, tzinfo=UTC)  # filing + 1 month
FILE_BUILT = {"pieces_jointes": "Formulaire de demande\nPièce d'identité\nAvis d'imposition 2025"}
OPINION = {"avis": "favorable", "motifs_avis": "Perte d'autonomie constatée lors de la visite à domicile."}


@pytest.fixture
def agents(make_user: Callable[..., User]) -> dict[str, User]:
    return {
        "accueil": make_user("nadia", Role.ACCUEIL),
        "instructeur": make_user("julien", Role.INSTRUCTEUR, email="julien@ccas.invalid"),
        "responsable": make_user(
            "claire", Role.RESPONSABLE, full_name="Claire Dumont", email="claire@ccas.invalid"
        ),
        "secretariat": make_user(
            "sophie", Role.SECRETARIAT, full_name="Sophie Bernard", title="Secrétaire administrative"
        ),
    }


def _conseil(agent: User, kind: AuthorityKind = AuthorityKind.CONSEIL_DEPARTEMENTAL) -> Authority:
    return directory.add_authority(
        actor=agent,
        name="Conseil départemental de Test"
        if kind is AuthorityKind.CONSEIL_DEPARTEMENTAL
        else "CPAM de Test",
        kind=kind,
        address="Hôtel du Département\n1 place de la République\n99000 Test-sur-Mer",
        email="aide.sociale@departement.invalid",
    )


def _filed(agents: dict[str, User], *, filed_on: str = "2026-11-23", kind: str = "apa_domicile") -> Dossier:
    person_id = person_with_budget(agents["instructeur"], "Lefèvre")
    dossier = open_aid(agents["accueil"], person_id, AidType.AIDE_SOCIALE_LEGALE, "APA à domicile")
    do(agents["accueil"], dossier, "enregistrer_depot", {"date_depot": filed_on, "type_aide_legale": kind})
    return dossier


def _up_to_transmission(agents: dict[str, User], dossier: Dossier) -> None:
    do(agents["instructeur"], dossier, "constituer_dossier", FILE_BUILT)
    do(agents["responsable"], dossier, "donner_avis", OPINION)


def _transmit(agents: dict[str, User], dossier: Dossier, authority: Authority) -> None:
    form = {"autorite": str(authority.id), "mode_transmission": "courrier"}
    do(agents["secretariat"], dossier, "transmettre", form)


def _request(dossier: Dossier) -> LegalAidRequest:
    return db.session.scalars(select(LegalAidRequest).where(LegalAidRequest.dossier_id == dossier.id)).one()


def _slip(dossier: Dossier) -> str:
    slip = db.session.scalars(
        select(Document).where(Document.subject_id == dossier.id, Document.kind == "bordereau_transmission")
    ).one()
    return text_of_pdf(slip.content)


def _paper(dossier: Dossier, kind: str) -> str:
    paper = db.session.scalars(
        select(Document).where(Document.subject_id == dossier.id, Document.kind == kind)
    ).one()
    return text_of_pdf(paper.content)


def _task_mails() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "tache")))


def test_a_request_is_filed_built_forwarded_with_its_slip_decided_and_closed(
    agents: dict[str, User], travel: TravellingClock
) -> None:
    authority = _conseil(agents["secretariat"])
    person_id = person_with_budget(agents["instructeur"], "Lefèvre")
    dossier = open_aid(agents["accueil"], person_id, AidType.AIDE_SOCIALE_LEGALE, "APA à domicile")
    assert open_tasks(dossier) == ["enregistrer_depot"]
    with pytest.raises(InvalidInputError, match="La date de dépôt ne peut pas être dans le futur"):
        do(agents["accueil"], dossier, "enregistrer_depot",
           {"date_depot": "2026-11-24", "type_aide_legale": "apa_domicile"})  # fmt: skip
    do(agents["accueil"], dossier, "enregistrer_depot",
       {"date_depot": "2026-11-20", "type_aide_legale": "apa_domicile"})  # fmt: skip
    request = _request(dossier)
    assert (request.kind, request.filed_on) == ("apa_domicile", date(2026, 11, 20))
    building = task_of(dossier, "constituer_dossier")
    assert building.role == "instructeur"
    assert building.due_at == datetime(2026, 12, 20, 8, 0, tzinfo=UTC)  # filed 20/11 + 1 month, 09:00 Paris
    assert instance_of(dossier).next_due_at == datetime(2026, 12, 11, 8, 0, tzinfo=UTC)  # + 21 days
    page = tasks.task_page(actor=agents["instructeur"], task_id=building.id)
    assert page.prefill["pieces_jointes"].splitlines() == list(
        directory.LEGAL_AID_KINDS["apa_domicile"].pieces
    )

    do(agents["instructeur"], dossier, "constituer_dossier", FILE_BUILT)
    assert open_tasks(dossier) == ["donner_avis"]
    assert task_of(dossier, "donner_avis").role == "responsable"
    do(agents["responsable"], dossier, "donner_avis", OPINION)
    transmission = task_of(dossier, "transmettre")
    assert transmission.role == "secretariat"
    page = tasks.task_page(actor=agents["secretariat"], task_id=transmission.id)
    assert page.schema["properties"]["autorite"]["oneOf"] == [
        {"const": str(authority.id), "title": "Conseil départemental de Test — Conseil départemental"}
    ]
    assert page.prefill == {"autorite": str(authority.id)}  # the only competent authority

    _transmit(agents, dossier, authority)
    assert dossier.status is DossierStatus.TRANSMIS
    request = _request(dossier)
    assert (request.authority_id, request.transmission_mode) == (authority.id, "courrier")
    assert request.transmitted_at == clock.now()
    slip = _slip(dossier)
    for mention in (
        "Bordereau de transmission", f"Dossier n° {dossier.number}", "déposée au centre le 20 novembre 2026",
        "Allocation personnalisée d'autonomie (APA) à domicile", "Pièce d'identité", "Avis d'imposition 2025",
        "Avis du centre : Favorable", "Perte d'autonomie constatée", "Conseil départemental de Test",
        "1 place de la République", "L131-1", "23 novembre 2026", "par courrier", "Sophie Bernard",
        "Secrétaire administrative", "LEFÈVRE Camille",
        "à transmettre au plus tard le 20 décembre 2026, dans le mois du dépôt",
        "transmettre la demande dans le délai d'un mois à compter de son dépôt",
    ):  # fmt: skip
        assert mention in slip, mention
    # The authority's e-mail is no line of the window-envelope address: it comes after the references.
    window, _, rest = slip.partition(f"Dossier n° {dossier.number}")
    assert "aide.sociale@departement.invalid" not in window
    assert "Courriel de l'autorité destinataire : aide.sociale@departement.invalid" in rest
    notice = _paper(dossier, "avis_transmission")
    for mention in (
        "LEFÈVRE Camille", "Objet : transmission de votre demande", "déposée au", "le 20 novembre 2026",
        "a été transmise le 23 novembre 2026", "Conseil départemental de Test", "1 place de la République",
        "aide.sociale@departement.invalid", "L131-1", "Sophie Bernard",
    ):  # fmt: skip
        assert mention in notice, mention
    assert open_tasks(dossier) == ["enregistrer_decision_autorite"]

    travel.advance(timedelta(days=20))
    decision = {"decision_autorite": "accord", "date_decision": "2026-11-22", "reference": "APA-2026-0042"}
    with pytest.raises(InvalidInputError, match="La décision ne peut précéder la transmission du dossier"):
        do(agents["secretariat"], dossier, "enregistrer_decision_autorite", decision)
    do(
        agents["secretariat"],
        dossier,
        "enregistrer_decision_autorite",
        {**decision, "date_decision": "2026-12-10"},
    )
    request = _request(dossier)
    assert (request.authority_decision, request.authority_decided_on, request.authority_reference) == (
        "accord", date(2026, 12, 10), "APA-2026-0042"
    )  # fmt: skip
    assert dossier.decision == ""  # the authority decided, not the centre
    assert open_tasks(dossier) == ["informer_personne"]

    do(agents["instructeur"], dossier, "informer_personne", NOTIFIED)
    passed_on = _paper(dossier, "decision_autorite")
    for mention in (
        "Par décision du 10 décembre 2026, l'autorité compétente à laquelle votre demande a été transmise "
        "(Conseil départemental de Test) a accordé l'aide demandée",
        "Référence de la décision : APA-2026-0042", "transmise le 23 novembre 2026",
        "Cette décision n'est pas celle du", "voies et délais de recours",
    ):  # fmt: skip
        assert mention in passed_on, mention
    # The centre only forwards: its acknowledgement of receipt says so, with no implicit rejection of its own.
    receipt = _paper(dossier, "accuse_reception")
    assert "dans le délai d'un mois à compter du dépôt" in receipt
    assert "réputée rejetée" not in receipt
    assert instance_of(dossier).status is InstanceStatus.COMPLETED
    assert dossier.closed_at == clock.now()
    assert dossier.status is DossierStatus.CLOS  # needs follow() to keep a legal-aid dossier's CLOS


def test_the_deadline_warns_at_day_21_and_escalates_at_day_28(
    agents: dict[str, User], travel: TravellingClock
) -> None:
    authority = _conseil(agents["secretariat"])
    dossier = _filed(agents)
    assert instance_of(dossier).next_due_at == WARNING
    assert task_of(dossier, "constituer_dossier").due_at == DEADLINE

    travel.set(WARNING - timedelta(minutes=1))
    assert wake_due_instances() == 0
    travel.set(WARNING + timedelta(minutes=1))
    assert wake_due_instances() == 1
    warning = task_of(dossier, "alerter_transmission")
    assert (warning.role, warning.mail_role, warning.due_at) == ("instructeur", True, DEADLINE)
    assert open_tasks(dossier) == ["alerter_transmission", "constituer_dossier"]  # the work goes on
    [mail] = _task_mails()
    assert mail.recipients == ["julien@ccas.invalid"]
    assert mail.subject == f"[Entraide] Transmettre avant l'échéance d'un mois — dossier {dossier.number}"
    assert wake_due_instances() == 0  # fired once
    assert instance_of(dossier).next_due_at == ESCALATION

    do(agents["instructeur"], dossier, "alerter_transmission", {"action": "Avis demandé à la responsable."})
    do(agents["instructeur"], dossier, "constituer_dossier", FILE_BUILT)
    travel.set(ESCALATION + timedelta(minutes=1))
    assert wake_due_instances() == 1
    escalation = task_of(dossier, "escalader_transmission")
    assert (escalation.role, escalation.mail_role) == ("responsable", True)
    assert open_tasks(dossier) == ["donner_avis", "escalader_transmission"]
    assert _task_mails()[-1].recipients == ["claire@ccas.invalid"]
    assert instance_of(dossier).next_due_at is None

    do(agents["responsable"], dossier, "donner_avis", OPINION)
    _transmit(agents, dossier, authority)
    db.session.expire_all()
    assert escalation.cancelled  # the file left: the alert has no object any more
    assert open_tasks(dossier) == ["enregistrer_decision_autorite"]


def test_no_warning_when_the_file_leaves_before_day_21(
    agents: dict[str, User], travel: TravellingClock
) -> None:
    authority = _conseil(agents["secretariat"])
    dossier = _filed(agents)
    travel.advance(timedelta(days=10))
    _up_to_transmission(agents, dossier)
    _transmit(agents, dossier, authority)
    assert instance_of(dossier).next_due_at is None

    travel.set(DEADLINE + timedelta(days=5))
    assert wake_due_instances() == 0
    assert open_tasks(dossier) == ["enregistrer_decision_autorite"]
    assert _task_mails() == []


def test_deadlines_count_from_the_filing_date_not_from_the_opening(
    agents: dict[str, User], travel: TravellingClock
) -> None:
    dossier = _filed(agents, filed_on="2026-10-30")  # filed 24 days before it is entered
    assert task_of(dossier, "constituer_dossier").due_at == datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    travel.advance(timedelta(minutes=1))
    wake_due_instances()
    assert open_tasks(dossier) == ["alerter_transmission", "constituer_dossier"]
    assert instance_of(dossier).next_due_at == datetime(2026, 11, 27, 8, 0, tzinfo=UTC)  # day 28


def test_transmission_is_refused_without_a_competent_authority(agents: dict[str, User]) -> None:
    dossier = _filed(agents)
    _up_to_transmission(agents, dossier)
    cpam = _conseil(agents["secretariat"], AuthorityKind.CPAM)  # in the directory, not competent for the APA
    with pytest.raises(InvalidInputError) as refusal:
        _transmit(agents, dossier, cpam)
    assert refusal.value.message == (
        "L'annuaire ne compte aucune autorité compétente pour cette aide : le dossier n'a nulle part où être "
        "transmis."
    )
    conseil = _conseil(agents["secretariat"])
    for chosen in ("", str(cpam.id)):
        with pytest.raises(InvalidInputError, match="parmi les autorités compétentes de l'annuaire"):
            do(
                agents["secretariat"],
                dossier,
                "transmettre",
                {"autorite": chosen, "mode_transmission": "depot"},
            )
    assert dossier.status is DossierStatus.EN_INSTRUCTION
    assert _request(dossier).transmitted_at is None
    assert open_tasks(dossier) == ["transmettre"]

    _transmit(agents, dossier, conseil)
    assert dossier.status is DossierStatus.TRANSMIS


def test_pieces_received_are_joined_to_the_file(agents: dict[str, User]) -> None:
    authority = _conseil(agents["secretariat"])
    dossier = _filed(agents)
    do(agents["instructeur"], dossier, "constituer_dossier",
       {**FILE_BUILT, "pieces_manquantes": "Relevé d'identité bancaire"})  # fmt: skip
    assert dossier.status is DossierStatus.EN_ATTENTE_PIECES
    do(agents["instructeur"], dossier, "demander_pieces", {"moyen": "courrier", "date_demande": "2026-11-23"})
    do(agents["accueil"], dossier, "recevoir_pieces", {"date_reception": "2026-11-23"})
    do(agents["responsable"], dossier, "donner_avis", OPINION)
    _transmit(agents, dossier, authority)
    slip = _slip(dossier)
    assert "Relevé d'identité bancaire" in slip
    assert "non reçues" not in slip
    assert _request(dossier).pieces.splitlines()[-1] == "Relevé d'identité bancaire"


def test_pieces_still_awaited_at_day_21_do_not_hold_the_file_back(
    agents: dict[str, User], travel: TravellingClock
) -> None:
    authority = _conseil(agents["secretariat"])
    dossier = _filed(agents)
    do(agents["instructeur"], dossier, "constituer_dossier",
       {**FILE_BUILT, "pieces_manquantes": "Relevé d'identité bancaire"})  # fmt: skip
    do(agents["instructeur"], dossier, "demander_pieces", {"moyen": "courrier", "date_demande": "2026-11-23"})
    travel.advance(timedelta(days=15, minutes=1))
    wake_due_instances()
    do(agents["instructeur"], dossier, "relancer_pieces", {"moyen": "courrier", "date_relance": "2026-12-08"})
    awaited = task_of(dossier, "recevoir_pieces_relance")

    travel.set(WARNING + timedelta(minutes=1))
    wake_due_instances()
    db.session.expire_all()
    assert awaited.cancelled  # the wait for the pieces ends: the file goes on as it is
    assert open_tasks(dossier) == ["alerter_transmission", "donner_avis"]
    do(agents["responsable"], dossier, "donner_avis", {**OPINION, "avis": "reserve"})
    _transmit(agents, dossier, authority)
    slip = _slip(dossier)
    assert "Avis du centre : Réservé" in slip
    assert "non reçues à la date de transmission • Relevé d'identité bancaire Avis du centre" in slip
    assert open_tasks(dossier) == ["enregistrer_decision_autorite"]  # the alert closed with the transmission


def _successors(process: etree._Element) -> tuple[dict[str, set[str]], str]:
    """The flow graph of the process, sub-processes entered and left through their own start and ends."""
    subprocesses = {sub.get("id"): sub for sub in process.iter(f"{BPMN}subProcess")}
    successors: dict[str, set[str]] = defaultdict(set)
    for flow in process.iter(f"{BPMN}sequenceFlow"):
        source, target = flow.get("sourceRef"), flow.get("targetRef")
        if source in subprocesses:  # a sub-process is left only when one of its ends is reached
            for end in subprocesses[source].findall(f"{BPMN}endEvent"):
                successors[end.get("id")].add(target)
        else:
            successors[source].add(target)
    for sub_id, sub in subprocesses.items():
        successors[sub_id].add(sub.find(f"{BPMN}startEvent").get("id"))
    for boundary in process.iter(f"{BPMN}boundaryEvent"):  # may fire while its activity runs
        successors[boundary.get("attachedToRef")].add(boundary.get("id"))
    [start] = process.findall(f"{BPMN}startEvent")
    return successors, start.get("id")


def _reached(successors: dict[str, set[str]], start: str, *, without: str = "") -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for target in successors[todo.pop()] - seen - {without}:
            seen.add(target)
            todo.append(target)
    return seen


def test_no_path_ends_without_transmission() -> None:
    process = etree.parse(str(DIAGRAM)).find(f"{BPMN}process")
    successors, start = _successors(process)
    ends = {end.get("id"): end.get("name") for end in process.iter(f"{BPMN}endEvent")}
    request_ends = {end for end, name in ends.items() if name != ALERT_END}
    assert request_ends == {"dossier_transmis", "demande_close"}
    assert set(ends) <= _reached(successors, start)  # every end is reachable: the graph is complete

    without_transmission = _reached(successors, start, without="transmettre")
    assert without_transmission & request_ends == set()
    assert {"alerte_traitee", "escalade_traitee"} <= without_transmission  # only the alerts end before


def test_the_form_offers_the_kinds_of_the_catalogue() -> None:
    form = json.loads((WORKFLOWS_DIR / "forms" / "aide_legale_depot.json").read_text(encoding="utf-8"))
    offered = [
        (choice["const"], choice["title"]) for choice in form["properties"]["type_aide_legale"]["oneOf"]
    ]
    assert offered == [(kind.code, kind.label) for kind in directory.LEGAL_AID_KINDS.values()]
    assert {kind.authority for kind in directory.LEGAL_AID_KINDS.values()} == {
        AuthorityKind.CONSEIL_DEPARTEMENTAL, AuthorityKind.CPAM, AuthorityKind.PREFET
    }  # fmt: skip


def test_an_authority_added_on_the_directory_page_is_offered_for_transmission(
    client: FlaskClient, agents: dict[str, User]
) -> None:
    as_user(client, "sophie")
    entered = {"name": "Conseil départemental de Test", "kind": "conseil_departemental",
               "address": "Hôtel du Département\n99000 Test-sur-Mer", "email": ""}  # fmt: skip
    assert post_form(client, "/autorites/", {**entered, "address": ""}).status_code == 422
    assert post_form(client, "/autorites/", entered).status_code == 302
    again = post_form(client, "/autorites/", entered)
    assert again.status_code == 422
    assert "« Conseil départemental de Test » est déjà dans l'annuaire (Conseil départemental)." in text_of(
        again
    )
    page = text_of(client.get("/autorites/"))
    assert "Conseil départemental de Test" in page
    assert "Caisse primaire d'assurance maladie" in page  # the competent authority of each aid
    authority = db.session.scalars(select(Authority)).one()

    dossier = _filed(agents)
    _up_to_transmission(agents, dossier)
    task_page = text_of(client.get(f"/taches/{task_of(dossier, 'transmettre').id}"))
    assert (
        f'<option value="{authority.id}" selected>Conseil départemental de Test — Conseil départemental'
        in (task_page)
    )

    as_user(client, "julien")
    page = text_of(client.get("/autorites/"))
    assert "Conseil départemental de Test" in page
    assert "Ajouter une autorité" not in page
    assert post_form(client, "/autorites/", {**entered, "name": "Autre"}).status_code == 403
    as_user(client, "nadia")
    assert client.get("/autorites/").status_code == 403


def test_an_alert_closes_with_the_transmission_without_being_answered(
    agents: dict[str, User], travel: TravellingClock
) -> None:
    authority = _conseil(agents["secretariat"])
    dossier = _filed(agents)
    _up_to_transmission(agents, dossier)
    travel.set(WARNING + timedelta(hours=1))
    wake_due_instances()
    alert = task_of(dossier, "alerter_transmission")
    _transmit(agents, dossier, authority)
    closed = db.session.get(HumanTask, alert.id)
    assert closed is not None
    assert (closed.cancelled, closed.completed_at) == (True, clock.now())  # closed, not answered
    assert closed.completed_by_id is None
    assert instance_of(dossier).status is InstanceStatus.RUNNING  # only the authority's decision is awaited
    assert open_tasks(dossier) == ["enregistrer_decision_autorite"]


def test_the_filing_page_offers_the_catalogue_and_the_dossier_page_shows_the_transmission(
    client: FlaskClient, agents: dict[str, User]
) -> None:
    person_id = person_with_budget(agents["instructeur"], "Lefèvre")
    dossier = open_aid(agents["accueil"], person_id, AidType.AIDE_SOCIALE_LEGALE, "Complémentaire santé")
    as_user(client, "nadia")
    filing = text_of(client.get(f"/taches/{task_of(dossier, 'enregistrer_depot').id}"))
    assert (
        '<option value="aide_sociale_etat">Aide sociale de l\'État (personne sans domicile de secours)'
        in filing
    )
    assert 'name="date_depot" value="2026-11-23"' in filing

    do(agents["accueil"], dossier, "enregistrer_depot",
       {"date_depot": "2026-11-23", "type_aide_legale": "complementaire_sante_solidaire"})  # fmt: skip
    _up_to_transmission(agents, dossier)
    _transmit(agents, dossier, _conseil(agents["secretariat"], AuthorityKind.CPAM))
    as_user(client, "julien")
    page = text_of(client.get(f"/dossiers/{dossier.id}"))
    assert "Transmis à l'autorité compétente" in page
    assert "Bordereau de transmission à CPAM de Test" in page
