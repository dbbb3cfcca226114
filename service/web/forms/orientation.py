"""Forms of orientation: a partner of the directory, a person oriented to one, the follow-up's answer."""

from __future__ import annotations

from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import DataRequired, Length

from service.models import OrientationOutcome, PartnerKind
from service.orientation.domains import DOMAINS
from service.web.forms import Form, choices

_REQUIRED = "Ce champ est obligatoire."


class DomainsField(SelectMultipleField):  # type: ignore[misc]
    """The domains as a list of check boxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class PartnerForm(Form):
    name = StringField("Nom", validators=[DataRequired(_REQUIRED), Length(max=200)])
    kind = SelectField(
        "Type de partenaire",
        choices=choices((kind.value, kind.label) for kind in PartnerKind),
        validators=[DataRequired(_REQUIRED)],
    )
    domains = DomainsField(
        "Domaines traités",
        choices=choices(DOMAINS.items()),
        validators=[DataRequired("Cochez au moins un domaine.")],
    )
    address = TextAreaField("Adresse", validators=[Length(max=1000)], render_kw={"rows": 3})
    phone = StringField("Téléphone", validators=[Length(max=40)])
    email = StringField("Courriel", validators=[Length(max=200)])
    hours = TextAreaField("Horaires d'accueil", validators=[Length(max=1000)], render_kw={"rows": 2})
    active = BooleanField("Actif (proposé pour les orientations)", default=True)


class OrientationForm(Form):
    domain = SelectField("Domaine", choices=choices(DOMAINS.items()), validators=[DataRequired(_REQUIRED)])
    partner = SelectField("Partenaire", choices=[], validators=[DataRequired(_REQUIRED)])
    reason = TextAreaField(
        "Motif de l'orientation",
        validators=[DataRequired(_REQUIRED), Length(max=2000)],
        render_kw={"rows": 3},
    )
    consent = BooleanField("La personne accepte que la fiche de liaison soit transmise au partenaire")
    send = BooleanField(
        "Envoyer la fiche de liaison au partenaire par courriel (avec l'accord de la personne)"
    )


class OutcomeForm(Form):
    outcome = SelectField(
        "La personne a-t-elle joint le partenaire ?",
        choices=choices((outcome.value, outcome.label) for outcome in OrientationOutcome),
        validators=[DataRequired(_REQUIRED)],
    )
