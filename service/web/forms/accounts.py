"""Forms of the accounts pages, with French messages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wtforms import BooleanField, EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from service.models import Role
from service.web.forms import Form

_REQUIRED = "Ce champ est obligatoire."


class LoginForm(Form):
    username = StringField(
        "Identifiant",
        validators=[DataRequired(_REQUIRED), Length(max=80)],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        "Mot de passe",
        validators=[DataRequired(_REQUIRED), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )


class ChangePasswordForm(Form):
    current_password = PasswordField(
        "Mot de passe actuel",
        validators=[DataRequired(_REQUIRED)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        "Nouveau mot de passe",
        validators=[DataRequired(_REQUIRED), Length(max=200)],
        render_kw={"autocomplete": "new-password"},
    )
    confirmation = PasswordField(
        "Confirmation du nouveau mot de passe",
        validators=[
            DataRequired(_REQUIRED),
            EqualTo("new_password", message="Les deux mots de passe ne sont pas identiques."),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class NewUserForm(Form):
    username = StringField(
        "Identifiant", validators=[DataRequired(_REQUIRED), Length(max=80)], render_kw={"autocomplete": "off"}
    )
    full_name = StringField("Prénom et nom", validators=[DataRequired(_REQUIRED), Length(max=200)])
    title = StringField("Fonction (imprimée sous la signature)", validators=[Length(max=200)])
    email = EmailField(
        "Courriel", validators=[Optional(), Email("Adresse de courriel invalide."), Length(max=200)]
    )
    roles = SelectMultipleField(
        "Rôles",
        choices=[SelectChoice(role.value, role.label) for role in Role],
        validators=[DataRequired("Choisissez au moins un rôle.")],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    # For a town-hall agent: "commune-<id>" or "quartier-<id>", the choices set by the page.
    town_hall = SelectField("Mairie de l'agent (rôle agent de mairie de quartier)", default="")
    password = PasswordField(
        "Mot de passe provisoire",
        validators=[DataRequired(_REQUIRED), Length(max=200)],
        render_kw={"autocomplete": "new-password"},
    )


class ApiTokenForm(Form):
    """A new bearer token of the API: which program, acting as which account, reading or also writing."""

    name = StringField(
        "Programme qui l'utilise (nom du jeton)", validators=[DataRequired(_REQUIRED), Length(max=120)]
    )
    user_id = SelectField("Au nom du compte", coerce=str, validators=[DataRequired(_REQUIRED)])
    write = BooleanField("Écriture (sinon lecture seule)")

    def __init__(self, *args: Any, accounts: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user_id.choices = [("", "— Choisir —")] + [(str(key), label) for key, label in accounts]
