"""The appointment pages: the slots and their series, booking for a person, a place's day to print."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from service import clock
from service.appointments import booking, pages, places, slots
from service.appointments.access import ORGANISING_ROLES, require_booker, require_organiser
from service.config import local_zone
from service.errors import ConflictError, InvalidInputError
from service.models import AppointmentStatus, Role
from service.web import confirmation
from service.web.formatting import datetime_fr
from service.web.forms.appointments import BookingForm, OutcomeForm, SeriesForm

bp = Blueprint("appointments", __name__)
MAX_AGENDA_DAYS = 3660  # ten years either way: further is a typing error


@bp.route("/rendez-vous/", methods=["GET", "POST"])
@login_required
def index() -> BaseResponse | tuple[str, int]:
    if request.method == "POST":
        require_organiser(current_user)  # before the form: its choices are the organiser's
    page = pages.slots_page(actor=current_user)
    agents = [a for a in page.agents if current_user.has_role(Role.RESPONSABLE) or a.id == current_user.id]
    form = SeriesForm(agents=agents, communes=list(page.communes), agent_id=str(current_user.id))
    if form.validate_on_submit():
        try:
            created = slots.add_series(
                actor=current_user,
                series=slots.Series(
                    agent_id=int(form.agent_id.data),
                    day=form.day.data,
                    start=form.start.data,
                    end=form.end.data,
                    length_minutes=form.length_minutes.data,
                    commune_id=form.commune_id,
                ),
            )
        except InvalidInputError as error:
            form.refuse(error)
        else:
            flash(f"{len(created)} créneau(x) ouvert(s).", "success")
            return redirect(url_for("appointments.index"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "appointments/index.html",
        page=page,
        form=form,
        may_organise=current_user.has_role(*ORGANISING_ROLES),
        today=clock.now().astimezone(local_zone()).date(),
        centre_place=places.CENTRE,
    ), status


def _render_booking(person_id: int, form: BookingForm | None = None, status: int = 200) -> tuple[str, int]:
    page = pages.booking_page(actor=current_user, person_id=person_id)
    return render_template(
        "appointments/book.html",
        page=page,
        person=page.person,
        form=form or BookingForm(),
        outcome_form=OutcomeForm(),
        now=clock.now(),
        label=places.label,
    ), status


@bp.route("/personnes/<int:person_id>/rendez-vous/nouveau", methods=["GET", "POST"])
@login_required
def book(person_id: int) -> BaseResponse | tuple[str, int]:
    if request.method == "GET":
        return _render_booking(person_id)
    form = BookingForm()
    if not form.validate_on_submit() or form.slot is None:
        if form.slot is None and not form.slot_id.errors:
            form.slot_id.errors = ["Choisissez un créneau."]
        return _render_booking(person_id, form, 422)
    try:
        appointment = booking.book(
            actor=current_user, person_id=person_id, slot_id=form.slot, subject=form.subject.data or ""
        )
    except ConflictError as error:
        flash(error.message, "error")
        return _render_booking(person_id, form, 409)
    except InvalidInputError as error:
        form.refuse(error)
        return _render_booking(person_id, form, 422)
    told = (
        "prévenue par courriel (avec le fichier .ics)"
        if appointment.convocation_id is None
        else ("sans courriel : sa convocation est à imprimer ci-dessous")
    )
    flash(f"Rendez-vous pris, la personne est {told}.", "success")
    return redirect(url_for("appointments.book", person_id=person_id))


@bp.route("/rendez-vous/<int:appointment_id>/suite", methods=["POST"])
@login_required
def outcome(appointment_id: int) -> BaseResponse | tuple[str, int]:
    """Record what became of an appointment; back to the person's appointments, or to the slots."""
    require_booker(current_user)  # before the form: a refusal is a refusal, whatever was typed
    form = OutcomeForm()
    back = request.form.get("personne", "")
    target = url_for("appointments.index")
    if back.isascii() and back.isdigit() and len(back) < 10:
        target = url_for("appointments.book", person_id=int(back))
    if not form.validate_on_submit():
        flash("Choisissez ce qu'il est advenu du rendez-vous.", "error")
        return redirect(target, 303)
    if not confirmation.is_confirmed():
        return _confirm_outcome(appointment_id, AppointmentStatus(form.status.data), target)
    try:
        appointment = booking.record_outcome(
            actor=current_user, appointment_id=appointment_id, status=AppointmentStatus(form.status.data)
        )
    except (InvalidInputError, ConflictError) as error:
        flash(error.message, "error")
        return redirect(target, 303)
    flash(f"Rendez-vous noté « {appointment.status.label.lower()} ».", "success")
    return redirect(target, 303)


def _confirm_outcome(appointment_id: int, status: AppointmentStatus, back: str) -> tuple[str, int]:
    found = pages.appointment(actor=current_user, appointment_id=appointment_id)
    who = found.person.display_name
    when = datetime_fr(found.slot.starts_at)
    consequences = [f"Le rendez-vous de {who} du {when} sera noté « {status.label.lower()} »."]
    if status is AppointmentStatus.ANNULE:
        consequences.append(
            "Le créneau redevient libre pour une autre personne"
            + (" ; la personne est prévenue par courriel." if found.person.email else ".")
        )
    else:
        consequences.append("Cette suite ne pourra plus être changée.")
    return confirmation.ask(
        title=f"Noter le rendez-vous « {status.label.lower()} » ?",
        consequences=consequences,
        button=f"Noter « {status.label.lower()} »",
        back=back,
    )


@bp.route("/rendez-vous/agenda")
@login_required
def agenda() -> tuple[str, int]:
    place = request.args.get("lieu", places.CENTRE)
    raw_day = request.args.get("jour", "")
    today = clock.now().astimezone(local_zone()).date()
    try:
        day = date.fromisoformat(raw_day) if raw_day else today
    except ValueError:
        day = date.min
    status = 200
    if abs((day - today).days) > MAX_AGENDA_DAYS:
        day, status = today, 422
        flash("Le jour demandé n'est pas une date valide : voici celui d'aujourd'hui.", "error")
    page = pages.day_agenda(actor=current_user, day=day, place=place)
    return render_template("appointments/agenda.html", page=page, label=places.label), status
