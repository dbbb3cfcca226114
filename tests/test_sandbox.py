"""The sandbox: every hostile probe is refused at deployment or stopped as an incident; nothing escapes.

The probes (tests/probes.py) go through `entraide workflows check`, through the engine with process data,
and, as barème entries, through Administration › Barèmes. The start-up deployment and a live server are in
test_sandbox_live.py.
"""

from __future__ import annotations

import io
import os
import re
import shutil
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from sqlalchemy import select

from service import deployment
from service.clock import TravellingClock
from service.engine import scripting
from service.engine.sandbox import bounded, policy
from service.engine.scripting import Limits, SandboxedEnvironment, SandboxStop
from service.extensions import db
from service.models import (
    AidType,
    AuditEvent,
    Dossier,
    EvaluationIncident,
    HumanTask,
    ProcessInstance,
    Role,
    User,
)
from service.paths import WORKFLOWS_DIR
from service.scheduling.wake import wake_due_instances
from tests.aid_steps import instance_of, open_aid, person_with_budget
from tests.conftest import csrf_token, text_of
from tests.probes import PROBES, Probe, element_of, probe_bpmn
from tests.test_missing_documents import _complete, _waiting_for_documents
from tests.workflow_helpers import as_user

FAST = {"SANDBOX_CPU_MS": 300}  # the budget is a setting; a short one keeps the runaways quick to stop
DEPLOY_PROBES = [probe for probe in PROBES if probe.fate == "deploy"]
RUN_PROBES = [probe for probe in PROBES if probe.fate == "run"]
STOPPED = {"temps", "mémoire", "récursion", "refus", "taille"}


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return FAST


