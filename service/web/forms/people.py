"""Forms of the people pages, with French messages; amounts are typed in euros and kept in cents."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, DateField, EmailField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from service import aids
from service.models import BudgetKind, Relationship
from service.models.people import HOUSING_LABELS
from service.money import parse_euros
from service.people.budget import CHARGE_CATEGORIES, RESOURCE_CATEGORIES
from service.web.forms import Form, choices

_REQUIRED = "Ce champ est obligatoire."


_DATE = "Saisissez une date valide."


class PersonForm(Form):
    civility = SelectField(
        "Civilité (pour s'adresser à la personne dans les courriers)",
        choices=choices([("", "— non renseignée —"), ("madame", "Madame"), ("monsieur", "Monsieur")]),
        validators=[Optional()],
    )
    last_name = StringField("Nom", validators=[DataRequired(_REQUIRED), Length(max=100)])
    first_name = StringField("Prénom", validators=[DataRequired(_REQUIRED), Length(max=100)])
    birth_date = DateField("Date de naissance", validators=[Optional()], format="%Y-%m-%d")
    phone = StringField("Téléphone", validators=[Length(max=40)])
    email = EmailField(
        "Courriel", validators=[Optional(), Email("Adresse de courriel invalide."), Length(max=200)]
    )
    address_line = StringField("Adresse", validators=[Length(max=200)])
    postal_code = StringField("Code postal", validators=[Length(max=10)])
    city = StringField("Commune", validators=[Length(max=100)])
    commune_id = SelectField("Commune desservie", coerce=int, validators=[Optional()])
    quartier_id = SelectField("Quartier", coerce=int, validators=[Optional()])
    housing = SelectField(
        "Logement",
        choices=choices([("", "— non renseigné —"), *HOUSING_LABELS.items()]),
        validators=[Optional()],
    )
    confirm_duplicate = BooleanField("Il s'agit d'une autre personne : la créer quand même")

    def __init__(
        self, *args: Any, quartiers: list[tuple[int, str]], communes: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.commune_id.choices = choices([(0, "— selon le quartier, ou non renseignée —"), *communes])
        self.quartier_id.choices = choices([(0, "— non renseigné —"), *quartiers])
        self.birth_date.messages = {"invalid": _DATE}


class MemberForm(Form):
    first_name = StringField("Prénom", validators=[DataRequired(_REQUIRED), Length(max=100)])
    last_name = StringField("Nom", validators=[DataRequired(_REQUIRED), Length(max=100)])
    birth_date = DateField("Date de naissance", validators=[DataRequired(_DATE)], format="%Y-%m-%d")
    relationship = SelectField(
        "Lien avec le demandeur",
        choices=choices((r.value, r.label) for r in Relationship),
        validators=[DataRequired()],
    )


class EurosField(StringField):  # type: ignore[misc]
    """A euro amount typed the French way; `cents` holds the value once validated."""

    cents: int | None = None

    def pre_validate(self, form: Any) -> None:
        if not self.data:
            return
        try:
            self.cents = parse_euros(self.data)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


class BudgetLineForm(Form):
    kind = HiddenField(validators=[DataRequired()])
    category = SelectField("Catégorie", validators=[DataRequired(_REQUIRED)])
    label = StringField("Précision", validators=[Length(max=200)])
    amount = EurosField("Montant mensuel (€)", validators=[DataRequired(_REQUIRED)])

    def __init__(self, *args: Any, kind: BudgetKind, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = RESOURCE_CATEGORIES if kind is BudgetKind.RESSOURCE else CHARGE_CATEGORIES
        self.category.choices = choices(categories.items())
        if not self.kind.data:
            self.kind.data = kind.value


class RequestForm(Form):
    aid_type = SelectField("Aide demandée")
    reason = TextAreaField("Objet de la demande", validators=[DataRequired(_REQUIRED), Length(max=2000)])
    missing = TextAreaField(
        "Pièces manquantes au dépôt (une par ligne ; l'accusé de réception les liste)",
        validators=[Length(max=2000)],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.aid_type.choices = choices((aid.key, aid.label) for aid in aids.all_aids())


class SearchForm(Form):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField("Nom, prénom", validators=[Length(max=100)])
