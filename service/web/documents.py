"""Download an issued document; issue a correction of one."""

from __future__ import annotations

from io import BytesIO

from flask import Blueprint, flash, redirect, request, send_file, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from service.documents import corrections
from service.documents import service as documents
from service.web import confirmation

bp = Blueprint("documents", __name__, url_prefix="/documents")


@bp.route("/<int:document_id>")
@login_required
def download(document_id: int) -> Response:
    document = documents.download(actor=current_user, document_id=document_id)
    return send_file(
        BytesIO(document.content),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=document.filename,
    )


@bp.route("/<int:document_id>/rectificatif", methods=["POST"])
@login_required
def correct(document_id: int) -> Response | tuple[str, int]:
    if not confirmation.is_confirmed():
        original = corrections.correction_preview(actor=current_user, document_id=document_id)
        return confirmation.ask(
            title=f"Émettre un rectificatif du document n° {original.id} ?",
            consequences=[
                f"Un nouveau document annulera et remplacera « {original.title} » "
                f"(document n° {original.id}) : il est imprimé avec les données actuelles du dossier et le "
                "motif ci-dessous.",
                "Le document d'origine reste conservé tel quel ; un rectificatif émis ne se retire pas.",
            ],
            button="Émettre le rectificatif",
            back=url_for("dossiers.show", dossier_id=original.subject_id) + f"#document-{original.id}",
            typed=[confirmation.Typed("motif", "Motif (imprimé sur le rectificatif)", required=True)],
        )
    document = corrections.correct_document(
        actor=current_user, document_id=document_id, reason=request.form.get("motif", "")
    )
    flash(
        f"Le rectificatif est émis (document n° {document.id}) ; le document d'origine est conservé.",
        "success",
    )
    return redirect(url_for("dossiers.show", dossier_id=document.subject_id) + "#titre-documents")
