"""Administration pages: the centre's users, its audit log, its mail, processes, barèmes and API tokens."""

from __future__ import annotations

import base64
import binascii

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from service import deployment
from service.accounts import service as accounts
from service.api_tokens import service as tokens
from service.audit import service as audit
from service.config import current_settings
from service.errors import InvalidInputError
from service.liaisons import service as liaisons
from service.models import Role, User
from service.notifications import service as notifications
from service.organisation import service as organisation
from service.web import inputs
from service.web.forms.accounts import ApiTokenForm, NewUserForm

bp = Blueprint("admin", __name__, url_prefix="/administration")


@bp.route("/utilisateurs")
@login_required
def users() -> str:
    return render_template(
        "admin/users.html", users=accounts.list_users(actor=current_user), admin_role=Role.ADMIN
    )


@bp.route("/utilisateurs/nouveau", methods=["GET", "POST"])
@login_required
def new_user() -> Response | str | tuple[str, int]:
    form = NewUserForm()
    form.town_hall.choices = _town_halls()
    if form.validate_on_submit():
        try:
            user = _create_user(form)
        except InvalidInputError as error:
            form.refuse(error)
        else:
            flash(
                f"Le compte « {user.username} » est créé : transmettez-lui son mot de passe provisoire.",
                "success",
            )
            return redirect(url_for("admin.users"))
        return render_template("admin/new_user.html", form=form), 422
    accounts.require_admin(actor=current_user)  # the page itself is for administrators
    status = 422 if form.errors else 200
    return render_template("admin/new_user.html", form=form), status


def _town_halls() -> list[tuple[str, str]]:
    """The town halls an agent may work at: each commune, and each of its quartiers."""
    found = [("", "—")]
    for commune in organisation.list_communes():
        found.append((f"commune-{commune.id}", commune.name))
        found += [
            (f"quartier-{quartier.id}", f"{commune.name}, {quartier.name}") for quartier in commune.quartiers
        ]
    return found


def _create_user(form: NewUserForm) -> User:
    roles = [Role(value) for value in form.roles.data]
    account = {
        "centre_code": organisation.get_centre(current_user.centre_id).code,
        "username": form.username.data or "",
        "full_name": form.full_name.data or "",
        "title": form.title.data or "",
        "email": form.email.data or "",
        "password": form.password.data or "",
    }
    if Role.MAIRIE not in roles:
        return accounts.create_user(
            centre_code=account["centre_code"], username=account["username"], full_name=account["full_name"],
            title=account["title"], email=account["email"], password=account["password"], roles=roles,
            actor=current_user,
        )  # fmt: skip
    kind, _, number = (form.town_hall.data or "").partition("-")
    if not inputs.is_id(number):
        raise InvalidInputError("Choisissez la mairie où travaille l'agent.", field="town_hall")
    commune_id = int(number) if kind == "commune" else None
    quartier_id = int(number) if kind == "quartier" else None
    return liaisons.create_town_hall_agent(
        actor=current_user, account=account, roles=roles, commune_id=commune_id, quartier_id=quartier_id
    )


@bp.route("/utilisateurs/<int:user_id>/etat", methods=["POST"])
@login_required
def set_user_active(user_id: int) -> Response:
    active = request.form.get("actif") == "oui"
    user = accounts.set_active(actor=current_user, user_id=user_id, active=active)
    flash(f"Le compte « {user.username} » est {'réactivé' if active else 'désactivé'}.", "success")
    return redirect(url_for("admin.users"))


@bp.route("/journal")
@login_required
def audit_log() -> str:
    return render_template("admin/audit.html", events=audit.recent_events(actor=current_user))


@bp.route("/courriels")
@login_required
def mail() -> str:
    return render_template(
        "admin/mail.html",
        messages=notifications.messages(actor=current_user),
        smtp_configured=bool(current_settings().SMTP_HOST),
    )


@bp.route("/courriels/<int:message_id>")
@login_required
def mail_message(message_id: int) -> str:
    message = notifications.message(actor=current_user, message_id=message_id)
    return render_template("admin/mail_message.html", message=message)


