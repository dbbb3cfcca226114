"""The pages' forms (WTForms), in French: every form derives from Form, whose built-in messages are WTForms'
own French translations ("Ce champ est requis", "Valeur entière invalide"…)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from service.errors import EntraideError


class Form(FlaskForm):  # type: ignore[misc]
    """A Flask-WTF form (CSRF included) speaking French."""

    class Meta:
        locales = ("fr_FR", "fr")

    def validate(self, extra_validators: Any = None) -> bool:
        valid: bool = super().validate(extra_validators)
        for field in self._fields.values():
            if isinstance(field.errors, list | tuple):
                field.errors = [_shortened(message) for message in field.errors]
        return valid

    def refuse(self, error: EntraideError) -> None:
        """Show a refusal where it belongs: on its field when the form has one of that name, else above."""
        field = getattr(error, "field", None)
        if field and field in self._fields:
            self._fields[field].errors = [*self._fields[field].errors, error.message]
        else:
            self.form_errors.append(error.message)


_QUOTED = re.compile(r"«(\s)([^»]{61,}?)(\s)»")


def _shortened(message: object) -> object:
    """A message that quotes what was typed quotes its first 60 characters: ten thousand typed are not shown
    back whole (« … » n'est pas un choix valide)."""
    if not isinstance(message, str):
        return message
    return _QUOTED.sub(lambda q: f"«{q.group(1)}{q.group(2)[:60]}…{q.group(3)}»", message)


def choices(pairs: Iterable[tuple[Any, str]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]
