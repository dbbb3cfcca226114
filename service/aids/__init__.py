"""The aids: each is declared once, in a package of its own under service/aids/, as `AID = Aid(...)`.

A declaration says everything the service needs to run the aid: its key (the process key of its diagram and
the dossier's `aid_type`), its French label, its diagram, what its process starts with, what each human task
writes into the dossier (a hook per task; `pass_through` for a task that only hands its form to the process),
its form prefills and the choices only the service knows, what a committee decision does to it, its yearly
ceiling, its own settings with their defaults, what it became (shown on the dossier page) and the folder of
its templates. The registry finds every package of service/aids/ that declares an AID; an aid declared
elsewhere (a test's) is added with `register`. Nothing else in the service lists the aids.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from service.models import Dossier, User
from service.models.dossier import AID_LABELS
from service.paths import WORKFLOWS_DIR

if TYPE_CHECKING:
    from service.aids.decisions import CommitteeDecision

# A hook applies a completed form to the dossier and returns the data the process goes on with;
# it sees the process data of the task (what the barème found, what earlier steps decided).
TaskHook = Callable[[Dossier, dict[str, Any], User, dict[str, Any]], dict[str, Any]]
Choices = dict[str, list[tuple[str, str]]]


def pass_through(
    dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]
) -> dict[str, Any]:
    """A task whose form only goes on to the process: nothing to write into the dossier."""
    return dict(values)


def no_choices(task_name: str, dossier: Dossier) -> Choices:
    return {}


def no_prefill(task_name: str, dossier: Dossier, process: dict[str, Any]) -> dict[str, str]:
    return {}


def no_start_data(filed_at: datetime) -> dict[str, Any]:
    return {}


def nothing_executed(dossier: Dossier) -> Mapping[str, Any]:
    return {}


@dataclass(frozen=True)
class Aid:
    """One aid of the centre: what the service needs to open, instruct, decide and carry out its dossiers."""

    key: str  # the process key of its diagram, and Dossier.aid_type
    label: str  # "Secours d'urgence"
    hooks: Mapping[str, TaskHook]  # every human task of its diagram; deployment refuses one missing here
    start_data: Callable[[datetime], dict[str, Any]] = no_start_data
    prefill: Callable[[str, Dossier, dict[str, Any]], dict[str, str]] = no_prefill
    choices: Callable[[str, Dossier], Choices] = no_choices
    # What the committee's decision does to the dossier; None: the committee never decides this aid.
    decide_in_committee: Callable[[Dossier, CommitteeDecision, User], None] | None = None
    # The yearly ceiling per household in cents, read from the settings; None: the aid has none.
    annual_ceiling_cents: Callable[[], int | None] = lambda: None
    # Its own settings, ENTRAIDE_<NAME> (and the instance file), with their defaults; read with `setting`.
    settings: Mapping[str, int | str] = field(default_factory=dict)
    # What the aid became (parcels, cheques, a loan…), for the dossier page section `dossier.html`.
    execution: Callable[[Dossier], Mapping[str, Any]] = nothing_executed
    # Its BPMN file; its forms lie in forms/ beside it. Shipped aids keep theirs in workflows/.
    diagram: Path = Path()
    # Its templates: `dossier.html` (the dossier page's section), its papers; None: it has none.
    templates: Path | None = None
    # Where it comes in lists (the request form, a committee agenda): smaller first.
    position: int = 100

    def hook(self, task_name: str) -> TaskHook:
        return self.hooks[task_name]

    @property
    def diagram_file(self) -> Path:
        return self.diagram if self.diagram != Path() else WORKFLOWS_DIR / f"{self.key}.bpmn"


_registered: dict[str, Aid] = {}
_discovered: dict[str, Aid] | None = None


def _discover() -> dict[str, Aid]:
    global _discovered
    if _discovered is None:
        found: dict[str, Aid] = {}
        for module in pkgutil.iter_modules(__path__, f"{__name__}."):
            if module.ispkg:
                declared = getattr(importlib.import_module(module.name), "AID", None)
                if isinstance(declared, Aid):
                    found[declared.key] = declared
                    AID_LABELS[declared.key] = declared.label
        _discovered = dict(sorted(found.items(), key=lambda item: (item[1].position, item[0])))
    return _discovered


def register(aid: Aid) -> None:
    """Add an aid declared outside service/aids/ (a test's); its key must be new."""
    if aid.key in _discover() or _registered.get(aid.key, aid) is not aid:
        raise ValueError(f"une aide porte déjà la clé « {aid.key} »")
    _registered[aid.key] = aid
    AID_LABELS[aid.key] = aid.label


def unregister(key: str) -> None:
    """Forget an aid added with `register` (a test cleaning up after itself)."""
    if _registered.pop(key, None) is not None:
        AID_LABELS.pop(key, None)


def all_aids() -> list[Aid]:
    """Every aid, in the order the pages list them."""
    return sorted([*_discover().values(), *_registered.values()], key=lambda aid: (aid.position, aid.key))


def get(key: str) -> Aid:
    try:
        return _discover().get(key) or _registered[key]
    except KeyError:
        raise LookupError(f"aucune aide ne porte la clé « {key} »") from None


def is_aid(key: str) -> bool:
    return key in _discover() or key in _registered
