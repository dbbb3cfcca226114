"""Form of the stock page: a cheque book received."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from service.models import ChequeNature
from service.people.forms import EurosField

_REQUIRED = "Ce champ est obligatoire."


class ChequeBookForm(FlaskForm):  # type: ignore[misc]
    series = StringField("Série", validators=[DataRequired(_REQUIRED), Length(max=20)])
    nature = SelectField("Nature", validators=[DataRequired(_REQUIRED)])
    face_value = EurosField("Valeur faciale (€)", validators=[DataRequired(_REQUIRED)])
    first_number = IntegerField(
        "Premier numéro",
        validators=[InputRequired(_REQUIRED), NumberRange(min=1, message="Un numéro commence à 1.")],
    )
    last_number = IntegerField(
        "Dernier numéro",
        validators=[InputRequired(_REQUIRED), NumberRange(min=1, message="Un numéro commence à 1.")],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.nature.choices = [SelectChoice(nature.value, nature.label) for nature in ChequeNature]
