"""The committee pages: sessions, the live session page, members."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from flask import (
    Blueprint,
    Response,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from service import aids
from service.committee import access, closing, letter_printing, members, pages, sessions, sitting
from service.delegations import acts
from service.errors import ConflictError, InvalidInputError, NotFoundError
from service.models import (
    AgendaItem,
    AttendanceStatus,
    DelegateeCapacity,
    ItemDecision,
    ItemStatus,
    MemberKind,
    SessionKind,
)
from service.web import confirmation, inputs
from service.web.formatting import datetime_fr
from service.web.forms.committee import MemberForm, SessionForm
from service.web.forms.delegations import CancelForm, DeliberationForm, PostponeForm, SignatureDelegationForm

bp = Blueprint("committee", __name__, url_prefix="/commission")


@bp.route("/", methods=["GET", "POST"])
@login_required
def index() -> BaseResponse | tuple[str, int]:
    form = SessionForm()
    if form.validate_on_submit():
        try:
            session = sessions.plan_session(
                actor=current_user,
                kind=SessionKind(form.kind.data),
                starts_at=form.starts_at,
                place=form.place.data,
            )
        except InvalidInputError as error:
            form.refuse(error)
        else:
            flash("La séance est prévue : préparez son ordre du jour.", "success")
            return redirect(url_for("committee.show", session_id=session.id))
    status = 422 if form.errors or form.form_errors else 200
    listed = pages.listed_sessions(actor=current_user)
    return render_template(
        "committee/index.html", sessions=listed, form=form, may_manage=access.may_manage(current_user)
    ), status


def _render(
    session_id: int,
    *,
    status: int = 200,
    errors: dict[int, str] | None = None,
    typed: dict[int, dict[str, list[str]]] | None = None,
    attendance_typed: dict[str, str] | None = None,
    postpone: PostponeForm | None = None,
    cancel: CancelForm | None = None,
) -> tuple[str, int]:
    page = pages.session_page(actor=current_user, session_id=session_id)
    return render_template(
        "committee/session.html",
        page=page,
        errors=errors or {},
        typed=typed or {},
        attendance_typed=attendance_typed or {},
        statuses=list(AttendanceStatus),
        decisions=list(ItemDecision),
        item_statuses=ItemStatus,
        postpone=postpone or PostponeForm(formdata=None),
        cancel=cancel or CancelForm(formdata=None),
    ), status


@bp.route("/seances/<int:session_id>")
@login_required
def show(session_id: int) -> tuple[str, int]:
    return _render(session_id)


def _act(session_id: int, action: str) -> BaseResponse | tuple[str, int]:
    """Run one step of the session; a refusal is shown on the page, nothing having changed."""
    try:
        message = _ACTIONS[action](session_id)
    except (InvalidInputError, ConflictError) as error:
        flash(error.message, "error")
        return _render(session_id, status=409 if isinstance(error, ConflictError) else 422)
    flash(message, "success")
    return redirect(url_for("committee.show", session_id=session_id))


def _compose(session_id: int) -> str:
    added = sessions.compose_agenda(actor=current_user, session_id=session_id)
    return f"{added} dossier(s) ajouté(s) à l'ordre du jour."


def _settle(session_id: int) -> str:
    sessions.settle_agenda(actor=current_user, session_id=session_id)
    return "L'ordre du jour est arrêté : vous pouvez convoquer les membres."


def _convene(session_id: int) -> str:
    sessions.convene(actor=current_user, session_id=session_id)
    return "Les convocations sont envoyées, avec l'ordre du jour et l'invitation au calendrier."


def _close(session_id: int) -> str:
    decided = closing.close_session(actor=current_user, session_id=session_id)
    return (
        f"La séance est close : {len(decided)} délibération(s) numérotée(s) et transmise(s) aux dossiers. "
        "Les courriers sont en cours d'impression."
    )


def _sign(session_id: int) -> str:
    closing.sign_minutes(actor=current_user, session_id=session_id)
    return "Le relevé de décisions est signé."


_ACTIONS = {"composer": _compose, "arreter": _settle, "convoquer": _convene, "clore": _close, "signer": _sign}


@bp.route(
    "/seances/<int:session_id>/<any(composer, arreter, convoquer, clore, signer):action>",
    methods=["GET", "POST"],
)
@login_required
def step(session_id: int, action: str) -> BaseResponse | tuple[str, int]:
    if request.method == "GET" or (action in _IRREVERSIBLE and not confirmation.is_confirmed()):
        return _confirm_step(session_id, action)
    return _act(session_id, action)


_IRREVERSIBLE = frozenset({"arreter", "convoquer", "clore", "signer"})


def _confirm_step(session_id: int, action: str) -> tuple[str, int]:
    """What the step will do, before it is done: each of these steps is final."""
    page = pages.step_preview(actor=current_user, session_id=session_id)
    if action == "clore":
        try:
            decided = closing.closing_preview(actor=current_user, session_id=session_id)
        except (InvalidInputError, ConflictError) as error:
            flash(error.message, "error")
            return _render(session_id, status=422)
        title, consequences = "Clore la séance", _closing_consequences(decided)
    else:
        title, consequences = _STEP_CONSEQUENCES[action](page)
    return confirmation.ask(
        title=f"{title} ?",
        consequences=consequences,
        button=title,
        back=url_for("committee.show", session_id=session_id),
        final=action in _IRREVERSIBLE,
    )


def _closing_consequences(decided: Sequence[AgendaItem]) -> list[str]:
    listed = "; ".join(
        f"{item.dossier.number} ({item.decision.label.lower() if item.decision else ''})" for item in decided
    )
    return [
        f"{len(decided)} délibération(s) seront numérotées et transmises à leur dossier, toutes ensemble : "
        f"{listed}.",
        "Les lettres de décision seront imprimées et les personnes informées ; les votes ne pourront plus "
        "être modifiés.",
        "Étape suivante : la signature du relevé de décisions par le président ou la présidente.",
    ]


def _listed(page: pages.SessionPage) -> int:
    return sum(1 for item in page.items if item.status is ItemStatus.INSCRIT)


def _settling(page: pages.SessionPage) -> tuple[str, list[str]]:
    return "Arrêter l'ordre du jour", [
        f"L'ordre du jour sera arrêté avec {_listed(page)} point(s) : aucun dossier ne pourra plus y être "
        "inscrit ni déplacé (un point pourra encore être retiré ou reporté).",
        "Étape suivante : convoquer les membres.",
    ]


def _convening(page: pages.SessionPage) -> tuple[str, list[str]]:
    by_mail = sum(1 for member in page.members if member.email)
    without = [member.full_name for member in page.members if not member.email]
    consequences = [
        f"{by_mail} membre(s) recevront aussitôt la convocation par courriel, avec l'ordre du jour "
        f"({_listed(page)} point(s)) et l'invitation au calendrier : un courriel envoyé ne se reprend pas."
    ]
    if without:
        consequences.append("Sans courriel, à convoquer par courrier : " + ", ".join(without) + ".")
    consequences.append("Étape suivante : tenir la séance (présences, votes), puis la clore.")
    return "Envoyer les convocations", consequences


def _signing(page: pages.SessionPage) -> tuple[str, list[str]]:
    return "Signer le relevé de décisions", [
        "Le relevé de décisions sera signé à votre nom et imprimé comme document définitif.",
        "La séance sera terminée : plus rien ne pourra y être changé.",
    ]


def _composing(page: pages.SessionPage) -> tuple[str, list[str]]:
    return "Inscrire les dossiers en attente", [
        f"{page.waiting} dossier(s) en attente seront inscrits à l'ordre du jour."
    ]


_STEP_CONSEQUENCES: dict[str, Callable[[pages.SessionPage], tuple[str, list[str]]]] = {
    "composer": _composing,
    "arreter": _settling,
    "convoquer": _convening,
    "signer": _signing,
}


@bp.route("/seances/<int:session_id>/points/<int:item_id>/deplacer", methods=["POST"])
@login_required
def move(session_id: int, item_id: int) -> BaseResponse:
    offset = -1 if request.form.get("sens") == "monter" else 1
    sessions.move_item(actor=current_user, session_id=session_id, item_id=item_id, offset=offset)
    return redirect(url_for("committee.show", session_id=session_id) + "#ordre-du-jour")


@bp.route("/seances/<int:session_id>/points/<int:item_id>/retrait", methods=["POST"])
@login_required
def set_aside(session_id: int, item_id: int) -> BaseResponse | tuple[str, int]:
    if not confirmation.is_confirmed():
        return _confirm_set_aside(session_id, item_id)
    try:
        status = ItemStatus(request.form.get("statut", ""))
        sessions.set_aside(
            actor=current_user,
            session_id=session_id,
            item_id=item_id,
            status=status,
            note=request.form.get("motif", ""),
        )
    except ValueError:
        flash("Choisissez de retirer ou de reporter ce point.", "error")
        return _render(session_id, status=422)
    except InvalidInputError as error:
        flash(error.message, "error")
        return _render(session_id, status=422)
    flash("Le point est retiré de l'ordre du jour ; le dossier attend une prochaine séance.", "success")
    return redirect(url_for("committee.show", session_id=session_id) + "#ordre-du-jour")


def _confirm_set_aside(session_id: int, item_id: int) -> tuple[str, int]:
    page = pages.step_preview(actor=current_user, session_id=session_id)
    item = next((item for item in page.items if item.id == item_id), None)
    if item is None or item.status is not ItemStatus.INSCRIT:
        flash("Ce point n'est plus inscrit à l'ordre du jour de cette séance.", "error")
        return _render(session_id, status=422)
    postponed = request.form.get("statut") == ItemStatus.REPORTE.value
    verb = "reporté" if postponed else "retiré"
    who = f"dossier {item.dossier.number}, {item.dossier.person.display_name}"
    return confirmation.ask(
        title=f"{'Reporter' if postponed else 'Retirer'} ce point de l'ordre du jour ?",
        consequences=[
            f"Le point ({who}) sera {verb} de l'ordre du jour de cette séance : la commission n'en "
            "décidera pas.",
            "Le dossier attendra l'ordre du jour d'une prochaine séance ; il ne reviendra pas dans celle-ci.",
        ],
        button="Reporter le point" if postponed else "Retirer le point",
        back=url_for("committee.show", session_id=session_id) + "#ordre-du-jour",
        typed=[confirmation.Typed("motif", "Motif (inscrit au dossier)", required=True)],
        hidden={"statut": ItemStatus.REPORTE.value if postponed else ItemStatus.RETIRE.value},
    )


@bp.route("/seances/<int:session_id>/presences", methods=["POST"])
@login_required
def attendance(session_id: int) -> BaseResponse | tuple[str, int]:
    presence: dict[int, tuple[AttendanceStatus, int | None]] = {}
    typed = {key: value for key, value in request.form.items() if key != "csrf_token"}
    try:
        for key, value in request.form.items():
            member = key.removeprefix("presence-")
            if key.startswith("presence-") and inputs.is_id(member):
                if value not in set(AttendanceStatus):
                    raise InvalidInputError("Pour chaque membre, cochez présent, représenté ou absent.")
                proxy = request.form.get(f"pouvoir-{member}", "")
                presence[int(member)] = (AttendanceStatus(value), int(proxy) if inputs.is_id(proxy) else None)
        chair = request.form.get("president_seance", "")
        state = sitting.record_attendance(
            actor=current_user,
            session_id=session_id,
            presence=presence,
            chair_member_id=int(chair) if inputs.is_id(chair) else None,
            secretary_name=request.form.get("secretaire_seance", ""),
        )
    except InvalidInputError as error:
        flash(error.message, "error")
        return _render(session_id, status=422, attendance_typed=typed)  # what was ticked, ticked again
    reached = "atteint" if state.reached else "non atteint : aucun vote ne peut être enregistré"
    flash(
        f"Présences enregistrées : {state.present} présent(s), quorum de {state.required} {reached}.",
        "success" if state.reached else "error",
    )
    return redirect(url_for("committee.show", session_id=session_id) + "#presences")


def _votes(raw: str) -> int:
    return inputs.whole_number(raw, message=f"« {raw.strip()} » n'est pas un nombre de voix.", empty=0)


@bp.route("/seances/<int:session_id>/points/<int:item_id>/vote", methods=["POST"])
@login_required
def vote(session_id: int, item_id: int) -> BaseResponse | tuple[str, int]:
    form = request.form
    try:
        decision = ItemDecision(form.get("decision", ""))
    except ValueError:
        return _render(
            session_id,
            status=422,
            errors={item_id: "Choisissez la décision."},
            typed={item_id: form.to_dict(flat=False)},
        )
    try:
        months = inputs.whole_number(
            form.get("duree_mois", ""), message="Indiquez la durée du prêt en mois.", empty=0
        )
        ballot = sitting.Vote(
            decision=decision,
            amount_cents=inputs.euros_field(form.get("montant", "")),
            months=months or None,
            reasons=form.getlist("motifs"),
            text=form.get("texte", ""),
            votes_for=_votes(form.get("pour", "")),
            votes_against=_votes(form.get("contre", "")),
            votes_abstain=_votes(form.get("abstention", "")),
            not_voting=sorted(inputs.ids(form.getlist("non_votant"))),
        )
        sitting.record_vote(actor=current_user, session_id=session_id, item_id=item_id, vote=ballot)
    except InvalidInputError as error:
        return _render(
            session_id, status=422, errors={item_id: error.message}, typed={item_id: form.to_dict(flat=False)}
        )
    flash(f"Vote enregistré : {decision.label.lower()}.", "success")
    return redirect(url_for("committee.show", session_id=session_id) + f"#point-{item_id}")


@bp.route("/seances/<int:session_id>/courriers")
@login_required
def letters_progress(session_id: int) -> Response:
    """Where the printing of the session's letters stands, polled by the session page."""
    progress = letter_printing.letters_progress(actor=current_user, session_id=session_id)
    return jsonify(progress.as_json() if progress is not None else None)


