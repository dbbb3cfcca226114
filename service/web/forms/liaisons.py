"""Forms of the fiche de liaison: the town hall's form, and the phone evaluation's outcome."""

from __future__ import annotations

from typing import Any

from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from service.models import LiaisonOutcome
from service.web.forms import Form, choices


class LiaisonForm(Form):
    q = HiddenField()  # the search typed before, to list its results again
    person_id = HiddenField()  # the person picked among the results, "" when described
    last_name = StringField("Nom", validators=[Length(max=100)])
    first_name = StringField("Prénom", validators=[Length(max=100)])
    birth_year = IntegerField(
        "Année de naissance (si connue)", validators=[Optional(), NumberRange(min=1900, max=2100)]
    )
    phone = StringField("Téléphone", validators=[Length(max=40)])
    email = EmailField(
        "Courriel", validators=[Optional(), Email("Adresse de courriel invalide."), Length(max=200)]
    )
    question = TextAreaField(
        "Question posée par la personne",
        validators=[DataRequired("Indiquez la question posée."), Length(max=4000)],
    )
    urgent = BooleanField("Urgent : rappel le jour même")
    consent = BooleanField(
        "La personne accepte que sa demande et ses coordonnées soient transmises au centre",
        validators=[DataRequired("Sans l'accord de la personne, la fiche ne peut pas être envoyée.")],
    )


class EvaluationForm(Form):
    issue = RadioField("Suite donnée", validators=[DataRequired("Choisissez la suite donnée.")])
    note = TextAreaField(
        "Note de l'échange téléphonique",
        validators=[DataRequired("Écrivez quelques mots sur l'échange."), Length(min=3, max=2000)],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.issue.choices = choices((outcome.value, outcome.label) for outcome in LiaisonOutcome)
