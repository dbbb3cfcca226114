"""What deployment reports: a problem names its file, its element and, in a DMN table, its rule."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from service.errors import EntraideError


@dataclass(frozen=True)
class Problem:
    file: str
    element: str
    message: str
    name: str = ""  # the element's name, as the modeller shows it
    rule: str = ""  # in a DMN table: the rule's row and id

    def __str__(self) -> str:
        where = f" (élément « {self.element} »)" if self.element else ""
        named = f" « {self.name} »" if self.name and self.name != self.element else ""
        rule = f", règle {self.rule}" if self.rule else ""
        return f"{self.file}{where}{named}{rule} : {self.message}"


class DiagramError(EntraideError):
    """Some diagrams are invalid: none of the set is deployed."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        problems = list(dict.fromkeys(problems))  # one file called by several processes: one report
        super().__init__("Diagrammes refusés : " + " ; ".join(str(problem) for problem in problems))
        self.problems = problems