@bp.route("/seances/<int:session_id>/courriers/relancer", methods=["POST"])
@login_required
def retry_letters(session_id: int) -> BaseResponse | tuple[str, int]:
    try:
        letter_printing.retry_printing(actor=current_user, session_id=session_id)
    except InvalidInputError as error:
        flash(error.message, "error")
        return _render(session_id, status=422)
    flash("L'impression des courriers restants est relancée.", "success")
    return redirect(url_for("committee.show", session_id=session_id) + "#courriers")


@bp.route("/seances/<int:session_id>/seance.ics")
@login_required
def calendar_file(session_id: int) -> Response:
    response = make_response(sessions.calendar_file(actor=current_user, session_id=session_id))
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="seance-{session_id}.ics"'
    return response


@bp.route("/membres", methods=["GET", "POST"])
@bp.route("/membres/<int:member_id>", methods=["GET", "POST"])
@login_required
def member_list(member_id: int | None = None) -> BaseResponse | tuple[str, int]:
    listed = members.members(actor=current_user)
    editing = next((m for m in listed if m.id == member_id), None) if member_id else None
    if member_id is not None and editing is None:  # not one of the centre's: never saved as a new one
        raise NotFoundError("Ce membre n'existe pas dans votre centre.")
    form = MemberForm(obj=editing, accounts=list(members.accounts_for_members(actor=current_user)))
    if request.method == "GET" and editing is not None:
        form.kind.data, form.account.data = editing.kind.value, str(editing.user_id or "")
    if form.validate_on_submit():
        try:
            member = members.save_member(
                actor=current_user,
                member_id=editing.id if editing else None,
                form=members.MemberForm(
                    full_name=form.full_name.data,
                    kind=MemberKind(form.kind.data),
                    email=form.email.data or "",
                    phone=form.phone.data or "",
                    mandate_start=form.mandate_start.data,
                    mandate_end=form.mandate_end.data,
                    user_id=int(form.account.data) if (form.account.data or "").strip() else None,
                ),
            )
        except InvalidInputError as error:
            form.refuse(error)
        else:
            flash(f"{member.full_name} est enregistré·e.", "success")
            return redirect(url_for("committee.member_list"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("committee/members.html", members=listed, form=form, editing=editing), status


@bp.route("/seances/<int:session_id>/reporter", methods=["POST"])
@login_required
def postpone(session_id: int) -> BaseResponse | tuple[str, int]:
    """A session that could not meet gets a new date; its members are convened again."""
    form = PostponeForm()
    if form.validate_on_submit():
        if not confirmation.is_confirmed():
            return _confirm_postponing(session_id, form)
        try:
            sessions.postpone_session(
                actor=current_user, session_id=session_id, starts_at=form.starts_at, reason=form.reason.data
            )
        except InvalidInputError as error:
            form.refuse(error)
        else:
            flash("La séance est reportée : convoquez de nouveau les membres.", "success")
            return redirect(url_for("committee.show", session_id=session_id))
    return _render(session_id, status=422, postpone=form)


@bp.route("/seances/<int:session_id>/annuler", methods=["POST"])
@login_required
def cancel(session_id: int) -> BaseResponse | tuple[str, int]:
    form = CancelForm()
    if form.validate_on_submit():
        if not confirmation.is_confirmed():
            return _confirm_cancelling(session_id)
        try:
            sessions.cancel_session(actor=current_user, session_id=session_id, reason=form.reason.data)
        except InvalidInputError as error:
            form.refuse(error)
        else:
            flash("La séance est annulée : ses dossiers attendent une prochaine séance.", "success")
            return redirect(url_for("committee.show", session_id=session_id))
    return _render(session_id, status=422, cancel=form)


def _confirm_postponing(session_id: int, form: PostponeForm) -> tuple[str, int]:
    """What postponing undoes, before it is done: the attendance and votes recorded, the convocation sent."""
    page = pages.step_preview(actor=current_user, session_id=session_id)
    return confirmation.ask(
        title="Reporter la séance ?",
        consequences=[
            f"La séance du {datetime_fr(page.session.starts_at)} sera reportée au "
            f"{datetime_fr(form.starts_at)} ; son ordre du jour est conservé.",
            "Les présences et les votes déjà saisis seront effacés ; la convocation envoyée ne vaut plus.",
            "Étape suivante : convoquer de nouveau les membres, au moins "
            f"{page.clear_days} jours francs avant la nouvelle date.",
        ],
        button="Reporter la séance",
        back=url_for("committee.show", session_id=session_id),
    )


def _confirm_cancelling(session_id: int) -> tuple[str, int]:
    """What cancelling undoes, before it is done: nothing the session recorded stands."""
    page = pages.step_preview(actor=current_user, session_id=session_id)
    return confirmation.ask(
        title="Annuler la séance ?",
        consequences=[
            f"La séance du {datetime_fr(page.session.starts_at)} sera annulée ; "
            "l'annulation ne peut pas être défaite.",
            "Les présences et les votes déjà saisis seront effacés ; "
            f"ses {_listed(page)} dossier(s) inscrit(s) attendront une prochaine séance.",
        ],
        button="Annuler la séance",
        back=url_for("committee.show", session_id=session_id),
    )


def _aid_choices() -> list[tuple[str, str]]:
    return [(aid.key, aid.label) for aid in aids.delegable_aids()]


def _ceilings(form: DeliberationForm) -> dict[str, int | None]:
    """Each aid checked, with the ceiling typed beside it (empty: no ceiling but the yearly one)."""
    chosen = [key for key in form.aids.data or [] if key in form.aid_keys]
    return {key: inputs.euros_field(request.form.get(f"plafond-{key}", "")) or None for key in chosen}


@bp.route("/delegations", methods=["GET", "POST"])
@login_required
def delegations() -> BaseResponse | tuple[str, int]:
    """The board's deliberations of delegation and the president's delegations of signature."""
    page = acts.delegations_page(actor=current_user)
    aid_choices = _aid_choices()
    form = DeliberationForm(holders=list(page.delegatees), aids=aid_choices)
    signature = SignatureDelegationForm(
        formdata=None, delegators=list(page.delegatees), agents=list(page.agents), aids=aid_choices
    )
    if form.validate_on_submit():
        try:
            act = acts.record_deliberation(
                actor=current_user,
                act=acts.Deliberation(
                    number=form.number.data,
                    adopted_on=form.adopted_on.data,
                    in_force_from=form.in_force_from.data,
                    holder_id=int(form.holder.data),
                    capacity=DelegateeCapacity(form.capacity.data),
                    ceilings_cents=_ceilings(form),
                    covers_amendments=bool(form.covers_amendments.data),
                ),
                known_aids=form.aid_keys,
            )
        except InvalidInputError as error:
            form.refuse(error)
        else:
            flash(f"La délibération n° {act.number} est enregistrée.", "success")
            return redirect(url_for("committee.delegations"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "committee/delegations.html", page=page, form=form, signature=signature, aids=aid_choices
    ), status


@bp.route("/delegations/signature", methods=["POST"])
@login_required
def signature_delegation() -> BaseResponse | tuple[str, int]:
    page = acts.delegations_page(actor=current_user)
    aid_choices = _aid_choices()
    form = SignatureDelegationForm(
        delegators=list(page.delegatees), agents=list(page.agents), aids=aid_choices
    )
    if form.validate_on_submit():
        try:
            act = acts.record_signature_delegation(
                actor=current_user,
                act=acts.Signature(
                    number=form.number.data,
                    signed_on=form.signed_on.data,
                    delegator_id=int(form.delegator.data),
                    holder_id=int(form.holder.data),
                    aids=list(form.aids.data or []),
                    valid_from=form.valid_from.data,
                    valid_until=form.valid_until.data,
                ),
            )
        except InvalidInputError as error:
            form.refuse(error)
        else:
            flash(f"La délégation de signature (arrêté n° {act.number}) est enregistrée.", "success")
            return redirect(url_for("committee.delegations"))
    deliberation = DeliberationForm(formdata=None, holders=list(page.delegatees), aids=aid_choices)
    return render_template(
        "committee/delegations.html", page=page, form=deliberation, signature=form, aids=aid_choices
    ), 422
