"""Administration pages: the centre's users and its audit log."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from service import deployment
from service.accounts import service as accounts
from service.audit import service as audit
from service.config import current_settings
from service.notifications import service as notifications

bp = Blueprint("admin", __name__, url_prefix="/administration")


@bp.route("/utilisateurs")
@login_required
def users() -> str:
    return render_template("admin/users.html", users=accounts.list_users(actor=current_user))


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
    )
