"""Documents: a dossier's issued documents, and downloading one (traced, refusals included)."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from flask import send_file
from flask_login import current_user
from werkzeug.wrappers import Response

from service.access.policy import Part
from service.api import problems, schemas
from service.api.auth import authenticate_call
from service.api.parsing import Blueprint
from service.documents import service as documents
from service.dossiers import reading
from service.errors import PermissionDeniedError

bp = Blueprint("api_documents", __name__, url_prefix="/api/v1", description="Documents émis.")
bp.before_request(authenticate_call)
problems.register(bp)


@bp.route("/dossiers/<int:dossier_id>/documents", methods=["GET"])
@bp.response(200, schemas.DocumentList)
def of_dossier(dossier_id: int) -> dict[str, Any]:
    """Les documents émis d'un dossier (partie « documents » : ce que la page du dossier en montre)."""
    page = reading.read_dossier(actor=current_user, dossier_id=dossier_id)
    if not page.reads(Part.DOCUMENTS):
        raise PermissionDeniedError("Vous n'avez pas accès aux documents de ce dossier.")
    return {
        "dossier_id": page.summary.id,
        "documents": [
            {
                "id": document.id,
                "titre": document.title,
                "numero": document.number,
                "fichier": document.filename,
                "sha256": document.sha256,
                "taille": document.size_bytes,
                "emis_le": document.created_at,
                "detruit_le": document.erased_at,
            }
            for document in page.documents
        ],
    }


@bp.route("/documents/<int:document_id>", methods=["GET"])
@bp.response(
    200, {"format": "binary", "type": "string"}, content_type="application/pdf", description="Le PDF."
)
def download(document_id: int) -> Response:
    """Télécharger un document émis (PDF/A), tel qu'il a été émis : son SHA-256 est dans la liste."""
    document = documents.download(actor=current_user, document_id=document_id)
    return send_file(
        BytesIO(document.content),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=document.filename,
    )
