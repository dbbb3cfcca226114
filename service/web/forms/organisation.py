"""Forms of the centre's pages: a commune it serves, a quartier of one of them, its identity on the acts."""

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


class IdentityForm(Form):
    """The lengths and formats are checked by the use case, which says what is wrong on the field."""

    name = StringField("Nom du centre")
    address_line = StringField("Adresse (numéro et voie)")
    postal_code = StringField("Code postal")
    city = StringField("Commune")
    phone = StringField("Téléphone")
    email = StringField("Courriel")
    president_name = StringField("Prénom et nom du président ou de la présidente")
    president_title = StringField("Sa qualité, telle que les actes l'impriment")
    tribunal_name = StringField("Tribunal administratif compétent")
    tribunal_address = StringField("Adresse du tribunal")