@pytest.fixture
def marker(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "marqueur"
    yield path
    assert not path.exists(), "a probe ran code outside the sandbox"


def _folder(tmp_path: Path, probe: Probe, marker: Path) -> Path:
    folder = tmp_path / f"sondes-{probe.id}"
    folder.mkdir()
    (folder / f"sonde_{probe.id}.bpmn").write_text(probe_bpmn(probe, str(marker)), encoding="utf-8")
    return folder


@pytest.mark.parametrize("probe", DEPLOY_PROBES, ids=lambda probe: probe.id)
def test_workflows_check_refuses_the_probe_naming_file_and_element(
    app: Flask, tmp_path: Path, marker: Path, probe: Probe
) -> None:
    result = app.test_cli_runner().invoke(
        args=["workflows", "check", "--dossier", str(_folder(tmp_path, probe, marker))]
    )
    assert result.exit_code == 1, result.output
    name = "Choix piégé" if probe.mode == "eval" else "Script piégé"
    assert f"ERREUR sonde_{probe.id}.bpmn (élément « {element_of(probe)} ») « {name} » : « " in result.output
    assert "expression refusée : " in result.output
    assert "Traceback" not in result.output
    assert "0x" not in result.output


@pytest.mark.parametrize("probe", RUN_PROBES, ids=lambda probe: probe.id)
def test_a_probe_reading_data_passes_the_check_then_is_stopped_as_it_runs(
    app: Flask, tmp_path: Path, marker: Path, probe: Probe
) -> None:
    folder = _folder(tmp_path, probe, marker)
    assert app.test_cli_runner().invoke(args=["workflows", "check", "--dossier", str(folder)]).exit_code == 0
    parser = SpiffBpmnParser()
    name = f"sonde_{probe.id}.bpmn"
    parser.add_bpmn_str((folder / name).read_bytes(), filename=name)
    workflow = BpmnWorkflow(
        parser.get_spec(f"sonde_{probe.id}"), script_engine=scripting.make_script_engine()
    )
    for task in workflow.get_tasks():
        task.data["montant_cents"] = 100
    with pytest.raises(SandboxStop) as stop:
        workflow.do_engine_steps()
    assert stop.value.kind in STOPPED
    assert (stop.value.file, stop.value.element) == (f"sonde_{probe.id}.bpmn", element_of(probe))
    # The worker that was killed is replaced: the next evaluation answers.
    assert SandboxedEnvironment(Limits(cpu_ms=300)).evaluate("min(a, 2)", {"a": 1}) == 1


def test_budgets_come_from_the_settings_and_are_reported_in_french(app: Flask) -> None:
    environment = SandboxedEnvironment(scripting.current_limits())
    with pytest.raises(SandboxStop) as stop:
        environment.evaluate("sum(range(10**10 + n))", {"n": 1})
    assert stop.value.kind == "temps"
    assert stop.value.what == "a dépassé le temps de calcul autorisé (300 ms de processeur)"
    with pytest.raises(SandboxStop) as stop:
        environment.evaluate("len('a' * (10**9 + n))", {"n": 1})
    assert stop.value.kind == "mémoire"
    assert stop.value.what == "a dépassé la mémoire autorisée (256 Mio)"


def test_values_that_are_not_data_never_reach_a_worker() -> None:
    environment = SandboxedEnvironment(Limits())
    with pytest.raises(TypeError, match="seules les données passent"):
        environment.evaluate("min(x, 1)", {"x": object()})


def test_a_script_keeps_the_data_semantics_of_spiffworkflow() -> None:
    environment = SandboxedEnvironment(Limits())
    context: dict[str, Any] = {"commission": {"decision": "accord", "montant_accorde_cents": 12000}, "n": 2}
    environment.execute(
        "decision = commission['decision']\nmontant = commission['montant_accorde_cents']", context
    )
    assert (context["decision"], context["montant"]) == ("accord", 12000)
    environment.execute("total = sum([n, 3])\nliste = [i for i in range(n)]\nf = len", context)
    assert (context["total"], context["liste"]) == (5, [0, 1])
    assert "f" not in context  # functions are not data: SpiffWorkflow drops them from the task data
    environment.execute("seuil = dmninputexpr + n", context, {"dmninputexpr": 10})
    assert context["seuil"] == 12
    assert "dmninputexpr" not in context


EXPRESSIONS = [
    "decision == 'accord'",
    "montant_cents <= plafond",
    "a + b <= plafond",
    "not pieces",
    "pieces == ''",
    "commission['decision']",
    "10 < montant_cents < 20000",
    "montant_cents > 0 and decision",
    "decision or 'refus'",
    "'a' if montant_cents > 5 else 'b'",
    "liste[1]",
    "decision in ('accord', 'refus')",
    "-montant_cents // 3 % 7",
    "montant_cents / 0",
    "decision < 3",
    "absent",
    "commission['absente']",
]
DATA = {
    "decision": "accord",
    "montant_cents": 15000,
    "plafond": 30000,
    "a": 1,
    "b": 2,
    "pieces": "",
    "commission": {"decision": "refus"},
    "liste": [1, 2, 3],
}


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_the_in_process_shortcut_answers_as_python_and_as_the_worker(expression: str) -> None:
    checked = policy.check(expression, "eval")
    assert checked.bounded_tree is not None, "this expression should take the shortcut"
    shortcut = SandboxedEnvironment(Limits())
    worker = SandboxedEnvironment(Limits(), bounded_in_process=False)
    outcomes = []
    for evaluate in (
        lambda: eval(expression, {"__builtins__": {}}, dict(DATA)),  # noqa: S307 - the reference
        lambda: shortcut.evaluate(expression, dict(DATA)),
        lambda: worker.evaluate(expression, dict(DATA)),
    ):
        try:
            outcomes.append(("value", evaluate()))
        except Exception as exc:
            outcomes.append(("error", type(exc).__name__))
    assert outcomes[0] == outcomes[1] == outcomes[2]


def test_the_shortcut_hands_big_operands_to_a_worker() -> None:
    tree = policy.check("texte == autre", "eval").bounded_tree
    assert tree is not None
    with pytest.raises(bounded.NotBoundedError):
        bounded.evaluate(tree, {"texte": "a" * (bounded.MAX_TEXT + 1), "autre": "b"})  # type: ignore[arg-type]
    with pytest.raises(bounded.NotBoundedError):
        bounded.evaluate(tree, {"texte": 1 << 5000, "autre": 1})  # type: ignore[arg-type]
    assert policy.check("x * y", "eval").bounded_tree is not None
    with pytest.raises(bounded.NotBoundedError):  # a text multiplied: only a worker bounds that
        bounded.evaluate(policy.check("x * y", "eval").bounded_tree, {"x": "a", "y": 10**9})  # type: ignore[arg-type]
    assert policy.check("x ** y", "eval").bounded_tree is None
    assert policy.check("min(x, y)", "eval").bounded_tree is None


# The barème page: the probes as DMN entries


TABLE = "eligibilite_colis.dmn"
MOTIF = '"Reste à vivre inférieur à 5 € par jour et par part : 8 colis sur 8 semaines"'


def _with_output(expression: str) -> str:
    """The shipped barème, its first rule's motif replaced by an expression."""
    original = (WORKFLOWS_DIR / TABLE).read_text(encoding="utf-8")
    escaped = expression.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert MOTIF in original
    return original.replace(MOTIF, escaped, 1)


def _send(client: FlaskClient, text: str) -> tuple[int, str]:
    response = client.post(
        "/administration/baremes",
        data={
            "csrf_token": csrf_token(client, "/administration/baremes"),
            "bareme": TABLE,
            "fichier": (io.BytesIO(text.encode()), TABLE),
        },
        content_type="multipart/form-data",
    )
    return response.status_code, text_of(response)


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    make_user("nadia", Role.ACCUEIL, Role.INSTRUCTEUR)
    return make_user("root", Role.ADMIN)


@pytest.mark.parametrize(
    "probe", [probe for probe in DEPLOY_PROBES if probe.mode == "eval"], ids=lambda probe: probe.id
)
def test_the_barème_page_refuses_the_probe_naming_file_table_and_rule(
    client: FlaskClient, admin: User, marker: Path, probe: Probe
) -> None:
    as_user(client, "root")
    status, page = _send(client, _with_output(probe.with_marker(str(marker))))
    assert status == 422, page[:2000]
    assert "Barème refusé : rien n'a été déployé." in page
    assert (
        "eligibilite_colis.dmn (élément « Table_eligibilite_colis ») « Éligibilité aux colis alimentaires », "
        "règle 1 « Rule_colis_tres_faible » : sortie « Motif » « " in page
    )
    assert "expression refusée" in page
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "barème.déploiement")).all() == []


