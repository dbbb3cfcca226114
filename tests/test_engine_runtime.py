"""Instances: pinned to their definition version, stored without the spec, run in the sandbox."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from sqlalchemy import select

from service import deployment
from service.dossiers import service as dossiers
from service.dossiers import tasks
from service.engine import registry, runtime
from service.engine.scripting import Limits, SandboxedEnvironment, SandboxStop, make_script_engine
from service.engine.serialization import default_serialization
from service.extensions import db
from service.models import AidType, Dossier, ProcessInstance, Role, User
from service.paths import WORKFLOWS_DIR
from service.people import service as people


@pytest.fixture
def agent(make_user: Callable[..., User]) -> User:
    return make_user("agent", Role.ACCUEIL, Role.INSTRUCTEUR, Role.DELEGATAIRE)


def _open(agent: User, name: str = "Durand") -> Dossier:
    person = people.create(actor=agent, identity=people.Identity(last_name=name, first_name="Paul"))
    return dossiers.open_request(
        actor=agent, person_id=person.id, aid_type=AidType.SECOURS_URGENCE, reason="Loyer"
    )


def _instance(dossier: Dossier) -> ProcessInstance:
    return db.session.scalars(select(ProcessInstance).where(ProcessInstance.dossier_id == dossier.id)).one()


def _evaluate(agent: User, dossier: Dossier) -> None:
    task = next(
        row.line
        for row in tasks.worklist_page(actor=agent, view=tasks.WorklistView.TEAM).rows
        if row.line.dossier_id == dossier.id
    )
    form = {
        "situation": "Loyer impayé de deux mois.",
        "nature_besoin": "logement",
        "montant_cents": "200",
        "mode_paiement": "virement",
        "budget_declare": "on",  # the person declared no resources nor charges
    }
    tasks.complete_task(actor=agent, task_id=task.id, form=form)


def test_stored_state_leaves_the_spec_out(agent: User) -> None:
    instance = _instance(_open(agent))
    state = json.loads(instance.state)
    assert "spec" not in state
    assert "subprocess_specs" not in state
    workflow = runtime.load(instance)
    full = default_serialization(workflow)
    assert len(instance.state) < 0.5 * len(full)
    assert len(instance.state) < 8_000  # a few KB (invariant 4)


def test_changed_diagram_makes_a_new_version_and_running_dossiers_keep_theirs(
    app: Flask, agent: User, tmp_path: Path
) -> None:
    first = _open(agent, "Avant")
    v1 = _instance(first).definition
    folder = tmp_path / "workflows"
    shutil.copytree(WORKFLOWS_DIR, folder)
    bpmn = folder / "secours_urgence.bpmn"
    bpmn.write_text(bpmn.read_text().replace('name="Notifier la décision"', 'name="Informer la personne"'))

    changes = deployment.deploy_folder(deployed_by="test", folder=folder)
    assert {
        (d.key, d.version, d.created) for d in changes if d.key in {"secours_urgence", "pieces_manquantes"}
    } == {
        ("secours_urgence", v1.version + 1, True),
        ("pieces_manquantes", 1, False),  # untouched: no new version
    }
    assert [d.key for d in changes if d.created] == ["secours_urgence"]  # the other aids are untouched too
    again = deployment.deploy_folder(deployed_by="test", folder=folder)
    assert {d.created for d in again} == {False}

    second = _open(agent, "Apres")
    assert _instance(second).definition.version == v1.version + 1
    assert _instance(first).definition.id == v1.id
    _evaluate(agent, first)  # the old version still runs
    listing = app.test_cli_runner().invoke(args=["workflows", "list"]).output
    assert f"secours_urgence\tv{v1.version}\t{v1.content_hash[:12]}\t1 en cours" in listing
    assert f"secours_urgence\tv{v1.version + 1}\t" in listing


@pytest.mark.parametrize(
    "expression",
    [
        "__import__('os')",
        "().__class__.__base__.__subclasses__()",
        "open('/etc/passwd').read()",
        "getattr(1, '__class__')",
        "[c for c in ().__class__.__mro__]",
    ],
)
def test_escapes_fail_inside_the_sandbox(expression: str) -> None:
    environment = SandboxedEnvironment(Limits())
    with pytest.raises(SandboxStop) as stop:
        environment.evaluate(expression, {})
    assert stop.value.kind == "refus"


def test_sandbox_still_computes() -> None:
    environment = SandboxedEnvironment(Limits())
    assert (
        environment.evaluate("min(montant_cents, plafond) // 100", {"montant_cents": 25000, "plafond": 30000})
        == 250
    )
    context: dict[str, object] = {"a": 2}
    environment.execute("b = sum(range(a + 1))", context)
    assert context["b"] == 3
    with pytest.raises(SandboxStop):
        environment.evaluate("__builtins__['__import__']('os')", {})
    with pytest.raises(SandboxStop, match="nom interdit : memoryview"):
        environment.evaluate("memoryview(b'x')", {})
    with pytest.raises(NameError):  # not on the whitelist
        environment.evaluate("chr(65)", {})


SCRIPT_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="evasion" isExecutable="true">
    <bpmn:startEvent id="debut"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="script"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>x = __import__('os').getcwd()</bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="fin"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="debut" targetRef="script" />
    <bpmn:sequenceFlow id="f2" sourceRef="script" targetRef="fin" />
  </bpmn:process>
</bpmn:definitions>"""


def test_a_script_that_slipped_past_deployment_still_cannot_escape(app: Flask) -> None:
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(SCRIPT_BPMN.encode(), filename="evasion.bpmn")
    workflow = BpmnWorkflow(parser.get_spec("evasion"), script_engine=make_script_engine())
    with pytest.raises(SandboxStop, match="nom interdit : __import__") as stop:
        workflow.do_engine_steps()
    assert (stop.value.file, stop.value.element) == ("evasion.bpmn", "script")
    assert "x" not in workflow.data


def test_refused_at_deployment_when_it_is_in_the_folder(tmp_path: Path) -> None:
    (tmp_path / "evasion.bpmn").write_text(SCRIPT_BPMN, encoding="utf-8")
    with pytest.raises(registry.DiagramError, match=r"evasion\.bpmn"):
        registry.check_folder(tmp_path)
