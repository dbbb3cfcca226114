"""Forms of the domiciliation counter: a letter received, its hand-over, a visit, an end asked for."""

from __future__ import annotations

from typing import Any

from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from service.models import SenderKind
from service.web.forms import Form, choices

_REQUIRED = "Ce champ est obligatoire."


class MailForm(Form):
    sender_kind = SelectField("Expéditeur", validators=[DataRequired(_REQUIRED)])
    received_on = DateField("Reçu le", validators=[DataRequired("Indiquez une date valide.")])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sender_kind.choices = choices((kind.value, kind.label) for kind in SenderKind)


class HandOverForm(Form):
    signed_by = StringField(
        "Signé par", validators=[DataRequired("Indiquez qui a signé la remise."), Length(max=200)]
    )


class VisitForm(Form):
    """Only the CSRF token: the visit is now."""


class EndForm(Form):
    details = TextAreaField("Précisions (facultatives)", validators=[Optional(), Length(max=2000)])
