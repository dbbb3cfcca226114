"""The workshop pages: calendar and planning, themes, a session with its registrations, the tablet
attendance page, the figures per theme, the iCal export."""

from __future__ import annotations

from flask import Blueprint, Response, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from service import clock
from service.errors import ConflictError, InvalidInputError
from service.models import Referral, RegistrationStatus
from service.people import service as people
from service.web import confirmation, inputs
from service.web.formatting import datetime_fr
from service.web.forms.workshops import PlanForm, ThemeForm
from service.workshops import holding, pages, planning, registrations, themes
from service.workshops.access import may_organise

bp = Blueprint("workshops", __name__, url_prefix="/ateliers")


@bp.route("/", methods=["GET", "POST"])
@login_required
def index() -> BaseResponse | tuple[str, int]:
    form = PlanForm(themes=list(themes.themes(actor=current_user, active_only=True)))
    if form.validate_on_submit():
        try:
            if form.frequency is None:
                planned = [planning.plan_session(actor=current_user, plan=form.plan())]
            else:
                planned = planning.plan_series(
                    actor=current_user, plan=form.plan(), frequency=form.frequency, count=form.count.data or 0
                )
        except InvalidInputError as error:
            form.refuse(error)
        else:
            flash(f"{len(planned)} séance(s) planifiée(s) : les inscriptions sont ouvertes.", "success")
            return redirect(url_for("workshops.show", session_id=planned[0].id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "workshops/index.html",
        form=form,
        sessions=pages.calendar(actor=current_user),
        follow_up=pages.to_follow_up(actor=current_user),
        may_organise=may_organise(current_user),
    ), status


@bp.route("/themes", methods=["GET", "POST"])
@bp.route("/themes/<int:theme_id>", methods=["GET", "POST"])
@login_required
def theme_list(theme_id: int | None = None) -> BaseResponse | tuple[str, int]:
    listed = themes.themes(actor=current_user)
    editing = next((theme for theme in listed if theme.id == theme_id), None)
    form = ThemeForm(obj=editing)
    if form.validate_on_submit():
        try:
            themes.save_theme(
                actor=current_user, name=form.name.data, description=form.description.data or "",
                active=form.active.data, theme_id=theme_id,
            )  # fmt: skip
        except InvalidInputError as error:
            form.refuse(error)
        else:
            flash("Thème enregistré.", "success")
            return redirect(url_for("workshops.theme_list"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "workshops/themes.html",
        themes=listed,
        form=form,
        editing=editing,
        may_organise=may_organise(current_user),
    ), status


def _render(session_id: int, *, status: int = 200) -> tuple[str, int]:
    query = request.args.get("q", "").strip()
    return render_template(
        "workshops/session.html",
        now=clock.now(),
        page=pages.session_page(actor=current_user, session_id=session_id),
        query=query,
        candidates=people.search(actor=current_user, query=query) if query else [],
        referrals=list(Referral),
    ), status


@bp.route("/seances/<int:session_id>")
@login_required
def show(session_id: int) -> tuple[str, int]:
    return _render(session_id)


def _refused(session_id: int, error: InvalidInputError | ConflictError) -> tuple[str, int]:
    """A refusal is shown on the page, nothing having changed."""
    flash(error.message, "error")
    return _render(session_id, status=409 if isinstance(error, ConflictError) else 422)


@bp.route("/seances/<int:session_id>/inscriptions", methods=["POST"])
@login_required
def register(session_id: int) -> BaseResponse | tuple[str, int]:
    try:
        registration = registrations.register(
            actor=current_user,
            session_id=session_id,
            person_id=inputs.whole_number(
                request.form.get("person_id", ""), message="Choisissez une personne."
            ),
            referral=_referral(request.form.get("referral", "")),
            referral_detail=request.form.get("referral_detail", ""),
        )
    except (InvalidInputError, ConflictError) as error:
        return _refused(session_id, error)
    person = registration.person
    flash(f"{person.display_name} : {registration.status.label.lower()}.", "success")
    return redirect(url_for("workshops.show", session_id=session_id))


@bp.route("/seances/<int:session_id>/inscriptions/<int:registration_id>/annulation", methods=["GET", "POST"])
@login_required
def cancel(session_id: int, registration_id: int) -> BaseResponse | tuple[str, int]:
    if not confirmation.is_confirmed():
        return _confirm_cancel(session_id, registration_id)
    try:
        promoted = registrations.cancel(actor=current_user, registration_id=registration_id)
    except (InvalidInputError, ConflictError) as error:
        return _refused(session_id, error)
    message = "Inscription annulée."
    if promoted is not None:
        who = promoted.person.display_name
        told = "prévenu·e par courriel" if promoted.person.email else "à prévenir par téléphone ou courrier"
        message += f" La place libérée revient à {who}, premier·e de la liste d'attente ({told})."
    flash(message, "success")
    return redirect(url_for("workshops.show", session_id=session_id))


def _confirm_cancel(session_id: int, registration_id: int) -> tuple[str, int]:
    preview = registrations.cancellation_preview(actor=current_user, registration_id=registration_id)
    person = preview.registration.person
    who = f"{person.first_name} {person.last_name}"
    consequences = [
        f"L'inscription de {who} à la séance du {datetime_fr(preview.session.starts_at)} sera annulée."
    ]
    if preview.successor is not None:
        next_person = preview.successor.person
        consequences.append(
            f"La place sera donnée à {next_person.first_name} {next_person.last_name}, qui est en liste "
            "d'attente : elle ne pourra pas être rendue à " + who + "."
        )
    elif preview.registration.status is RegistrationStatus.CONFIRMEE:
        consequences.append("La place libérée reste ouverte aux inscriptions.")
    else:
        consequences.append(f"{who} quitte la liste d'attente.")
    return confirmation.ask(
        title=f"Annuler l'inscription de {who} ?",
        consequences=consequences,
        button="Annuler l'inscription",
        back=url_for("workshops.show", session_id=session_id),
    )


@bp.route("/seances/<int:session_id>/maintien", methods=["POST"])
@login_required
def decide(session_id: int) -> BaseResponse | tuple[str, int]:
    maintain = request.form.get("decision") == "maintenir"
    if not maintain and not confirmation.is_confirmed():
        return _confirm_session_cancel(session_id, hidden={"decision": "annuler"})
    try:
        holding.decide(
            actor=current_user, session_id=session_id, maintain=maintain, reason=request.form.get("motif", "")
        )
    except (InvalidInputError, ConflictError) as error:
        return _refused(session_id, error)
    flash(
        "Séance maintenue." if maintain else "Séance annulée : les personnes inscrites sont prévenues.",
        "success",
    )
    return redirect(url_for("workshops.show", session_id=session_id))


@bp.route("/seances/<int:session_id>/annulation", methods=["GET", "POST"])
@login_required
def cancel_session(session_id: int) -> BaseResponse | tuple[str, int]:
    if not confirmation.is_confirmed():
        return _confirm_session_cancel(session_id)
    try:
        holding.cancel(actor=current_user, session_id=session_id, reason=request.form.get("motif", ""))
    except (InvalidInputError, ConflictError) as error:
        return _refused(session_id, error)
    flash("Séance annulée : les personnes inscrites sont prévenues.", "success")
    return redirect(url_for("workshops.show", session_id=session_id))


def _confirm_session_cancel(session_id: int, hidden: dict[str, str] | None = None) -> tuple[str, int]:
    try:
        preview = holding.cancellation_preview(actor=current_user, session_id=session_id)
    except InvalidInputError as error:
        return _refused(session_id, error)
    session = preview.session
    consequences = [
        f"La séance « {session.theme.name} » du {datetime_fr(session.starts_at)} sera annulée ; "
        "ses inscriptions sont closes.",
        f"{preview.by_mail} personne(s) inscrite(s) recevront le motif par courriel.",
    ]
    if preview.to_call:
        consequences.append(
            "Sans courriel, à prévenir par téléphone ou courrier : " + ", ".join(preview.to_call) + "."
        )
    return confirmation.ask(
        title=f"Annuler la séance du {datetime_fr(session.starts_at)} ?",
        consequences=consequences,
        button="Annuler la séance",
        back=url_for("workshops.show", session_id=session_id),
        typed=[
            confirmation.Typed(
                "motif", "Motif de l'annulation (écrit aux personnes inscrites)", required=True
            )
        ],
        hidden=hidden,
    )


@bp.route("/seances/<int:session_id>/presences", methods=["GET", "POST"])
@login_required
def attendance(session_id: int) -> BaseResponse | tuple[str, int]:
    if request.method == "POST":
        try:
            present = inputs.ids(request.form.getlist("present"))
            holding.record_attendance(actor=current_user, session_id=session_id, present=present)
        except (InvalidInputError, ConflictError) as error:
            flash(error.message, "error")
        else:
            flash(f"Présences enregistrées : {len(present)} personne(s) présente(s).", "success")
            return redirect(url_for("workshops.show", session_id=session_id))
    page = pages.session_page(actor=current_user, session_id=session_id)
    status = 422 if request.method == "POST" else 200
    return render_template("workshops/attendance.html", page=page), status


@bp.route("/seances/<int:session_id>/evaluation", methods=["POST"])
@login_required
def evaluation(session_id: int) -> BaseResponse | tuple[str, int]:
    if not confirmation.is_confirmed():
        return _confirm_evaluation(session_id)
    try:
        holding.record_evaluation(
            actor=current_user,
            session_id=session_id,
            answers=inputs.whole_number(request.form.get("answers", "")),
            satisfied=inputs.whole_number(request.form.get("satisfied", "")),
            notes=request.form.get("notes", ""),
        )
    except (InvalidInputError, ConflictError) as error:
        return _refused(session_id, error)
    flash("Évaluation enregistrée : la séance est close.", "success")
    return redirect(url_for("workshops.show", session_id=session_id))


def _confirm_evaluation(session_id: int) -> tuple[str, int]:
    try:
        answers = inputs.whole_number(request.form.get("answers", ""))
        satisfied = inputs.whole_number(request.form.get("satisfied", ""))
        holding.evaluation_preview(
            actor=current_user, session_id=session_id, answers=answers, satisfied=satisfied
        )
    except (InvalidInputError, ConflictError) as error:
        return _refused(session_id, error)
    return confirmation.ask(
        title="Enregistrer l'évaluation et clore la séance ?",
        consequences=[
            f"{answers} questionnaire(s) rendu(s), dont {satisfied} de personnes satisfaites, "
            "seront enregistrés.",
            "La séance sera close : ses présences et son évaluation ne pourront plus être corrigées.",
        ],
        button="Enregistrer l'évaluation et clore",
        back=url_for("workshops.show", session_id=session_id),
        typed=[confirmation.Typed("notes", "Ce qu'a apporté la séance, suites à donner")],
    )


@bp.route("/seances/<int:session_id>/feuille-de-presence", methods=["POST"])
@login_required
def attendance_sheet(session_id: int) -> BaseResponse | tuple[str, int]:
    try:
        sheet = holding.attendance_sheet(actor=current_user, session_id=session_id)
    except InvalidInputError as error:
        return _refused(session_id, error)
    return redirect(url_for("documents.download", document_id=sheet.id))


@bp.route("/agenda.ics")
@login_required
def calendar_file() -> Response:
    response = make_response(pages.calendar_file(actor=current_user))
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="ateliers.ics"'
    return response


@bp.route("/statistiques")
@login_required
def figures() -> str:
    return render_template("workshops/figures.html", rows=pages.figures(actor=current_user))


def _referral(raw: str) -> Referral:
    return inputs.choice(Referral, raw, "Indiquez qui oriente la personne vers l'atelier.")
