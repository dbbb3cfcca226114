"""Corrections: a new document that cancels and replaces an issued one, which stays as it was issued."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import select

from service.access import service as access
from service.access.policy import Action
from service.audit import service as audit
from service.audit.actions import AuditAction
from service.documents import letters
from service.documents.rendering import date_long
from service.errors import ConflictError, InvalidInputError, NotFoundError
from service.extensions import db
from service.models import Document, Dossier, Role, User
from service.models.tenancy import get_in_centre
from service.permissions import require_role
from service.unit_of_work import reading_use_case, use_case

# The secretariat prints and sends the centre's letters, the head of service answers for them: they issue a
# rectificatif once the person's data is put right. Instructors correct the data, not the signed acts.
CORRECTING_ROLES = (Role.SECRETARIAT, Role.RESPONSABLE)


@use_case
def correct_document(*, actor: User, document_id: int, reason: str) -> Document:
    """Print the document again from what it was issued with and the dossier's current data, saying which
    document it cancels and replaces and why; the original is kept unchanged."""
    original, dossier = _correctable(actor, document_id)
    reason = reason.strip()
    if not reason:
        raise InvalidInputError("Indiquez le motif du rectificatif : il est imprimé sur le nouveau document.")
    newer = correction_of(original)
    if newer is not None:
        raise ConflictError(_already_corrected(newer))
    document = letters.reissue_decision_letter(
        original=original, dossier=dossier, author=actor, reason=reason
    )
    audit.record(
        action=AuditAction.DOCUMENT_RECTIFICATIF, subject_type="dossier", subject_id=dossier.id, actor=actor,
        details={"document": document.id, "rectifie": original.id, "motif": reason},
    )  # fmt: skip
    return document  # corrected at the same moment by someone else: the constraint on corrects_id says so


@reading_use_case
def correction_preview(*, actor: User, document_id: int) -> Document:
    """The document a rectificatif would cancel and replace, for its confirmation; nothing changes."""
    original, _ = _correctable(actor, document_id)
    newer = correction_of(original)
    if newer is not None:
        raise ConflictError(_already_corrected(newer))
    return original


def _correctable(actor: User, document_id: int) -> tuple[Document, Dossier]:
    require_role(actor, *CORRECTING_ROLES)
    original = get_in_centre(db.session(), Document, document_id, actor.centre_id)
    if original is None:
        raise NotFoundError("Ce document n'existe pas dans votre centre.")
    if not may_be_corrected(original):
        raise InvalidInputError("Seules les lettres de décision d'un dossier peuvent être rectifiées ici.")
    # Asked before the reason is read: a refused actor learns nothing of the dossier, not even its rules.
    return original, access.dossier(actor, original.subject_id, needs=Action.RECTIFIER).dossier


def may_be_corrected(document: Document) -> bool:
    """A dossier's decision letter issued with its parameters (those issued before they were kept: no)."""
    return (
        document.kind in (letters.KIND, letters.CORRECTION_KIND)
        and document.subject_type == "dossier"
        and bool(document.issue_params)
    )


def correction_of(document: Document) -> Document | None:
    return db.session.scalars(select(Document).where(Document.corrects_id == document.id)).first()


def corrected_by(documents: Sequence[Document]) -> Mapping[int, Document]:
    """For each document of the list a later one of the list corrects, that correction."""
    return {document.corrects_id: document for document in documents if document.corrects_id is not None}


def _already_corrected(newer: Document) -> str:
    return (
        f"Ce document a déjà été rectifié par le document n° {newer.id} ({newer.title}, émis le "
        f"{date_long(newer.created_at)}) : c'est ce dernier qu'il faut rectifier."
    )
