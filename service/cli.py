"""The `entraide` command: run the service, migrate the database, manage users and demo data."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import FlaskGroup

from service.app import create_app
from service.config import load_settings, resolve_instance_path
from service.errors import ConfigError


def _create_app() -> Flask:
    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False, load_dotenv=False)
def cli() -> None:
    """Entraide : le service des centres d'action sociale."""


def main() -> None:
    """Entry point of the console script: refuse bad settings with one line, before anything starts."""
    try:
        load_settings(resolve_instance_path())
    except ConfigError as error:
        click.echo(f"Configuration invalide : {error.message}", err=True)
        sys.exit(2)
    cli.main(prog_name="entraide")
