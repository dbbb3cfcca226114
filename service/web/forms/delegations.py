"""Forms of the acts of delegation: a deliberation of the board, a president's delegation of signature; and
a session postponed or cancelled."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from wtforms import (
    BooleanField,
    DateField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, Optional

from service.config import local_zone
from service.models import DelegateeCapacity, User
from service.web.forms import Form, choices

_REQUIRED = "Ce champ est obligatoire."
_DATE = "Indiquez une date valide."


class DeliberationForm(Form):
    number = StringField("Numéro de la délibération", validators=[DataRequired(_REQUIRED), Length(max=40)])
    adopted_on = DateField("Adoptée le", validators=[DataRequired(_DATE)])
    in_force_from = DateField("En vigueur à partir du", validators=[DataRequired(_DATE)])
    holder = SelectField(
        "Délégataire (président·e ou vice-président·e)", validators=[DataRequired(_REQUIRED)]
    )
    capacity = SelectField("En qualité de", validators=[DataRequired(_REQUIRED)])
    aids = SelectMultipleField(
        "Aides déléguées", validators=[DataRequired("Cochez au moins une aide déléguée.")]
    )
    covers_amendments = BooleanField("La délégation couvre les avenants aux prêts accordés")

    def __init__(self, *args: Any, holders: list[User], aids: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.holder.choices = choices([("", "—")] + [(str(user.id), user.full_name) for user in holders])
        self.capacity.choices = choices((capacity.value, capacity.label) for capacity in DelegateeCapacity)
        self.aids.choices = choices(aids)
        self.aid_keys = [key for key, _ in aids]


class SignatureDelegationForm(Form):
    number = StringField("Numéro de l'arrêté", validators=[DataRequired(_REQUIRED), Length(max=40)])
    signed_on = DateField("Signé le", validators=[DataRequired(_DATE)])
    delegator = SelectField(
        "Délégant (titulaire d'une délégation du conseil)", validators=[DataRequired(_REQUIRED)]
    )
    holder = SelectField("Agent qui reçoit la délégation de signature", validators=[DataRequired(_REQUIRED)])
    aids = SelectMultipleField(
        "Pour les décisions de", validators=[DataRequired("Cochez au moins une aide.")]
    )
    valid_from = DateField("Valable à partir du", validators=[DataRequired(_DATE)])
    valid_until = DateField("Jusqu'au (facultatif)", validators=[Optional()])

    def __init__(
        self,
        *args: Any,
        delegators: list[User],
        agents: list[User],
        aids: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.delegator.choices = choices(
            [("", "—")] + [(str(user.id), user.full_name) for user in delegators]
        )
        self.holder.choices = choices([("", "—")] + [(str(user.id), user.full_name) for user in agents])
        self.aids.choices = choices(aids)


class PostponeForm(Form):
    day = DateField("Nouvelle date", validators=[DataRequired(_DATE)])
    hour = TimeField("Heure", validators=[DataRequired("Indiquez une heure valide.")])
    reason = TextAreaField("Motif du report", validators=[DataRequired(_REQUIRED), Length(max=400)])

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.day.data, self.hour.data, tzinfo=local_zone())


class CancelForm(Form):
    reason = TextAreaField("Motif de l'annulation", validators=[DataRequired(_REQUIRED), Length(max=400)])
