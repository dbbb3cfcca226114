"""Forms of the committee pages: a session planned, a member entered."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from wtforms import DateField, EmailField, SelectField, StringField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from service.config import local_zone
from service.models import MemberKind, SessionKind, User
from service.web.forms import Form

_REQUIRED = "Ce champ est obligatoire."


class SessionForm(Form):
    kind = SelectField("Instance", validators=[DataRequired(_REQUIRED)])
    day = DateField("Date", validators=[DataRequired("Indiquez une date valide.")])
    hour = TimeField("Heure", validators=[DataRequired("Indiquez une heure valide.")])
    place = StringField("Lieu", validators=[DataRequired(_REQUIRED), Length(max=200)])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = [SelectChoice(kind.value, kind.label) for kind in SessionKind]

    @property
    def starts_at(self) -> datetime:
        """The moment typed, in the centre's time zone."""
        return datetime.combine(self.day.data, self.hour.data, tzinfo=local_zone())


class MemberForm(Form):
    full_name = StringField("Nom et prénom", validators=[DataRequired(_REQUIRED), Length(max=200)])
    kind = SelectField("Qualité", validators=[DataRequired(_REQUIRED)])
    email = EmailField(
        "Courriel", validators=[Optional(), Email("Adresse de courriel invalide."), Length(max=200)]
    )
    phone = StringField("Téléphone", validators=[Optional(), Length(max=40)])
    mandate_start = DateField("Début du mandat", validators=[DataRequired("Indiquez une date valide.")])
    mandate_end = DateField("Fin du mandat", validators=[Optional()])
    account = SelectField("Compte Entraide (pour consulter les ordres du jour)", validators=[Optional()])

    def __init__(self, *args: Any, accounts: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = [SelectChoice(kind.value, kind.label) for kind in MemberKind]
        self.account.choices = [SelectChoice("", "Aucun")] + [
            SelectChoice(str(user.id), f"{user.full_name} ({user.username})") for user in accounts
        ]
