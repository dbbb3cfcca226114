"""The home page a user lands on: their tasks and their team's, what is overdue or due today (each count a
link to the filtered worklist), their next committee session or workshop, and the people search at hand."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from service.appointments import pages as appointments
from service.appointments import places
from service.committee import sessions as committee
from service.dossiers import tasks
from service.models import Role
from service.organisation import identity
from service.people import service as people
from service.workshops import pages as workshops

bp = Blueprint("home", __name__)


@bp.route("/")
def index() -> Response:
    return redirect(url_for("home.dashboard" if current_user.is_authenticated else "auth.login"))


@bp.route("/tableau-de-bord")
@login_required
def dashboard() -> str:
    works = current_user.has_role(*(role for role in Role if role not in {Role.ADMIN, Role.MAIRIE}))
    return render_template(
        "home/dashboard.html",
        roles=sorted(current_user.roles),
        counts=tasks.worklist_counts(actor=current_user) if works else None,
        every_lane=current_user.has_role(Role.RESPONSABLE),
        committee_session=committee.next_session(actor=current_user),
        workshop_session=workshops.next_session(actor=current_user),
        receives_people=current_user.has_role(*people.PEOPLE_ROLES),
        my_appointments=appointments.my_day(actor=current_user),
        place_of=places.label,
        town_hall=current_user.has_role(Role.MAIRIE),
        acts_lack=identity.missing_from_acts(identity.identity_of(actor=current_user))
        if current_user.has_role(*identity.EDITING_ROLES)
        else [],
    )
