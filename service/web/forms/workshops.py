"""Forms of the workshop pages: a theme, a session or a series planned."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from service.config import current_settings, local_zone, workshop_places
from service.models import Frequency, WorkshopTheme
from service.web.forms import Form
from service.workshops.planning import MAX_OCCURRENCES, Plan

_REQUIRED = "Ce champ est obligatoire."
ONCE = "une_fois"


class ThemeForm(Form):
    name = StringField("Nom du thème", validators=[DataRequired(_REQUIRED), Length(max=100)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=2000)])
    active = BooleanField("Proposé aux inscriptions", default=True)


class PlanForm(Form):
    theme = SelectField("Thème", validators=[DataRequired(_REQUIRED)])
    day = DateField(
        "Date (première séance pour une série)", validators=[DataRequired("Indiquez une date valide.")]
    )
    hour = TimeField("Heure de début", validators=[DataRequired("Indiquez une heure valide.")])
    duration = IntegerField(
        "Durée (minutes)", default=120,
        validators=[DataRequired("Indiquez une durée."), NumberRange(15, 480, "De 15 à 480 minutes.")],
    )  # fmt: skip
    place = SelectField("Lieu", validators=[DataRequired(_REQUIRED)])
    facilitators = StringField(
        "Animation (noms, structure)", validators=[DataRequired(_REQUIRED), Length(max=300)]
    )
    capacity = IntegerField(
        "Places", default=10, validators=[DataRequired("Indiquez le nombre de places."), NumberRange(1, 500)]
    )
    minimum = IntegerField(
        "Minimum pour tenir la séance", default=3,
        validators=[Optional(), NumberRange(0, 500, "Un nombre positif, s'il vous plaît.")],
    )  # fmt: skip
    repeat = SelectField("Répétition")
    count = IntegerField(
        "Nombre de séances de la série", default=4,
        validators=[Optional(), NumberRange(2, MAX_OCCURRENCES, f"De 2 à {MAX_OCCURRENCES} séances.")],
    )  # fmt: skip

    def __init__(self, *args: Any, themes: list[WorkshopTheme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.theme.choices = [SelectChoice(str(theme.id), theme.name) for theme in themes]
        self.place.choices = [SelectChoice(place, place) for place in workshop_places(current_settings())]
        self.repeat.choices = [SelectChoice(ONCE, "Séance unique")] + [
            SelectChoice(frequency.value, frequency.label) for frequency in Frequency
        ]

    @property
    def frequency(self) -> Frequency | None:
        return None if self.repeat.data == ONCE else Frequency(self.repeat.data)

    def plan(self) -> Plan:
        return Plan(
            theme_id=int(self.theme.data),
            starts_at=datetime.combine(self.day.data, self.hour.data, tzinfo=local_zone()),
            duration=timedelta(minutes=self.duration.data),
            place=self.place.data,
            facilitators=self.facilitators.data,
            capacity=self.capacity.data,
            minimum=self.minimum.data or 0,
        )
