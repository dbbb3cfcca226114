"""Commands the application adds to `entraide`: users, demo data, workflows, API tokens."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from werkzeug.serving import run_simple

from service import deployment, doctor
from service.accounts import service as accounts
from service.api_tokens import service as api_tokens
from service.config import current_settings, workflows_folder
from service.demo import DEMO_PASSWORD, seed_if_empty
from service.documents import batches
from service.engine import registry
from service.errors import EntraideError
from service.models import Role
from service.privacy import retention
from service.scheduling import runner


def init_app(app: Flask) -> None:
    app.cli.add_command(run_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(users)
    app.cli.add_command(demo)
    app.cli.add_command(workflows)
    app.cli.add_command(letters)
    app.cli.add_command(doctor_command)
    app.cli.add_command(retention_command)
    app.cli.add_command(api_group)


@click.command("run")
@click.option("--host", default="127.0.0.1", show_default=True, help="Adresse d'écoute.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port d'écoute.")
@click.option(
    "--debug", is_flag=True, help="Rechargement automatique et débogueur (développement seulement)."
)
@with_appcontext
def run_command(host: str, port: int, debug: bool) -> None:
    """Servir l'application (et ses tâches planifiées, sauf ENTRAIDE_SCHEDULER_IN_PROCESS=false)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    _log_to_console()
    _deploy_at_start("démarrage de entraide run")
    # Under the reloader the code runs twice: only the serving child starts the scheduler.
    if current_settings().SCHEDULER_IN_PROCESS and (
        not debug or os.environ.get("WERKZEUG_RUN_MAIN") == "true"
    ):
        runner.start_in_background(app)
    run_simple(host, port, app, use_reloader=debug, use_debugger=debug, threaded=True)


@click.command("worker")
@with_appcontext
def worker_command() -> None:
    """Exécuter seulement les tâches planifiées (échéances, courriels, récapitulatif)."""
    _log_to_console()
    _deploy_at_start("démarrage de entraide worker")
    click.echo("Entraide : tâches planifiées en cours d'exécution (Ctrl+C pour arrêter).")
    runner.run_worker(current_app._get_current_object())  # type: ignore[attr-defined]


def _deploy_at_start(source: str) -> None:
    """Load workflows/ at start: a changed diagram becomes a new version; a refused set is reported and the
    versions already deployed keep serving (one bad file must not take the service down)."""
    report = deployment.deploy_at_start(source=source)
    for item in report.deployments:
        if item.created:
            click.echo(f"Processus {item.key} : version {item.version} déployée.")
    for warning in report.warnings:
        click.echo(f"ATTENTION {warning}", err=True)
    if report.refusal is not None:
        for problem in report.refusal.problems:
            click.echo(f"ERREUR {problem}", err=True)
        click.echo(
            "Diagrammes refusés : rien n'a été déployé, les versions déjà déployées restent en service "
            "(voir Administration › Processus).",
            err=True,
        )


