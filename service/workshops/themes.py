"""Workshop themes: the centre names them, edits them, and retires those it no longer runs."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from service.audit import service as audit
from service.audit.actions import AuditAction
from service.errors import InvalidInputError, NotFoundError
from service.extensions import db
from service.models import User, WorkshopTheme
from service.models.tenancy import get_in_centre
from service.unit_of_work import use_case
from service.workshops.access import require_organiser, require_registrar


def themes(*, actor: User, active_only: bool = False) -> Sequence[WorkshopTheme]:
    require_registrar(actor)
    query = select(WorkshopTheme).where(WorkshopTheme.centre_id == actor.centre_id)
    if active_only:
        query = query.where(WorkshopTheme.active.is_(True))
    return db.session.scalars(query.order_by(WorkshopTheme.name)).all()


@use_case
def save_theme(
    *, actor: User, name: str, description: str = "", active: bool = True, theme_id: int | None = None
) -> WorkshopTheme:
    """Add a theme, or rename, describe, retire or bring back one; two themes never share a name."""
    require_organiser(actor)
    name = " ".join(name.split())
    if not name:
        raise InvalidInputError("Donnez un nom au thème.", field="name")
    same_name = db.session.scalars(
        select(WorkshopTheme).where(WorkshopTheme.centre_id == actor.centre_id, WorkshopTheme.name == name)
    ).one_or_none()
    if theme_id is None:
        theme = WorkshopTheme(centre_id=actor.centre_id, name=name)
        db.session.add(theme)
    else:
        found = get_in_centre(db.session(), WorkshopTheme, theme_id, actor.centre_id)
        if found is None:
            raise NotFoundError("Ce thème n'existe pas dans votre centre.")
        theme = found
    if same_name is not None and same_name is not theme:
        raise InvalidInputError(f"Le thème « {name} » existe déjà.", field="name")
    theme.name, theme.description, theme.active = name, description.strip(), active
    db.session.flush()
    audit.record(
        action=AuditAction.ATELIER_THEME, subject_type="theme_atelier", subject_id=theme.id, actor=actor,
        details={"nom": name, "actif": active},
    )  # fmt: skip
    return theme
