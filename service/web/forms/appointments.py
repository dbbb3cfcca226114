"""Forms of the appointment pages: a series of slots, a booking, what became of an appointment."""

from __future__ import annotations

from typing import Any

from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from service.appointments import places
from service.appointments.slots import MAX_LENGTH_MINUTES, MIN_LENGTH_MINUTES
from service.models import AppointmentStatus, Commune, User
from service.web.forms import Form, choices

_REQUIRED = "Ce champ est obligatoire."


class SeriesForm(Form):
    agent_id = SelectField("Travailleur·se social·e", validators=[DataRequired(_REQUIRED)])
    place = SelectField("Lieu", validators=[DataRequired(_REQUIRED)])
    day = DateField("Jour", validators=[DataRequired("Indiquez une date valide.")])
    start = TimeField("De", validators=[DataRequired("Indiquez une heure valide.")])
    end = TimeField("À", validators=[DataRequired("Indiquez une heure valide.")])
    length_minutes = IntegerField(
        "Durée d'un rendez-vous (minutes)", default=45,
        validators=[
            InputRequired("Indiquez une durée."),
            NumberRange(MIN_LENGTH_MINUTES, MAX_LENGTH_MINUTES,
                        f"De {MIN_LENGTH_MINUTES} à {MAX_LENGTH_MINUTES} minutes."),
        ],
    )  # fmt: skip

    def __init__(self, *args: Any, agents: list[User], communes: list[Commune], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agent_id.choices = [SelectChoice(str(agent.id), agent.full_name) for agent in agents]
        self.place.choices = [SelectChoice(places.CENTRE, "Au centre")] + [
            SelectChoice(str(commune.id), places.town_hall(commune)) for commune in communes
        ]

    @property
    def commune_id(self) -> int | None:
        return None if self.place.data == places.CENTRE else int(self.place.data)


class BookingForm(Form):
    # Any slot id is accepted here: a slot taken meanwhile is the use case's 409, not a choice refused.
    slot_id = RadioField(
        "Créneau", validators=[DataRequired("Choisissez un créneau.")], validate_choice=False
    )
    subject = StringField(
        "Objet du rendez-vous", validators=[Length(max=300, message="300 caractères au plus.")]
    )

    @property
    def slot(self) -> int | None:
        raw = (self.slot_id.data or "").strip()
        return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None


class OutcomeForm(Form):
    status = SelectField(
        "Suite du rendez-vous",
        choices=choices((s.value, s.label) for s in AppointmentStatus if s is not AppointmentStatus.PREVU),
        validators=[DataRequired(_REQUIRED)],
    )
