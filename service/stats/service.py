"""Use cases of the figures: the page, the CSV export, the ABS extract, the board's yearly report.

The head of service reads every cell; the board's members (president, vice-president, elected members) read
the same figures with the cells under five households masked, and so does every export and the report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from service import clock
from service.audit import service as audit
from service.audit.actions import AuditAction
from service.config import local_zone
from service.documents import service as documents
from service.errors import InvalidInputError
from service.models import Document, Role, User
from service.organisation import service as organisation
from service.permissions import require_role
from service.stats import catalogue, exports, report
from service.stats.figures import Figure, Split
from service.stats.masking import masked
from service.stats.period import Period
from service.unit_of_work import use_case

READING_ROLES = (Role.RESPONSABLE, Role.DELEGATAIRE, Role.ELU)
FIRST_YEAR = 2000


def sees_every_cell(actor: User) -> bool:
    """The head of service reads the figures unmasked; the board's members read them masked."""
    return actor.has_role(Role.RESPONSABLE)


@dataclass(frozen=True)
class FiguresPage:
    period: Period
    split: Split
    figures: list[Figure]
    masked: bool
    reports: Sequence[Document]


def today() -> Period:
    return Period.past_twelve_months(clock.now().astimezone(local_zone()).date())


def _figures(actor: User, period: Period, split: Split, *, mask: bool) -> list[Figure]:
    found = catalogue.figures(centre_id=actor.centre_id, period=period, split=split)
    return [masked(figure) for figure in found] if mask else found


def page(*, actor: User, period: Period, split: Split) -> FiguresPage:
    """The figures over the period, split as asked, masked unless the actor is the head of service."""
    require_role(actor, *READING_ROLES)
    mask = not sees_every_cell(actor)
    return FiguresPage(
        period=period,
        split=split,
        figures=_figures(actor, period, split, mask=mask),
        masked=mask,
        reports=documents.reports_of_centre(centre_id=actor.centre_id),
    )


@use_case
def export_csv(*, actor: User, period: Period, split: Split) -> bytes:
    """The page's figures as a CSV for French Excel, always masked; the export is audited."""
    require_role(actor, *READING_ROLES)
    centre = organisation.get_centre(actor.centre_id)
    content = exports.figures_csv(
        centre_name=centre.name,
        period=period,
        split_label=split.label,
        figures=_figures(actor, period, split, mask=True),
    )
    _audit_export(actor, period, "statistiques", split.value)
    return content


@use_case
def abs_extract(*, actor: User, period: Period) -> bytes:
    """The analyse des besoins sociaux extract, by commune then by quartier, masked; audited."""
    require_role(actor, Role.RESPONSABLE)
    figures = [
        *_figures(actor, period, Split.COMMUNE, mask=True),
        *_figures(actor, period, Split.QUARTIER, mask=True),
    ]
    content = exports.abs_csv(period=period, figures=figures)
    _audit_export(actor, period, "analyse des besoins sociaux", "commune et quartier")
    return content


def _audit_export(actor: User, period: Period, kind: str, split: str) -> None:
    audit.record(
        action=AuditAction.STATISTIQUES_EXPORT,
        subject_type="centre",
        subject_id=actor.centre_id,
        actor=actor,
        details={"export": kind, "répartition": split, "période": period.label()},
    )


@use_case
def issue_report(*, actor: User, year: int, commentary: Mapping[str, str]) -> Document:
    """The board's activity report of a year, figures by commune, masked, kept as a record."""
    require_role(actor, Role.RESPONSABLE)
    this_year = clock.now().astimezone(local_zone()).year
    if not FIRST_YEAR <= year <= this_year:
        raise InvalidInputError(f"Choisissez une année entre {FIRST_YEAR} et {this_year}.", field="year")
    if not any(text.strip() for text in commentary.values()):
        raise InvalidInputError("Rédigez au moins un commentaire de la direction.")
    figures = _figures(actor, Period.year(year), Split.COMMUNE, mask=True)
    document = report.issue(
        centre=organisation.get_centre(actor.centre_id),
        author=actor,
        year=year,
        commentary=commentary,
        figures=figures,
    )
    audit.record(
        action=AuditAction.STATISTIQUES_RAPPORT,
        subject_type="centre",
        subject_id=actor.centre_id,
        actor=actor,
        details={"année": year, "document": document.id},
    )
    return document


def reports(*, actor: User) -> Sequence[Document]:
    require_role(actor, Role.RESPONSABLE)
    return documents.reports_of_centre(centre_id=actor.centre_id)
