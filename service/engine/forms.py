"""User-task forms: a JSON Schema per task, checked at deployment, read back from the deployed version."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from service.money import euros, parse_euros

FORMS_FOLDER = "forms"
_WIDGET_FORMATS = {"cents", "date"}
_MAX_INTEGER = 2**31 - 1  # what an integer column holds: a larger number is a typing error


class FormSchemaError(ValueError):
    """A form schema that the service cannot render or validate."""


def form_source_name(form_key: str) -> str:
    return f"{FORMS_FOLDER}/{form_key}"


def check_form_schema(text: str) -> dict[str, Any]:
    """Parse a form schema and refuse what the renderer does not support; return the schema."""
    try:
        schema: dict[str, Any] = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormSchemaError(f"JSON invalide : {exc}") from exc
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        raise FormSchemaError(f"schéma invalide : {exc.message}") from exc
    if schema.get("type") != "object" or not isinstance(schema.get("properties"), dict):
        raise FormSchemaError("le formulaire doit être un objet avec des propriétés")
    for name, field in schema["properties"].items():
        if "title" not in field:
            raise FormSchemaError(f"le champ « {name} » n'a pas de libellé (title)")
        if field.get("type") not in {"string", "integer", "boolean"}:
            raise FormSchemaError(f"le champ « {name} » a un type non pris en charge")
        if "format" in field and field["format"] not in _WIDGET_FORMATS:
            raise FormSchemaError(f"le champ « {name} » a un format inconnu : {field['format']}")
    for name in schema.get("required", []):
        if name not in schema["properties"]:
            raise FormSchemaError(f"champ obligatoire inconnu : « {name} »")
    return schema


@dataclass(frozen=True)
class TaskForm:
    """A checked form schema with its compiled validator."""

    schema: dict[str, Any]
    validator: Draft202012Validator

    @classmethod
    def parse(cls, text: str) -> TaskForm:
        schema = check_form_schema(text)
        return cls(schema, Draft202012Validator(schema))

    def read(self, form: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
        """Convert the submitted strings to typed values and validate them; return (values, French errors)."""
        return _read_submission(self.schema, self.validator, form)


def _read_submission(
    schema: dict[str, Any], validator: Draft202012Validator, form: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, str]]:
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, field in schema["properties"].items():
        raw = (form.get(name) or "").strip()
        if field.get("type") == "boolean":
            values[name] = raw in {"on", "oui", "true", "1"}
            continue
        if not raw:
            continue
        try:
            values[name] = _convert(field, raw)
        except ValueError as exc:
            errors[name] = str(exc)
    if errors:
        return values, errors
    for error in validator.iter_errors(values):
        for name, message in _explain(error, schema, values):
            errors.setdefault(name, message)
    return values, errors


def _convert(field: dict[str, Any], raw: str) -> Any:
    if field.get("format") == "cents":
        return parse_euros(raw)
    if field.get("type") == "integer":
        if not raw.lstrip("-").isascii() or not raw.lstrip("-").isdigit():
            raise ValueError("Saisissez un nombre entier.")
        if abs(int(raw)) > _MAX_INTEGER:
            raise ValueError("Ce nombre est trop grand.")
        return int(raw)
    if field.get("format") == "date":
        try:
            date.fromisoformat(raw)
        except ValueError as exc:
            raise ValueError("Saisissez une date, par exemple 23/11/2026.") from exc
    return raw


def _explain(error: Any, schema: dict[str, Any], values: dict[str, Any]) -> list[tuple[str, str]]:
    if error.validator == "required":
        return [(name, "Ce champ est obligatoire.") for name in error.validator_value if name not in values]
    name = str(error.absolute_path[0]) if error.absolute_path else ""
    field = schema["properties"].get(name, {})
    limit = error.validator_value
    money = field.get("format") == "cents"
    messages = {
        "minLength": f"Saisissez au moins {limit} caractères.",
        "maxLength": f"Ce texte dépasse {limit} caractères.",
        "minimum": f"Le montant doit être d'au moins {euros(limit)}."
        if money
        else f"La valeur doit être au moins {limit}.",
        "maximum": f"Le montant ne peut dépasser {euros(limit)}."
        if money
        else f"La valeur ne peut dépasser {limit}.",
        "oneOf": "Choisissez une des valeurs proposées.",
        "enum": "Choisissez une des valeurs proposées.",
        "const": "Choisissez une des valeurs proposées.",
    }
    if error.validator == "const" and field.get("type") == "boolean":
        return [(name, "Cochez cette case pour continuer.")]
    return [(name, messages.get(error.validator, "Valeur invalide."))]
