"""The centre's figures over a period, each built from a few grouped queries: requests and what became of
them, amounts, refusals, who decided, delays, legal aid, the households reached, the workshops, the rights
asked, the domiciliations, the liaisons received from the town halls, the orientations to partners."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select

from service import aids
from service.extensions import db
from service.models import (
    Commune,
    CommuneLink,
    Domiciliation,
    Dossier,
    DossierStatus,
    FollowUpStatus,
    LegalAidRequest,
    Liaison,
    LiaisonOutcome,
    Orientation,
    Partner,
    PartnerKind,
    Person,
    Quartier,
    RegistrationStatus,
    RightFollowUp,
    WorkshopRegistration,
    WorkshopSession,
    WorkshopStatus,
    WorkshopTheme,
)
from service.models.dossier import REFUSAL_CATEGORIES
from service.orientation.domains import DOMAINS
from service.people.profile import AGE_LABELS, HOUSEHOLD_LABELS, HOUSING_LABELS, RESOURCES_LABELS
from service.rights.catalogue import RIGHTS
from service.stats import sql
from service.stats.figures import Columns, Figure, Measure, Split, Unit, by_category, by_measure
from service.stats.period import Period

_MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")


def month_label(month: str) -> str:
    """'2026-03' → 'mars 2026'."""
    year, number = month.split("-")
    return f"{_MONTHS[int(number) - 1]} {year}"


def _count(condition: ColumnElement[bool], label: str) -> Measure:
    return Measure(label, func.count(case((condition, Dossier.id))), _households(condition))


def _households(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.count(func.distinct(case((condition, Dossier.person_id))))


def _within(instant: Any, period: Period) -> ColumnElement[bool]:
    return and_(instant >= period.starts_at, instant < period.ends_before)


def split_columns(centre_id: int, split: Split, *, commune: Any, quartier: Any) -> Columns:
    """The columns of a split: the centre's communes or quartiers (the expressions say whose)."""
    if split is Split.COMMUNE:
        communes = db.session.execute(
            select(Commune.id, Commune.name).where(Commune.centre_id == centre_id).order_by(Commune.name)
        ).all()
        return Columns(
            commune,
            {commune_id: name for commune_id, name in communes},
            places={commune_id: (name, "") for commune_id, name in communes},
        )
    if split is Split.QUARTIER:
        quartiers = db.session.execute(
            select(Quartier.id, Commune.name, Quartier.name)
            .join(Commune, Commune.id == Quartier.commune_id)
            .where(Quartier.centre_id == centre_id)
            .order_by(Commune.name, Quartier.name)
        ).all()
        return Columns(
            quartier,
            {q_id: f"{c_name} — {q_name}" for q_id, c_name, q_name in quartiers},
            places={q_id: (c_name, q_name) for q_id, c_name, q_name in quartiers},
        )
    return Columns(None)


def figures(*, centre_id: int, period: Period, split: Split) -> list[Figure]:
    """Every figure of the page, for the centre over the period, split as asked."""
    columns = split_columns(centre_id, split, commune=Dossier.commune_id, quartier=Dossier.quartier_id)
    dossiers = select(Dossier).where(Dossier.centre_id == centre_id)
    received = _within(Dossier.opened_at, period)
    decided = _within(Dossier.decided_at, period)
    filed = dossiers.where(received)
    aid_labels = {aid.key: aid.label for aid in aids.all_aids()}
    return [
        *_requests(dossiers, filed, received, decided, period, columns, aid_labels),
        *_decisions(dossiers, decided, columns, aid_labels),
        _delays(dossiers, decided, period, columns),
        _legal_aid(centre_id, period, split, columns),
        *_households_reached(filed, columns),
        _workshops(centre_id, period, split),
        _rights_asked(centre_id, period, split),
        _domiciliations(centre_id, period, split),
        _liaisons(centre_id, period, split),
        *_orientations(centre_id, period, split),
    ]


