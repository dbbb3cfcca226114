"""Forms of the communes page: a commune the centre serves, a quartier of one of them."""

from __future__ import annotations

from wtforms import StringField
from wtforms.validators import DataRequired, Length, Regexp

from service.web.forms import Form

_REQUIRED = "Ce champ est obligatoire."


class CommuneForm(Form):
    insee_code = StringField(
        "Code INSEE",
        validators=[
            DataRequired(_REQUIRED),
            Regexp(r"^\s*[0-9][0-9ABab][0-9]{3}\s*$", message="Cinq caractères, par exemple 45234 ou 2A004."),
        ],
    )
    name = StringField("Nom de la commune", validators=[DataRequired(_REQUIRED), Length(max=100)])


class QuartierForm(Form):
    name = StringField("Nom du quartier", validators=[DataRequired(_REQUIRED), Length(max=100)])