@bp.route("/courriels/<int:message_id>/renvoyer", methods=["POST"])
@login_required
def resend_mail(message_id: int) -> Response:
    notifications.resend(actor=current_user, message_id=message_id)
    flash("Le courriel est remis dans la file d'envoi.", "success")
    return redirect(url_for("admin.mail"))


@bp.route("/processus")
@login_required
def processes() -> str:
    return render_template(
        "admin/processes.html",
        versions=deployment.versions(actor=current_user),
        failing=deployment.failing_instances(actor=current_user),
        incidents=deployment.incidents(actor=current_user),
        refusal=deployment.start_refusal(actor=current_user),
    )


@bp.route("/baremes", methods=["GET", "POST"])
@login_required
def tables() -> Response | str | tuple[str, int]:
    """The barèmes in force; a new version is sent, checked and compared, then deployed once confirmed."""
    problems: list[str] = []
    preview: deployment.TablePreview | None = None
    content = ""
    status = 200
    if request.method == "POST":
        file_name = request.form.get("bareme", "")
        try:
            if request.form.get("confirmer"):
                created = deployment.deploy_table(
                    actor=current_user, file_name=file_name, data=_confirmed_content(),
                    sha256=request.form.get("empreinte", ""),
                )  # fmt: skip
                versions = ", ".join(f"{d.key} v{d.version}" for d in created)
                flash(f"Barème « {file_name} » déployé : nouvelles versions {versions}.", "success")
                return redirect(url_for("admin.tables"))
            upload = request.files.get("fichier")
            data = upload.read() if upload and upload.filename else b""
            if not data:
                raise InvalidInputError("Choisissez le fichier DMN du nouveau barème.")
            preview = deployment.preview_table(actor=current_user, file_name=file_name, data=data)
            content = base64.b64encode(data).decode("ascii")
        except deployment.DiagramError as error:
            problems, status = [str(problem) for problem in error.problems], 422
        except InvalidInputError as error:
            problems, status = [error.message], 422
    page = render_template(
        "admin/tables.html",
        tables=deployment.tables(actor=current_user),
        problems=problems,
        preview=preview,
        content=content,
    )
    return page, status


def _confirmed_content() -> bytes:
    """The file sent back by the confirmation form, as it was uploaded (base64: no newline rewritten)."""
    try:
        return base64.b64decode(request.form.get("contenu", ""), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidInputError("Le barème à confirmer est illisible : recommencez depuis l'envoi.") from exc


@bp.route("/jetons-api", methods=["GET", "POST"])
@login_required
def api_tokens() -> str | tuple[str, int]:
    """The centre's API tokens; a new one is shown once, with its secret, right after its creation."""
    choices = [
        (user.id, f"{user.full_name} ({user.username})") for user in accounts.list_users(actor=current_user)
    ]
    form = ApiTokenForm(accounts=choices)
    created: tuple[str, str] | None = None
    status = 200
    if form.validate_on_submit():
        try:
            token, secret = tokens.create_token(
                actor=current_user,
                user_id=int(form.user_id.data) if inputs.is_id(form.user_id.data or "") else 0,
                name=form.name.data or "",
                scopes=[tokens.READ, tokens.WRITE] if form.write.data else [tokens.READ],
            )
        except InvalidInputError as error:
            form.refuse(error)
            status = 422
        else:
            created = (token.name, secret)
            form = ApiTokenForm(formdata=None, accounts=choices)
    elif form.errors:
        status = 422
    page = render_template(
        "admin/api_tokens.html",
        tokens=tokens.list_tokens(actor=current_user),
        form=form,
        created=created,
        scopes=tokens.SCOPES,
    )
    return page, status


@bp.route("/jetons-api/<int:token_id>/revoquer", methods=["POST"])
@login_required
def revoke_api_token(token_id: int) -> Response:
    token = tokens.revoke_token(actor=current_user, token_id=token_id)
    flash(f"Le jeton « {token.name} » est révoqué : il n'ouvre plus rien.", "success")
    return redirect(url_for("admin.api_tokens"))


@bp.route("/processus/<int:definition_id>/diagramme.json")
@login_required
def process_diagram(definition_id: int) -> Response:
    """One deployed version's diagram, for the viewer of Administration › Processus."""
    source = deployment.version_diagram(actor=current_user, definition_id=definition_id)
    return jsonify({"source": source, "done": [], "current": [], "timers": []})
