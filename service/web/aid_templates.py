"""The pages find each aid's templates in its own folder: `aids/<key>/dossier.html` is the dossier page's
section on what the aid became, written beside the aid's declaration (service/aids/<key>/templates)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from jinja2 import BaseLoader, ChoiceLoader, Environment, FileSystemLoader, TemplateNotFound

from service import aids


class AidTemplateLoader(BaseLoader):
    """Templates named `aids/<key>/<name>`, read from the templates folder the aid declares."""

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool]]:
        prefix, _, rest = template.partition("/")
        key, _, name = rest.partition("/")
        if prefix != "aids" or not name or not aids.is_aid(key):
            raise TemplateNotFound(template)
        folder = aids.get(key).templates
        if folder is None:
            raise TemplateNotFound(template)
        return FileSystemLoader(folder).get_source(environment, name)


def init_app(app: Flask) -> None:
    app.jinja_loader  # noqa: B018 - Flask builds its own loader lazily: make it exist first
    app.jinja_env.loader = ChoiceLoader([app.jinja_env.loader, AidTemplateLoader()])  # type: ignore[list-item]