def _requests(
    dossiers: Any,
    filed: Any,
    received: Any,
    decided: Any,
    period: Period,
    columns: Columns,
    aid_labels: dict[str, str],
) -> list[Figure]:
    closed = _within(Dossier.closed_at, period)
    touched = dossiers.where(or_(received, decided, closed))  # only the rows the period concerns
    outcomes = [
        _count(received, "Reçues"),
        _count(decided, "Décidées"),
        _count(and_(decided, Dossier.decision == "accord"), "Accordées"),
        _count(and_(decided, Dossier.decision == "refus"), "Refusées"),
        _count(and_(closed, Dossier.status == DossierStatus.CLASSE_SANS_SUITE), "Classées sans suite"),
    ]
    return [
        by_category(
            key="demandes_par_mois",
            title="Demandes reçues par mois",
            unit=Unit.NOMBRE,
            row_header="Mois",
            base=filed,
            category=sql.month_of(Dossier.opened_at),
            categories={month: month_label(month) for month in period.months()},
            measure=_count(received, "Demandes"),
            split=columns,
        ),
        by_measure(
            key="suites",
            title="Demandes reçues, décidées, accordées, refusées, classées",
            unit=Unit.NOMBRE,
            row_header="Demandes",
            base=touched,
            measures=outcomes,
            split=columns,
            note="Une demande est comptée le mois de son dépôt, de sa décision ou de son classement.",
        ),
        by_category(
            key="demandes_par_aide",
            title="Demandes reçues par aide",
            unit=Unit.NOMBRE,
            row_header="Aide",
            base=filed,
            category=Dossier.aid_type,
            categories=aid_labels,
            measure=_count(received, "Demandes"),
            split=columns,
        ),
        by_measure(
            key="suites_par_aide",
            title="Suites données, par aide",
            unit=Unit.NOMBRE,
            row_header="Demandes",
            base=touched,
            measures=outcomes,
            split=Columns(Dossier.aid_type, aid_labels, unknown=False),
        ),
    ]


def _decisions(dossiers: Any, decided: Any, columns: Columns, aid_labels: dict[str, str]) -> list[Figure]:
    granted = and_(decided, Dossier.decision == "accord")
    refused = dossiers.where(decided, Dossier.decision == "refus")
    return [
        by_category(
            key="montants_accordes",
            title="Montants accordés par aide",
            unit=Unit.CENTIMES,
            row_header="Aide",
            base=dossiers.where(granted),
            category=Dossier.aid_type,
            categories=aid_labels,
            measure=Measure(
                "Montant", func.coalesce(func.sum(Dossier.amount_granted_cents), 0), _households(granted)
            ),
            split=columns,
        ),
        by_category(
            key="refus_par_motif",
            title="Refus par motif",
            unit=Unit.NOMBRE,
            row_header="Motif",
            base=refused,
            category=Dossier.refusal_category,
            categories={**REFUSAL_CATEGORIES, "": "Non classé (décision de la commission)"},
            measure=_count(decided, "Refus"),
            split=columns,
        ),
        by_category(
            key="delegation_commission",
            title="Décisions prises sous délégation ou en commission",
            unit=Unit.NOMBRE,
            row_header="Décidée",
            base=dossiers.where(decided, Dossier.decided_under_delegation.is_not(None)),
            category=Dossier.decided_under_delegation,
            categories={True: "Sous délégation (président·e, vice-président·e)", False: "En commission"},
            measure=_count(decided, "Décisions"),
            split=columns,
            note=(
                "Il est rendu compte des décisions prises sous délégation au conseil suivant "
                "(art. R123-22 CASF)."
            ),
        ),
    ]


def _delays(dossiers: Any, decided: Any, period: Period, columns: Columns) -> Figure:
    paid = and_(_within(Dossier.paid_at, period), Dossier.decided_at.is_not(None))
    return by_measure(
        key="delais",
        title="Délais moyens, en jours",
        unit=Unit.JOURS,
        row_header="Délai",
        base=dossiers.where(or_(decided, paid)),
        measures=[
            Measure(
                "Du dépôt à la décision",
                func.avg(case((decided, sql.days_between(Dossier.opened_at, Dossier.decided_at)))),
                _households(decided),
                average=True,
            ),
            Measure(
                "De la décision au versement",
                func.avg(case((paid, sql.days_between(Dossier.decided_at, Dossier.paid_at)))),
                _households(paid),
                average=True,
            ),
        ],
        split=columns,
        additive=False,
        note="Moyennes des demandes décidées, ou versées, pendant la période.",
    )