@pytest.mark.parametrize(
    "probe", [probe for probe in RUN_PROBES if probe.mode == "eval"], ids=lambda probe: probe.id
)
def test_a_barème_probe_reading_data_is_stopped_as_an_incident_and_the_dossier_stays(
    client: FlaskClient, admin: User, marker: Path, probe: Probe
) -> None:
    as_user(client, "root")
    status, preview = _send(
        client, _with_output(probe.with_marker(str(marker)).replace("montant_cents", "rav_jour_cents"))
    )
    assert status == 200, preview[:2000]
    button = preview.index("Confirmer le déploiement")
    fields = dict(
        re.findall(
            r'<input type="hidden" name="(\w+)" value="([^"]*)">',
            preview[preview.rindex("<form", 0, button) : button],
        )
    )
    assert client.post("/administration/baremes", data=fields).status_code == 302

    agent = db.session.scalars(select(User).where(User.username == "nadia")).one()
    dossier = open_aid(agent, person_with_budget(agent, "Sonde", resources=20000), AidType.COLIS_ALIMENTAIRE)
    instance = instance_of(dossier)
    state, revision = instance.state, instance.revision
    as_user(client, "nadia")
    task = db.session.scalars(select(HumanTask).where(HumanTask.dossier_id == dossier.id)).one()
    form = {
        "situation": "Plus rien dans le réfrigérateur.",
        "csrf_token": csrf_token(client, f"/taches/{task.id}"),
    }
    response = client.post(f"/taches/{task.id}", data=form)
    page = text_of(response)
    assert response.status_code == 400, page[:2000]
    assert (
        "Étape arrêtée par le bac à sable : dans eligibilite_colis.dmn (table « Table_eligibilite_colis »), "
        "règle 1" in page
    )
    assert "appelé par colis_alimentaire.bpmn (élément « bareme » « Appliquer le barème »)" in page
    db.session.expire_all()
    instance = db.session.get(ProcessInstance, instance.id)
    assert instance is not None
    assert (instance.state, instance.revision) == (state, revision)
    assert db.session.get(HumanTask, task.id).completed_at is None  # type: ignore[union-attr]
    incident = db.session.scalars(select(EvaluationIncident)).one()
    assert (incident.file, incident.element, incident.rule) == (
        TABLE,
        "Table_eligibilite_colis",
        "1 « Rule_colis_tres_faible »",
    )
    assert incident.kind in STOPPED
    assert incident.dossier_id == dossier.id
    as_user(client, "root")
    processes = text_of(client.get("/administration/processus"))
    assert "Incidents d'évaluation" in processes
    assert incident.message in processes


