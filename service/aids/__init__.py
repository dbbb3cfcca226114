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

from service.config import current_settings
from service.engine import services
from service.engine.services import Operation
from service.models import Dossier, User
from service.models.dossier import AID_LABELS

if TYPE_CHECKING:
    from service.aids.decisions import CommitteeDecision

# A hook applies a completed form to the dossier and returns the data the process goes on with;
# it sees the process data of the task (what the barème found, what earlier steps decided).
TaskHook = Callable[[Dossier, dict[str, Any], User, dict[str, Any]], dict[str, Any]]
Choices = dict[str, list[tuple[str, str]]]


@dataclass(frozen=True)
class EmptyChoice:
    """Why the service has nothing to offer for a field of a task, and the page where that is put right."""

    why: str  # "Aucun carnet de chèques de cette nature n'est en stock."
    fix_label: str  # "Entrer un carnet en stock"
    fix_endpoint: str | None = None  # the page where it is fixed (a Flask endpoint); None: the settings


NOTHING_TO_CHOOSE = EmptyChoice(
    why="Le service n'a aucun choix à proposer pour ce champ.",
    fix_label="Demandez à l'administrateur·rice du centre de compléter les réglages",
)


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
    # For a field whose choices come from the service: what to say when there are none, and where to fix it.
    empty_choices: Mapping[str, EmptyChoice] = field(default_factory=dict)
    # What the committee's decision does to the dossier; None: the committee never decides this aid.
    decide_in_committee: Callable[[Dossier, CommitteeDecision, User], None] | None = None
    # Its own settings, ENTRAIDE_<NAME> (and the instance file), with their defaults, which give their types
    # (a whole number, or a text; a name ending in _DELAY is an ISO 8601 duration); read with `number`/`text`.
    settings: Mapping[str, int | str] = field(default_factory=dict)
    # The setting holding its yearly ceiling per household, in cents; None: the aid has none.
    annual_ceiling_setting: str | None = None
    # What its settings must satisfy together, in French when they do not; None when they do.
    check_settings: Callable[[Mapping[str, int | str]], str | None] = lambda values: None
    # What the aid became (parcels, cheques, a loan…), for the dossier page section `dossier.html`.
    execution: Callable[[Dossier], Mapping[str, Any]] = nothing_executed
    # The folder of its diagram (<key>.bpmn) and its forms (forms/*.json), when the aid brings its own;
    # None: they lie in the workflows folder the service deploys, like the shipped aids'.
    diagram_folder: Path | None = None
    # Its templates: `dossier.html` (the dossier page's section), its papers; None: it has none.
    templates: Path | None = None
    # The service tasks of its diagram: operation name → what it does (service.engine.services).
    operations: Mapping[str, Operation] = field(default_factory=dict)
    # Where it comes in lists (the request form, a committee agenda): smaller first.
    position: int = 100
    # False for a request the centre only forwards to the authority that decides (legal aid): no implicit
    # rejection by the centre, and its acknowledgement of receipt says where the request goes.
    centre_decides: bool = True
    # Whether the centre decides it, so that the board may delegate its decisions (R123-21 CASF); legal aid
    # is decided by another authority.
    delegable: bool = True

    def hook(self, task_name: str) -> TaskHook:
        return self.hooks[task_name]

    def nothing_to_choose(self, task_name: str, dossier: Dossier) -> dict[str, EmptyChoice]:
        """The task's fields the service offers no choice for, each with why and where it is fixed."""
        return {
            name: self.empty_choices.get(name, NOTHING_TO_CHOOSE)
            for name, options in self.choices(task_name, dossier).items()
            if not options
        }

    def number(self, name: str) -> int:
        """One of its whole-number settings, as in force."""
        value = self._setting(name)
        if not isinstance(value, int):
            raise TypeError(f"{name} n'est pas un réglage numérique de l'aide {self.key}")
        return value

    def text(self, name: str) -> str:
        """One of its text settings, as in force."""
        return str(self._setting(name))

    def annual_ceiling_cents(self) -> int | None:
        return self.number(self.annual_ceiling_setting) if self.annual_ceiling_setting else None

    def _setting(self, name: str) -> int | str:
        default = self.settings[name]  # an undeclared name is a programming error
        return current_settings().extra.get(name, default)  # a registered aid: its default


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


def delegable_aids() -> list[Aid]:
    """The aids the board may delegate the decision of: those the centre decides."""
    return [aid for aid in all_aids() if aid.delegable]


def get(key: str) -> Aid:
    try:
        return _discover().get(key) or _registered[key]
    except KeyError:
        raise LookupError(f"aucune aide ne porte la clé « {key} »") from None


def is_aid(key: str) -> bool:
    return key in _discover() or key in _registered


def register_operations() -> None:
    """Make the service tasks every aid declares callable from its diagram (the application factory)."""
    for aid in all_aids():
        for name, operation in aid.operations.items():
            services.register(name, operation)


def declared_settings() -> dict[str, int | str]:
    """Every setting the aids declare, with its default (for the settings loader)."""
    declared: dict[str, int | str] = {}
    for aid in all_aids():
        for name, default in aid.settings.items():
            if declared.get(name, default) != default:
                raise ValueError(f"le réglage {name} est déclaré deux fois avec des valeurs différentes")
            declared[name] = default
    return declared


def settings_problem(extra: Mapping[str, int | str]) -> str | None:
    """What the aids find wrong in their settings together, in French; None when all is well."""
    for aid in all_aids():
        values = {name: extra.get(name, default) for name, default in aid.settings.items()}
        problem = aid.check_settings(values)
        if problem:
            return problem
    return None
