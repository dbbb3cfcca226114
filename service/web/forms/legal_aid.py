"""Form of the directory page: an authority entered in the centre's directory."""

from __future__ import annotations

from typing import Any

from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from service.models import AuthorityKind
from service.web.forms import Form

_REQUIRED = "Ce champ est obligatoire."


class AuthorityForm(Form):
    name = StringField("Nom", validators=[DataRequired(_REQUIRED), Length(max=200)])
    kind = SelectField("Type d'autorité", validators=[DataRequired(_REQUIRED)])
    address = TextAreaField(
        "Adresse postale", validators=[DataRequired(_REQUIRED), Length(max=1000)], render_kw={"rows": 3}
    )
    email = EmailField(
        "Courriel", validators=[Optional(), Email("Adresse de courriel invalide."), Length(max=200)]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = [SelectChoice(kind.value, kind.label) for kind in AuthorityKind]
