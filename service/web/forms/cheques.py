"""Form of the stock page: a cheque book received."""

from __future__ import annotations

from typing import Any

from wtforms import IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from service.models import ChequeNature
from service.web.forms import Form
from service.web.forms.people import EurosField

_MAX_NUMBER = 999_999_999  # cheque numbers are printed on nine digits at most
_REQUIRED = "Ce champ est obligatoire."


class ChequeBookForm(Form):
    series = StringField("Série", validators=[DataRequired(_REQUIRED), Length(max=20)])
    nature = SelectField("Nature", validators=[DataRequired(_REQUIRED)])
    face_value = EurosField("Valeur faciale (€)", validators=[DataRequired(_REQUIRED)])
    first_number = IntegerField(
        "Premier numéro",
        validators=[
            InputRequired(_REQUIRED),
            NumberRange(min=1, max=_MAX_NUMBER, message="Un numéro va de 1 à 999 999 999."),
        ],
    )
    last_number = IntegerField(
        "Dernier numéro",
        validators=[
            InputRequired(_REQUIRED),
            NumberRange(min=1, max=_MAX_NUMBER, message="Un numéro va de 1 à 999 999 999."),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.nature.choices = [SelectChoice(nature.value, nature.label) for nature in ChequeNature]
