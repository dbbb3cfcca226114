"""Import of people and households: the file, the mapping of its columns, the progress and the preview."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from service.errors import InvalidInputError
from service.models import ImportStatus
from service.people import import_files, importing
from service.web.forms.people_import import ConfirmForm, MappingForm, UploadForm

bp = Blueprint("people_import", __name__, url_prefix="/personnes/import")

_FIELDS = [(f.key, f.label, f.required) for f in importing.FIELDS]


@bp.route("/", methods=["GET", "POST"])
@login_required
def index() -> Response | tuple[str, int]:
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.fichier.data
        try:
            content = upload.stream.read(import_files.MAX_BYTES + 1)
            found = importing.upload(actor=current_user, filename=upload.filename or "", content=content)
        except InvalidInputError as error:
            form.refuse(error)
        else:
            return redirect(url_for("people_import.mapping", import_id=found.id))
    status = 422 if form.errors or form.form_errors else 200
    recent = importing.recent(actor=current_user)
    return render_template(
        "people/import.html", form=form, recent=recent, fields=importing.FIELDS,
        max_mib=import_files.MAX_BYTES // (1024 * 1024), max_rows=import_files.MAX_ROWS,
    ), status  # fmt: skip


@bp.route("/<int:import_id>/correspondance", methods=["GET", "POST"])
@login_required
def mapping(import_id: int) -> Response | tuple[str, int]:
    found = importing.get(actor=current_user, import_id=import_id)
    proposed = importing.proposed_mapping(actor=current_user, found=found)
    form = MappingForm.build(
        _FIELDS, found.headers, proposed, request.form if request.method == "POST" else None
    )
    if form.validate_on_submit():
        try:
            importing.map_columns(
                actor=current_user, import_id=import_id, mapping=form.chosen(importing.FIELD_KEYS)
            )
        except InvalidInputError as error:
            form.refuse(error)
        else:
            return redirect(url_for("people_import.show", import_id=import_id))
    status = 422 if form.errors or form.form_errors else 200
    examples = found.rows[:3] if found.status is not ImportStatus.TERMINE else []
    return render_template(
        "people/import_mapping.html", form=form, found=found, examples=examples, fields=importing.FIELDS
    ), status


@bp.route("/<int:import_id>")
@login_required
def show(import_id: int) -> tuple[str, int]:
    return _render(import_id, ConfirmForm(), 200)


def _render(import_id: int, form: ConfirmForm, status: int) -> tuple[str, int]:
    page = request.args.get("page", "1")
    number = int(page) if page.isascii() and page.isdigit() and len(page) < 7 else 1
    preview = importing.preview(actor=current_user, import_id=import_id, page=number)
    return render_template("people/import_show.html", preview=preview, found=preview.found, form=form), status


@bp.route("/<int:import_id>/confirmer", methods=["POST"])
@login_required
def confirm(import_id: int) -> Response | tuple[str, int]:
    form = ConfirmForm()
    if not form.validate_on_submit():
        return _render(import_id, form, 422)
    try:
        importing.confirm(
            actor=current_user, import_id=import_id, include_duplicates=bool(form.include_duplicates.data)
        )
    except InvalidInputError as error:
        form.refuse(error)
        return _render(import_id, form, 422)
    flash("L'import est lancé : cette page suit son avancement.", "success")
    return redirect(url_for("people_import.show", import_id=import_id))
