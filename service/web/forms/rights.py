"""Forms of the rights check: the facts the agent adds (housing, disability), and a right's follow-up."""

from __future__ import annotations

from wtforms import BooleanField, DateField, SelectField
from wtforms.validators import DataRequired

from service.models import FollowUpStatus, Housing
from service.rights.catalogue import RIGHTS
from service.web.forms import Form, choices


class EstimateForm(Form):
    housing = SelectField(
        "Logement", choices=choices((h.value, h.label) for h in Housing), validators=[DataRequired()]
    )
    disability = BooleanField("Handicap reconnu (taux d'incapacité d'au moins 80 %)")


class FollowUpForm(Form):
    right = SelectField(
        "Droit", choices=choices((r.key, r.label) for r in RIGHTS), validators=[DataRequired()]
    )
    status = SelectField(
        "Suite", choices=choices((s.value, s.label) for s in FollowUpStatus), validators=[DataRequired()]
    )
    on_date = DateField("Date", format="%Y-%m-%d", validators=[DataRequired("Saisissez une date valide.")])
