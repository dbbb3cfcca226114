"""The pages' forms (WTForms), in French: every form derives from Form, whose built-in messages are WTForms'
own French translations ("Ce champ est requis", "Valeur entière invalide"…)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from service.errors import EntraideError


class Form(FlaskForm):  # type: ignore[misc]
    """A Flask-WTF form (CSRF included) speaking French."""

    class Meta:
        locales = ("fr_FR", "fr")

    def refuse(self, error: EntraideError) -> None:
        """Show a refusal where it belongs: on its field when the form has one of that name, else above."""
        field = getattr(error, "field", None)
        if field and field in self._fields:
            self._fields[field].errors = [*self._fields[field].errors, error.message]
        else:
            self.form_errors.append(error.message)


def choices(pairs: Iterable[tuple[Any, str]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]
