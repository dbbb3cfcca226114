"""Forms of the figures page: the period and the split (a GET), and the board's yearly report."""

from __future__ import annotations

from wtforms import DateField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from service.stats.figures import Split
from service.stats.report import COMMENTARY
from service.web.forms import Form, choices

_DATE = "Saisissez une date valide."


class PeriodForm(Form):
    class Meta:
        csrf = False  # reading figures changes nothing

    debut = DateField("Du", validators=[Optional()], format="%Y-%m-%d")
    fin = DateField("Au", validators=[Optional()], format="%Y-%m-%d")
    repartition = SelectField(
        "Répartition", choices=choices((split.value, split.label) for split in Split), validators=[Optional()]
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.debut.messages = self.fin.messages = {"invalid": _DATE}


class ReportForm(Form):
    year = IntegerField(
        "Année", validators=[DataRequired("Indiquez l'année."), NumberRange(2000, 2100, "Année invalide.")]
    )
    introduction = TextAreaField(COMMENTARY["introduction"], validators=[Length(max=4000)])
    faits_marquants = TextAreaField(COMMENTARY["faits_marquants"], validators=[Length(max=4000)])
    perspectives = TextAreaField(COMMENTARY["perspectives"], validators=[Length(max=4000)])

    def commentary(self) -> dict[str, str]:
        return {key: getattr(self, key).data or "" for key in COMMENTARY}
