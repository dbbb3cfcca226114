"""Forms of the import of people: the file, the mapping of its columns, the confirmation of the preview."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField

from service.web.forms import Form, choices

NOT_IMPORTED = ""


class UploadForm(Form):
    fichier = FileField(
        "Fichier exporté (.csv ou .xlsx, 5 Mo au plus)",
        validators=[FileRequired("Choisissez le fichier à importer.")],
    )


class MappingForm(Form):
    """One list per field of the person, offering the file's columns; filled in from the centre's last one."""

    @classmethod
    def build(
        cls, fields: Sequence[tuple[str, str, bool]], headers: Sequence[str], proposed: Mapping[str, str],
        formdata: Any = None,
    ) -> MappingForm:  # fmt: skip
        class Bound(cls):  # type: ignore[valid-type,misc]
            pass

        options = choices([(NOT_IMPORTED, "— non importé —"), *((header, header) for header in headers)])
        for key, label, required in fields:
            title = f"{label} (obligatoire)" if required else label
            chosen = SelectField(title, choices=options, default=proposed.get(key, NOT_IMPORTED))
            setattr(Bound, key, chosen)
        form: MappingForm = Bound(formdata=formdata) if formdata is not None else Bound()
        return form

    def chosen(self, keys: Sequence[str]) -> dict[str, str]:
        return {key: getattr(self, key).data or "" for key in keys}


class ConfirmForm(Form):
    include_duplicates = BooleanField("Importer aussi les lignes signalées comme doublons")
