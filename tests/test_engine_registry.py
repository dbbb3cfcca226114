"""The registry: shipped diagrams are valid and laid out; invalid ones are refused by file and element."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import Flask
from lxml import etree
from sqlalchemy import func, select

from service import deployment
from service.engine import registry
from service.engine.registry import DiagramError
from service.extensions import db
from service.models import ProcessDefinition
from service.paths import WORKFLOWS_DIR
from service.workshops import operations

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
BPMNDI = "{http://www.omg.org/spec/BPMN/20100524/DI}"


@pytest.fixture(autouse=True)
def service_operations() -> None:
    """The operations the diagrams' service tasks call, as the application factory registers them."""
    operations.register()


def _shipped() -> dict[str, str]:
    return {
        path.relative_to(WORKFLOWS_DIR).as_posix(): path.read_text(encoding="utf-8")
        for pattern in ("*.bpmn", "*.dmn", "forms/*.json")
        for path in WORKFLOWS_DIR.glob(pattern)
    }


def test_shipped_diagrams_are_valid() -> None:
    keys = {process.key for process in registry.check_folder(WORKFLOWS_DIR)}
    assert "secours_urgence" in keys


@pytest.mark.parametrize("path", sorted(WORKFLOWS_DIR.glob("*.bpmn")), ids=lambda p: p.name)
def test_every_shipped_element_has_its_layout(path: Path) -> None:
    """Without BPMN DI a diagram does not open in bpmn.io or Camunda Modeler."""
    tree = etree.parse(str(path))
    drawn = {element.get("bpmnElement") for element in tree.iter(f"{BPMNDI}BPMNShape", f"{BPMNDI}BPMNEdge")}
    elements = {
        element.get("id")
        for element in tree.iter()
        if isinstance(element.tag, str)
        and element.tag.startswith(BPMN)
        and element.tag[len(BPMN) :]
        in {
            "startEvent",
            "endEvent",
            "userTask",
            "businessRuleTask",
            "scriptTask",
            "exclusiveGateway",
            "parallelGateway",
            "sequenceFlow",
            "lane",
            "participant",
            "boundaryEvent",
            "callActivity",
            "intermediateCatchEvent",
            "serviceTask",
            "manualTask",
        }
    }
    assert elements
    assert elements - drawn == set()


def _refused(sources: dict[str, str]) -> list[str]:
    with pytest.raises(DiagramError) as refusal:
        registry.check_sources(sources)
    return [str(problem) for problem in refusal.value.problems]


def test_broken_xml_is_refused_with_its_file() -> None:
    sources = {**_shipped(), "casse.bpmn": "<bpmn:definitions"}
    assert any(problem.startswith("casse.bpmn") for problem in _refused(sources))


def test_task_in_an_unknown_lane_is_refused() -> None:
    sources = _shipped()
    sources["secours_urgence.bpmn"] = sources["secours_urgence.bpmn"].replace(
        'name="instructeur"', 'name="stagiaire"'
    )
    problems = _refused(sources)
    assert any(
        "secours_urgence.bpmn (élément « evaluer »)" in p and "couloir « stagiaire »" in p for p in problems
    )


@pytest.mark.parametrize(
    "escape",
    ["__import__('os').system('id')", "().__class__.__base__.__subclasses__()", "open('/etc/passwd')"],
)
def test_condition_escaping_the_sandbox_is_refused(escape: str) -> None:
    sources = _shipped()
    sources["secours_urgence.bpmn"] = (
        sources["secours_urgence.bpmn"]
        .replace("decision == &quot;accord&quot;", escape.replace("'", "&apos;"))
        .replace('decision == "accord"', escape)
    )
    problems = _refused(sources)
    assert any(
        "secours_urgence.bpmn (élément « suite_decision »)" in p and "expression refusée" in p
        for p in problems
    )


def test_dmn_entry_escaping_the_sandbox_is_refused_and_blamed_on_the_table() -> None:
    sources = _shipped()
    sources["eligibilite_secours.dmn"] = sources["eligibilite_secours.dmn"].replace(
        "<text>True</text>", "<text>().__class__.__base__.__subclasses__()</text>"
    )
    problems = _refused(sources)
    assert any(
        p.startswith("eligibilite_secours.dmn (élément « Table_eligibilite_secours »)")
        and "règle 1 « Rule_eligible »" in p
        and "expression refusée : attribut interdit : __class__" in p
        for p in problems
    )
    assert not any(p.startswith("secours_urgence.bpmn") for p in problems)  # not the diagram calling it


def test_a_service_task_naming_an_unknown_operation_is_refused() -> None:
    sources = _shipped()
    sources["atelier_collectif.bpmn"] = sources["atelier_collectif.bpmn"].replace(
        'id="atelier.rappels"', 'id="atelier.envoyer_sms"'
    )
    assert any(
        "atelier_collectif.bpmn (élément « envoyer_rappels »)" in p
        and "opération de service inconnue : « atelier.envoyer_sms »" in p
        for p in _refused(sources)
    )


def test_missing_and_invalid_forms_are_refused() -> None:
    sources = _shipped()
    del sources["forms/notification.json"]
    sources["forms/versement.json"] = sources["forms/versement.json"].replace(
        '"format": "cents"', '"format": "iban"'
    )
    problems = _refused(sources)
    assert any("formulaire introuvable : forms/notification.json" in p for p in problems)
    assert any("forms/versement.json" in p and "format inconnu : iban" in p for p in problems)


def test_a_refused_set_deploys_nothing(app: Flask, tmp_path: Path) -> None:
    folder = tmp_path / "workflows"
    shutil.copytree(WORKFLOWS_DIR, folder)
    bpmn = folder / "secours_urgence.bpmn"
    bpmn.write_text(bpmn.read_text().replace("Évaluer la situation", "Évaluer"), encoding="utf-8")
    (folder / "autre.bpmn").write_text("<pas du bpmn/>", encoding="utf-8")
    before = db.session.scalar(select(func.count()).select_from(ProcessDefinition))
    with pytest.raises(DiagramError, match=r"autre\.bpmn"):
        deployment.deploy_folder(deployed_by="test", folder=folder)
    assert db.session.scalar(select(func.count()).select_from(ProcessDefinition)) == before


def test_check_command_names_the_file_and_fails(app: Flask, tmp_path: Path) -> None:
    folder = tmp_path / "workflows"
    shutil.copytree(WORKFLOWS_DIR, folder)
    (folder / "forms" / "notification.json").unlink()
    result = app.test_cli_runner().invoke(args=["workflows", "check", "--dossier", str(folder)])
    assert result.exit_code == 1
    assert (
        "ERREUR secours_urgence.bpmn (élément « notifier ») « Notifier la décision » : formulaire introuvable"
        in result.output
    )

    good = app.test_cli_runner().invoke(args=["workflows", "check"])
    assert good.exit_code == 0
    assert "ok\tsecours_urgence\t" in good.output
    assert "ok\tpieces_manquantes\t" in good.output
