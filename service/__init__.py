"""Entraide: a workflow service for social-action centres."""

from service.app import create_app

__all__ = ["create_app"]