def _legal_aid(centre_id: int, period: Period, split: Split, columns: Columns) -> Figure:
    base = (
        select(LegalAidRequest)
        .join(Dossier, Dossier.id == LegalAidRequest.dossier_id)
        .where(
            LegalAidRequest.centre_id == centre_id,
            LegalAidRequest.filed_on >= period.start,
            LegalAidRequest.filed_on <= period.end,
        )
    )
    sent = LegalAidRequest.transmitted_at.is_not(None)
    in_time = sql.local_day(LegalAidRequest.transmitted_at) <= sql.one_month_after(LegalAidRequest.filed_on)
    filed = LegalAidRequest.id.is_not(None)
    return by_measure(
        key="aide_legale",
        title="Aide sociale légale : transmission dans le mois (art. L131-1 CASF)",
        unit=Unit.NOMBRE,
        row_header="Dossiers déposés pendant la période",
        base=base,
        measures=[
            _count(filed, "Déposés"),
            _count(sent, "Transmis"),
            Measure(
                "Délai moyen du dépôt à la transmission (jours)",
                func.avg(
                    case((sent, sql.days_from_date(LegalAidRequest.filed_on, LegalAidRequest.transmitted_at)))
                ),
                _households(sent),
                average=True,
            ),
            Measure(
                "Part transmise dans le mois (%)",
                func.avg(case((and_(sent, in_time), 100.0), (sent, 0.0))),
                _households(sent),
                average=True,
            ),
        ],
        units={
            "Délai moyen du dépôt à la transmission (jours)": Unit.JOURS,
            "Part transmise dans le mois (%)": Unit.POURCENT,
        },
        split=columns,
        additive=False,
    )


def _households_reached(filed: Any, columns: Columns) -> list[Figure]:
    reached = Measure(
        "Foyers", func.count(func.distinct(Dossier.person_id)), func.count(func.distinct(Dossier.person_id))
    )
    common: dict[str, Any] = {"unit": Unit.NOMBRE, "base": filed, "measure": reached, "split": columns}
    note = "Foyers distincts ayant déposé au moins une demande, tels qu'ils étaient au dépôt."
    return [
        by_measure(
            key="foyers",
            title="Foyers touchés et demandes",
            unit=Unit.NOMBRE,
            row_header="Nombre",
            base=filed,
            measures=[reached, Measure("Demandes", func.count(Dossier.id), reached.households)],
            split=columns,
            note=note,
        ),
        by_category(
            key="foyers_composition",
            title="Foyers touchés par composition",
            row_header="Composition",
            category=Dossier.household_kind,
            categories=HOUSEHOLD_LABELS,
            note=note,
            **common,
        ),
        by_category(
            key="foyers_age",
            title="Foyers touchés par âge du demandeur",
            row_header="Âge",
            category=Dossier.age_band,
            categories=AGE_LABELS,
            note=note,
            **common,
        ),
        by_category(
            key="foyers_ressources",
            title="Foyers touchés par ressources mensuelles",
            row_header="Ressources",
            category=Dossier.resources_band,
            categories=RESOURCES_LABELS,
            note=note,
            **common,
        ),
        by_category(
            key="foyers_logement",
            title="Foyers touchés par situation de logement",
            row_header="Logement",
            category=Dossier.housing,
            categories=HOUSING_LABELS,
            note=note,
            **common,
        ),
    ]


def _people_by_category(
    centre_id: int,
    split: Split,
    *,
    base: Any,
    person_id: Any,
    counted: str,
    **figure: Any,
) -> Figure:
    """A figure of distinct people in each category, split by the person's commune or quartier."""
    people = func.count(func.distinct(person_id))
    return by_category(
        unit=Unit.NOMBRE,
        base=base.join(Person, Person.id == person_id),
        measure=Measure(counted, people, people),
        split=split_columns(centre_id, split, commune=Person.commune_id, quartier=Person.quartier_id),
        **figure,
    )


def _workshops(centre_id: int, period: Period, split: Split) -> Figure:
    base = (
        select(WorkshopRegistration)
        .join(WorkshopSession, WorkshopSession.id == WorkshopRegistration.session_id)
        .where(
            WorkshopSession.centre_id == centre_id,
            _within(WorkshopSession.starts_at, period),
            WorkshopSession.status.in_((WorkshopStatus.TENUE, WorkshopStatus.CLOSE)),
            WorkshopRegistration.status == RegistrationStatus.CONFIRMEE,
            WorkshopRegistration.attended.is_(True),
        )
    )
    themes: dict[int, str] = dict(
        db.session.execute(
            select(WorkshopTheme.id, WorkshopTheme.name)
            .where(WorkshopTheme.centre_id == centre_id)
            .order_by(WorkshopTheme.name)
        )
        .tuples()
        .all()
    )
    return _people_by_category(
        centre_id, split, base=base, person_id=WorkshopRegistration.person_id, counted="Participants",
        key="ateliers", title="Ateliers collectifs : participants par thème", row_header="Thème",
        category=WorkshopSession.theme_id, categories=themes,
        note="Personnes distinctes présentes à au moins une séance tenue pendant la période "
        "(commune de la personne).",
    )  # fmt: skip