def _log_to_console() -> None:
    """What the jobs do (instances woken, mail sent) goes to the console of `run` and `worker`."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s : %(message)s")
    for chatty in ("apscheduler", "spiff"):  # spiff logs every task state change at INFO
        logging.getLogger(chatty).setLevel(logging.WARNING)


@click.group(cls=AppGroup)
def users() -> None:
    """Comptes utilisateurs."""


@users.command("create")
@click.option("--centre", "centre_code", required=True, help="Code du centre (ex. cias-val-d-aubin).")
@click.option("--username", required=True, help="Identifiant de connexion.")
@click.option("--full-name", required=True, help="Prénom et nom.")
@click.option("--title", default="", help="Fonction, imprimée sous la signature.")
@click.option("--email", default="")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice([role.value for role in Role]),
    help="Rôle (répétable).",
)
@click.password_option("--password", help="Mot de passe (demandé s'il est absent).")
def create_user_command(
    centre_code: str,
    username: str,
    full_name: str,
    title: str,
    email: str,
    roles: tuple[str, ...],
    password: str,
) -> None:
    """Créer un utilisateur."""
    try:
        user = accounts.create_user(
            centre_code=centre_code,
            username=username,
            full_name=full_name,
            title=title,
            email=email,
            password=password,
            roles=[Role(role) for role in roles],
        )
    except EntraideError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Utilisateur « {user.username} » créé ({', '.join(sorted(roles))}).")


@users.command("list")
@click.option("--centre", "centre_code", default=None, help="Limiter à un centre.")
def list_users_command(centre_code: str | None) -> None:
    """Lister les utilisateurs."""
    rows = accounts.list_all_users(centre_code=centre_code)
    if not rows:
        click.echo("Aucun utilisateur.")
    for code, user in rows:
        state = "" if user.active else " (désactivé)"
        roles = ", ".join(sorted(role.value for role in user.roles))
        click.echo(f"{code}\t{user.username}\t{user.full_name}\t{roles}{state}")


@click.group(cls=AppGroup)
def demo() -> None:
    """Données de démonstration."""


@demo.command("seed")
def seed_command() -> None:
    """Créer le centre et les comptes de démonstration si la base est vide."""
    try:
        seeded = seed_if_empty()
    except EntraideError as error:  # nothing deployed to seed with (a refused folder on an empty base)
        raise click.ClickException(error.message) from error
    if seeded:
        click.echo(f"Données de démonstration créées (mot de passe commun : {DEMO_PASSWORD}).")
    else:
        click.echo("La base contient déjà un centre : rien n'a été ajouté.")


@click.group(cls=AppGroup)
def workflows() -> None:
    """Diagrammes des processus (BPMN, DMN, formulaires)."""


@workflows.command("check")
@click.option(
    "--dossier",
    "folder",
    type=click.Path(path_type=Path),
    default=None,
    help="Dossier des diagrammes à valider (par défaut : WORKFLOWS_PATH, sinon workflows/).",
)
def check_command(folder: Path | None) -> None:
    """Valider les diagrammes sans rien déployer."""
    warnings: list[registry.Problem] = []
    try:
        processes = deployment.check_folder(folder or workflows_folder(current_settings()), warnings=warnings)
    except registry.DiagramError as error:
        for problem in error.problems:
            click.echo(f"ERREUR {problem}", err=True)
        raise SystemExit(1) from error
    finally:
        for warning in warnings:
            click.echo(f"ATTENTION {warning}", err=True)
    for process in processes:
        click.echo(f"ok\t{process.key}\t{process.content_hash[:12]}\t{', '.join(sorted(process.sources))}")


@workflows.command("deploy")
def deploy_command() -> None:
    """Déployer les diagrammes modifiés (une nouvelle version chacun)."""
    try:
        deployments = deployment.deploy_folder(deployed_by="entraide workflows deploy")
    except registry.DiagramError as error:
        for problem in error.problems:
            click.echo(f"ERREUR {problem}", err=True)
        raise SystemExit(1) from error
    for item in deployments:
        state = "nouvelle version" if item.created else "inchangé"
        click.echo(f"{item.key}\tv{item.version}\t{state}")


@workflows.command("list")
def list_command() -> None:
    """Lister les processus, leurs versions et les instances en cours sur chacune."""
    rows = registry.summary()
    if not rows:
        click.echo("Aucun processus déployé : lancez « entraide workflows deploy ».")
    for row in rows:
        click.echo(f"{row.key}\tv{row.version}\t{row.content_hash[:12]}\t{row.running} en cours\t{row.name}")


@click.group(cls=AppGroup)
def letters() -> None:
    """Courriers des séances de la commission."""


@letters.command("print")
@click.option(
    "--processus",
    "workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Nombre de processus d'impression (par défaut : PDF_WORKERS).",
)
def print_letters_command(workers: int | None) -> None:
    """Imprimer maintenant les courriers en attente, comme le fait la tâche planifiée."""
    summary = batches.print_letter_batches(workers=workers)
    click.echo(f"Imprimé : {summary}." if summary else "Aucun courrier en attente d'impression.")


@click.command("doctor")
@with_appcontext
def doctor_command() -> None:
    """Vérifier la cohérence de la base (après un arrêt brutal) ; code de sortie 1 si quelque chose cloche."""
    report = doctor.examine()
    for line in report.lines():
        click.echo(line)
    if report:
        raise SystemExit(1)


@click.command("retention")
@click.option(
    "--dry-run", is_flag=True, help="Lister ce qui serait pseudonymisé ou détruit, sans rien changer."
)
@with_appcontext
def retention_command(dry_run: bool) -> None:
    """Appliquer les durées de conservation : fiches sans contact pseudonymisées, vieux documents détruits."""
    for line in retention.run(dry_run=dry_run).lines():
        click.echo(line)


@click.group("api", cls=AppGroup)
def api_group() -> None:
    """L'API : ses jetons."""


@api_group.group("token", cls=AppGroup)
def api_token() -> None:
    """Créer ou révoquer un jeton d'API (au nom d'un compte du centre)."""


@api_token.command("create")
@click.option("--centre", "centre_code", required=True, help="Code du centre (ex. cias-val-d-aubin).")
@click.option("--username", required=True, help="Le compte au nom duquel le jeton agit.")
@click.option("--name", required=True, help="Le programme qui l'utilise (GED, portail…).")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    default=("read",),
    show_default=True,
    type=click.Choice(["read", "write"]),
    help="Portée : read (lecture), write (écriture) ; répétable.",
)
def create_api_token_command(centre_code: str, username: str, name: str, scopes: tuple[str, ...]) -> None:
    """Créer un jeton : son secret est affiché une seule fois (seule son empreinte SHA-256 est gardée)."""
    try:
        token, secret = api_tokens.create_token_from_console(
            centre_code=centre_code, username=username, name=name, scopes=scopes
        )
    except EntraideError as error:
        raise click.ClickException(error.message) from error
    click.echo(
        f"Jeton n° {token.id} « {name} » créé ({' '.join(sorted(set(scopes) | {'read'}))}) :", err=True
    )
    click.echo(secret)


@api_token.command("revoke")
@click.argument("token_id", type=int)
def revoke_api_token_command(token_id: int) -> None:
    """Révoquer un jeton : il n'ouvre plus rien."""
    try:
        token = api_tokens.revoke_token_from_console(token_id=token_id)
    except EntraideError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Jeton n° {token_id} « {token.name} » révoqué.")
