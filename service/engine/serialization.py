"""Instance state without its spec: specs are stored once per definition version and cached in memory."""

from __future__ import annotations

import json
from typing import Any

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer import DEFAULT_CONFIG


class SpecBundle:
    """A process spec with the specs of its call activities and subprocesses."""

    def __init__(self, spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]) -> None:
        self.spec = spec
        self.subprocess_specs = subprocess_specs


class _SpeclessWorkflowConverter(BpmnWorkflowConverter):  # type: ignore[misc]
    """Converts a workflow's tasks and data, leaving out the specs it was built from."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct: dict[str, Any] = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def restore_with(self, dct: dict[str, Any], bundle: SpecBundle) -> BpmnWorkflow:
        from uuid import UUID

        workflow = BpmnWorkflow(bundle.spec, bundle.subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


class StateCodec:
    """Turns specs and workflows into JSON-ready dicts and text, and back."""

    def __init__(self) -> None:
        registry = BpmnWorkflowSerializer.configure(DEFAULT_CONFIG)
        self._workflow_converter = _SpeclessWorkflowConverter(BpmnWorkflow, registry)
        self._serializer = BpmnWorkflowSerializer(registry)

    def spec_to_dict(self, bundle: SpecBundle) -> dict[str, Any]:
        registry = self._serializer.registry
        subprocess_specs = bundle.subprocess_specs.items()
        return {
            "spec": registry.convert(bundle.spec),
            "subprocess_specs": {name: registry.convert(sub) for name, sub in subprocess_specs},
        }

    def spec_from_dict(self, dct: dict[str, Any]) -> SpecBundle:
        registry = self._serializer.registry
        return SpecBundle(
            registry.restore(dct["spec"]),
            {name: registry.restore(sub) for name, sub in dct["subprocess_specs"].items()},
        )

    def dump_state(self, workflow: BpmnWorkflow) -> str:
        state: str = self._serializer.serialize_json(workflow)
        return state

    def load_state(self, state: str, bundle: SpecBundle) -> BpmnWorkflow:
        dct = json.loads(state)
        self._serializer.migrate(dct)
        return self._workflow_converter.restore_with(dct, bundle)


def default_serialization(workflow: BpmnWorkflow) -> str:
    """SpiffWorkflow's own serialization, spec included: the yardstick of the state-size benchmark."""
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(DEFAULT_CONFIG))
    text: str = serializer.serialize_json(workflow)
    return text
