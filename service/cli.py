"""The `entraide` command: run the service, migrate the database, manage users and demo data."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import FlaskGroup, routes_command, shell_command

from service.app import create_app, service_settings
from service.config import resolve_instance_path
from service.errors import ConfigError


def _create_app() -> Flask:
    return create_app()


@click.group(
    cls=FlaskGroup,
    create_app=_create_app,
    add_version_option=False,
    add_default_commands=False,  # our own `run` also starts the scheduler
    load_dotenv=False,
)
def cli() -> None:
    """Entraide : le service des centres d'action sociale."""


cli.add_command(shell_command)
cli.add_command(routes_command)


def main() -> None:
    """Entry point of the console script: refuse bad settings with one line, before anything starts."""
    try:
        service_settings(resolve_instance_path())
    except ConfigError as error:
        click.echo(f"Configuration invalide : {error.message}", err=True)
        sys.exit(2)
    cli.main(prog_name="entraide")