def test_an_incident_in_a_scheduled_wake_up_is_kept_on_the_instance_and_in_the_incidents(
    app: Flask, make_user: Callable[..., User], travel: TravellingClock, tmp_path: Path
) -> None:
    """No request: the scheduler wakes the instance, the closing script overruns, the wake-up fails alone."""
    folder = tmp_path / "workflows"
    shutil.copytree(WORKFLOWS_DIR, folder)
    script = folder / "pieces_manquantes.bpmn"
    script.write_text(
        script.read_text(encoding="utf-8").replace(
            "<bpmn:script>pieces_recues = False</bpmn:script>",
            "<bpmn:script>pieces_recues = sum(range(10**10 + len(pieces_a_demander))) &lt; 0</bpmn:script>",
        ),
        encoding="utf-8",
    )
    deployment.deploy_folder(deployed_by="test", folder=folder)
    agent = make_user("julien", Role.ACCUEIL, Role.INSTRUCTEUR, Role.DELEGATAIRE)
    dossier = _waiting_for_documents(agent)
    travel.advance(timedelta(days=15, minutes=1))
    assert wake_due_instances() == 1
    _complete(agent, dossier, "relancer_pieces", {"moyen": "telephone", "date_relance": "2026-12-09"})
    instance = instance_of(dossier)
    state = instance.state
    travel.advance(timedelta(days=30, minutes=2))
    assert wake_due_instances() == 1  # handled: it failed, alone, and will be retried later
    db.session.expire_all()
    instance = db.session.get(ProcessInstance, instance.id)
    assert instance is not None
    assert instance.state == state
    assert instance.error.startswith(
        "Étape arrêtée par le bac à sable : dans pieces_manquantes.bpmn (élément « constater_absence » "
        "« Constater l'absence de réponse »), l'expression « pieces_recues = sum(range(10**10 + "
        "len(pieces_a_demander))) < 0 » a dépassé le temps de calcul autorisé (300 ms de processeur)."
    )
    kept = db.session.scalars(select(EvaluationIncident)).one()
    assert (kept.file, kept.element, kept.kind, kept.actor_name) == (
        "pieces_manquantes.bpmn",
        "constater_absence",
        "temps",
        "réveil planifié",
    )
    assert kept.dossier_id == dossier.id


def test_a_worker_lowers_its_own_limits_before_its_first_request() -> None:
    """What the README promises of a worker: no file written, no new process, no core, memory capped,
    and the unprivileged user when the service runs as root."""
    from service.engine.sandbox import pool as pools

    worker = pools._Worker(64)
    try:
        limits = Path(f"/proc/{worker.process.pid}/limits").read_text(encoding="ascii")
        status = Path(f"/proc/{worker.process.pid}/status").read_text(encoding="ascii")
    finally:
        worker.kill()
    for name in ("Max file size", "Max processes", "Max core file size"):
        assert re.search(rf"{name}\s+0\s+0\s", limits), limits
    address_space = re.search(r"Max address space\s+(\d+)\s", limits)
    assert address_space is not None
    assert (
        64 * 2**20 < int(address_space.group(1)) < 64 * 2**20 + 2**30
    )  # the budget on top of the worker at rest
    assert re.search(r"Max cpu time\s+\d+\s+\d+\s+seconds", limits)
    if os.geteuid() == 0:
        assert re.search(r"^Uid:\s+65534\s", status, re.MULTILINE), status


def test_a_runaway_timer_at_filing_refuses_the_request_and_keeps_no_dossier(
    client: FlaskClient, make_user: Callable[..., User], tmp_path: Path
) -> None:
    """A timer expression is evaluated when its task begins: here at filing, in the request that opens it."""
    folder = tmp_path / "workflows"
    shutil.copytree(WORKFLOWS_DIR, folder)
    diagram = folder / "secours_urgence.bpmn"
    runaway = "alerte_silence_le if sum(range(10**10 + dossier_id)) &gt; 0 else alerte_silence_le"
    diagram.write_text(
        diagram.read_text(encoding="utf-8").replace(
            "<bpmn:timeDate>alerte_silence_le</bpmn:timeDate>", f"<bpmn:timeDate>{runaway}</bpmn:timeDate>"
        ),
        encoding="utf-8",
    )
    deployment.deploy_folder(deployed_by="test", folder=folder)  # it reads data: only running it can tell
    agent = make_user("nadia", Role.ACCUEIL, Role.INSTRUCTEUR)
    person_id = person_with_budget(agent, "Minuterie")
    as_user(client, "nadia")
    page = f"/personnes/{person_id}"
    response = client.post(
        f"{page}/demandes",
        data={"aid_type": "secours_urgence", "reason": "Facture", "csrf_token": csrf_token(client, page)},
    )
    text = text_of(response)
    assert response.status_code == 400, text[:2000]
    assert (
        "Étape arrêtée par le bac à sable : dans secours_urgence.bpmn (élément « silence_evaluation » "
        "« Rejet implicite proche »), l'expression « alerte_silence_le if sum(range(10**10 + dossier_id)) "
        "> 0 else alerte_silence_le » a dépassé le temps de calcul autorisé (300 ms de processeur)." in text
    )
    db.session.expire_all()
    assert db.session.scalars(select(Dossier).where(Dossier.person_id == person_id)).all() == []
    incident = db.session.scalars(select(EvaluationIncident)).one()
    assert (incident.instance_id, incident.dossier_id, incident.element) == (None, None, "silence_evaluation")