def _rights_asked(centre_id: int, period: Period, split: Split) -> Figure:
    """The rights check's outcome that counts: a request the person made after it, noted by the agent."""
    base = select(RightFollowUp).where(
        RightFollowUp.centre_id == centre_id,
        RightFollowUp.status == FollowUpStatus.DEMANDE_FAITE,
        RightFollowUp.on_date >= period.start,
        RightFollowUp.on_date <= period.end,
    )
    return _people_by_category(
        centre_id, split, base=base, person_id=RightFollowUp.person_id, counted="Foyers",
        key="droits_demandes", title="Accès aux droits : demandes faites après l'estimation, par droit",
        row_header="Droit", category=RightFollowUp.right,
        categories={right.key: right.label for right in RIGHTS},
        additive=False,  # a household may have asked for several rights
        note="Foyers distincts dont l'agent a noté qu'une demande du droit potentiel a été faite pendant la "
        "période (commune de la personne).",
    )  # fmt: skip


def _domiciliations(centre_id: int, period: Period, split: Split) -> Figure:
    """Elections of domicile granted in the period, by the link with the commune that grounds them."""
    base = select(Domiciliation).where(
        Domiciliation.centre_id == centre_id,
        Domiciliation.decision == "accord",
        Domiciliation.decided_on >= period.start,
        Domiciliation.decided_on <= period.end,
    )
    return _people_by_category(
        centre_id, split, base=base, person_id=Domiciliation.person_id, counted="Personnes",
        key="domiciliations", title="Domiciliations accordées, par lien avec la commune",
        row_header="Lien avec la commune", category=Domiciliation.link,
        categories={link.value: link.label for link in CommuneLink},
        note="Personnes distinctes dont l'élection de domicile a été accordée pendant la période (un "
        "renouvellement n'est pas une nouvelle élection ; commune de la personne).",
    )  # fmt: skip


def _liaisons(centre_id: int, period: Period, split: Split) -> Figure:
    columns = split_columns(centre_id, split, commune=Liaison.commune_id, quartier=Liaison.quartier_id)
    base = select(Liaison).where(Liaison.centre_id == centre_id, _within(Liaison.sent_at, period))
    outcomes: dict[Any, str] = {outcome.value: outcome.label for outcome in LiaisonOutcome}
    outcomes[None] = "En attente de l'évaluation"
    return by_category(
        key="liaisons",
        title="Fiches de liaison reçues des mairies, par suite donnée",
        unit=Unit.NOMBRE,
        row_header="Suite donnée",
        base=base,
        category=Liaison.outcome,
        categories=outcomes,
        measure=Measure("Fiches", func.count(Liaison.id), func.count(func.distinct(Liaison.person_id))),
        split=columns,
        note="Fiches envoyées pendant la période, selon la commune (ou le quartier) de la mairie.",
    )


def _orientations(centre_id: int, period: Period, split: Split) -> list[Figure]:
    columns = split_columns(centre_id, split, commune=Person.commune_id, quartier=Person.quartier_id)
    base = (
        select(Orientation)
        .join(Partner, Partner.id == Orientation.partner_id)
        .join(Person, Person.id == Orientation.person_id)
        .where(Orientation.centre_id == centre_id, _within(Orientation.oriented_at, period))
    )
    oriented = Measure(
        "Orientations", func.count(Orientation.id), func.count(func.distinct(Orientation.person_id))
    )
    note = "Orientations faites pendant la période (commune de la personne)."
    return [
        by_category(
            key="orientations_partenaires",
            title="Orientations vers les partenaires, par type de partenaire",
            unit=Unit.NOMBRE,
            row_header="Type de partenaire",
            base=base,
            category=Partner.kind,
            categories={kind.value: kind.label for kind in PartnerKind},
            measure=oriented,
            split=columns,
            note=note,
        ),
        by_category(
            key="orientations_domaines",
            title="Orientations vers les partenaires, par domaine",
            unit=Unit.NOMBRE,
            row_header="Domaine",
            base=base,
            category=Orientation.domain,
            categories=DOMAINS,
            measure=oriented,
            split=columns,
            note=note,
        ),
    ]
