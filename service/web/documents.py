"""Download an issued document."""

from __future__ import annotations

from io import BytesIO

from flask import Blueprint, send_file
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from service.documents import service as documents

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
