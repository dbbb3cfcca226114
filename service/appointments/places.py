"""Where an appointment takes place: the centre, or the town hall of one of the communes it serves."""

from __future__ import annotations

from service.extensions import db
from service.models import AppointmentSlot, Centre, Commune

CENTRE = "centre"  # the place's key when the slot is at the centre (a commune's key is its id)


def label(slot: AppointmentSlot) -> str:
    """The place as a person reads it on a convocation."""
    if slot.commune is not None:
        return town_hall(slot.commune)
    centre = db.session.get(Centre, slot.centre_id)
    assert centre is not None  # noqa: S101 - every slot has its centre
    address = ", ".join(
        part for part in (centre.address_line, f"{centre.postal_code} {centre.city}".strip()) if part
    )
    return f"{centre.name}" + (f", {address}" if address else "")


def town_hall(commune: Commune) -> str:
    return f"Mairie de {commune.name}"


def key(slot: AppointmentSlot) -> str:
    return CENTRE if slot.commune_id is None else str(slot.commune_id)
