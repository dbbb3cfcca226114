"""Colis alimentaires: the agent evaluates and the barème proposes; the holder of the board's delegation
(or an agent signing for him) decides; each pick-up is recorded."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from service import clock
from service.aids import Aid, Choices, EmptyChoice, decisions, pieces, silence
from service.audit import service as audit
from service.audit.actions import AuditAction
from service.config import local_zone
from service.dates import long_date
from service.errors import InvalidInputError
from service.extensions import db
from service.models import AidType, Dossier, DossierStatus, Parcel, ParcelStatus, User
from service.people import service as people

MISSES_BEFORE_CANCELLATION = 2
PICK_UP_CLOSES = time(18, 0)  # a parcel not recorded by then is late in the worklist


def start_data(filed_at: datetime) -> dict[str, Any]:
    return dict(pieces.start_data())


def evaluate(
    dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]
) -> dict[str, Any]:
    missing = pieces.record_instruction(dossier, values, actor)
    return {"pieces_a_demander": missing, "rav_jour_cents": people.budget(dossier.person).rav_per_day_cents}


def decide(dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]) -> dict[str, Any]:
    """Under delegation, following the barème: parcels only for an eligible household."""
    authority = decisions.delegated_authority(dossier, actor)
    decision = values["decision"]
    if decision == "refus":
        decisions.record_decision(
            dossier, decision="refus", granted_cents=None, reason=values.get("motif", ""),
            refusal_category=values.get("categorie_refus") or "", actor=actor,
            delegated=True, authority=authority,
        )  # fmt: skip
        return {"decision": "refus", "colis_restants": 0}
    if not process.get("eligible"):
        raise InvalidInputError(
            "Le barème ne permet pas d'accorder des colis sous délégation "
            f"({process.get('motif_bareme', 'foyer non éligible')}) : refusez, ou orientez la demande."
        )
    count, weeks = values["nombre_colis"], values["semaines"]
    proposed = int(process.get("colis_proposes", 0))
    if count > proposed:
        raise InvalidInputError(f"Le barème propose au plus {proposed} colis pour ce foyer.")
    point = values["point_distribution"]
    if point not in distribution_points():
        raise InvalidInputError("Choisissez un des points de distribution du centre.")
    first = date.fromisoformat(values["premier_retrait"])
    if first < people.today():
        raise InvalidInputError("Le premier retrait ne peut être dans le passé.")
    plan = pick_up_dates(first, count=count, weeks=weeks)
    granted = count * AID.number("COLIS_PARCEL_VALUE_CENTS")
    ceiling = authority.ceiling_cents(dossier.aid_type)
    if ceiling is not None and granted > ceiling:
        raise InvalidInputError(
            f"La délégation (délibération n° {authority.deliberation.number}) permet d'accorder au plus "
            f"{ceiling // AID.number('COLIS_PARCEL_VALUE_CENTS')} colis par décision."
        )
    decisions.record_decision(
        dossier,
        decision="accord",
        granted_cents=granted,
        reason="",
        actor=actor,
        delegated=True,
        authority=authority,
        grant_text=(
            f"{count} colis alimentaire{'s' if count > 1 else ''}, à retirer à : {point}, "
            f"du {long_date(plan[0])} au {long_date(plan[-1])} (un retrait non effectué deux fois "
            "entraîne l'annulation des colis restants)"
        ),
    )
    for sequence, planned_on in enumerate(plan, start=1):
        db.session.add(
            Parcel(
                centre_id=dossier.centre_id, dossier_id=dossier.id, sequence=sequence, planned_on=planned_on,
                distribution_point=point, status=ParcelStatus.A_RETIRER,
            )
        )  # fmt: skip
    return {"decision": "accord", "colis_restants": count, "retrait_prevu_le": _closing(plan[0])}


def pick_up_dates(first: date, *, count: int, weeks: int) -> list[date]:
    """`count` pick-ups spread evenly over `weeks` weeks from the first one."""
    span = weeks * 7
    return [first + timedelta(days=index * span // count) for index in range(count)]


def notify(dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]) -> dict[str, Any]:
    if dossier.decision == "accord":
        dossier.status = DossierStatus.EN_COURS
    return {"notifie_le": values["date_notification"]}


def record_pick_up(
    dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]
) -> dict[str, Any]:
    """The next parcel is picked up or missed; the second miss cancels the parcels left."""
    parcels = parcels_of(dossier)
    waiting = [parcel for parcel in parcels if parcel.status is ParcelStatus.A_RETIRER]
    if not waiting:
        raise InvalidInputError("Tous les colis de ce dossier ont déjà été enregistrés.")
    parcel = waiting[0]
    if values["retrait"] == "retire" and people.today() < parcel.planned_on:
        _record_early_pick_up(dossier, parcel, str(values.get("motif_avance") or ""), actor)
    parcel.status = ParcelStatus.RETIRE if values["retrait"] == "retire" else ParcelStatus.NON_RETIRE
    parcel.recorded_at, parcel.recorded_by_id = clock.now(), actor.id
    misses = sum(1 for p in parcels if p.status is ParcelStatus.NON_RETIRE)
    cancelled = misses >= MISSES_BEFORE_CANCELLATION and len(waiting) > 1
    if cancelled:
        for left in waiting[1:]:
            left.status = ParcelStatus.ANNULE
    remaining = [] if cancelled else waiting[1:]
    if not remaining:
        dossier.status = DossierStatus.CLOS
    return {
        "colis_restants": len(remaining),
        "colis_annules": cancelled,
        "retrait_prevu_le": _closing(remaining[0].planned_on) if remaining else "",
    }


def _record_early_pick_up(dossier: Dossier, parcel: Parcel, reason: str, actor: User) -> None:
    """A parcel handed over before its date is an exception: its reason is asked, kept in the history."""
    reason = reason.strip()
    if not reason:
        raise InvalidInputError(
            f"Le colis n° {parcel.sequence} est prévu le {parcel.planned_on:%d/%m/%Y} : indiquez le motif "
            "d'un retrait avant la date prévue (il est gardé dans l'historique du dossier)."
        )
    audit.record(
        action=AuditAction.COLIS_RETRAIT_ANTICIPE, subject_type="dossier", subject_id=dossier.id, actor=actor,
        details={"colis": parcel.sequence, "prévu le": parcel.planned_on.isoformat(), "motif": reason},
    )  # fmt: skip


def inform_of_cancellation(
    dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]
) -> dict[str, Any]:
    return {"annulation_notifiee_le": values["date_notification"]}


def parcels_of(dossier: Dossier) -> list[Parcel]:
    return list(
        db.session.scalars(select(Parcel).where(Parcel.dossier_id == dossier.id).order_by(Parcel.sequence))
    )


def _closing(day: date) -> str:
    return datetime.combine(day, PICK_UP_CLOSES, tzinfo=local_zone()).isoformat()


def prefill(task_name: str, dossier: Dossier, process: dict[str, Any]) -> dict[str, str]:
    if task_name == "decider" and process.get("eligible"):
        return {
            "nombre_colis": str(process.get("colis_proposes", "")),
            "semaines": str(process.get("semaines_proposees", "")),
            "premier_retrait": (people.today() + timedelta(days=2)).isoformat(),
        }
    if task_name in {"notifier", "informer_annulation"}:
        return {"date_notification": people.today().isoformat()}
    return {}


def choices(task_name: str, dossier: Dossier) -> Choices:
    if task_name == "decider":
        return {"point_distribution": [(point, point) for point in distribution_points()]}
    return {}


def distribution_points() -> list[str]:
    """The distribution points, in the order the settings give them."""
    return _points(AID.text("DISTRIBUTION_POINTS"))


def _points(text: str) -> list[str]:
    return [point.strip() for point in text.split(";") if point.strip()]


def execution(dossier: Dossier) -> dict[str, Any]:
    """The parcels, planned and picked up: what the dossier page shows."""
    return {"parcels": parcels_of(dossier)}


AID = Aid(
    key=AidType.COLIS_ALIMENTAIRE.value,
    label="Colis alimentaires",
    hooks={
        **pieces.HOOKS,
        **silence.HOOKS,
        "evaluer": evaluate,
        "decider": decide,
        "notifier": notify,
        "retirer_colis": record_pick_up,
        "informer_annulation": inform_of_cancellation,
    },
    start_data=start_data,
    prefill=prefill,
    choices=choices,
    empty_choices={
        "point_distribution": EmptyChoice(
            why="Aucun point de distribution n'est réglé pour le centre.",
            fix_label="Demandez à l'administrateur·rice de régler ENTRAIDE_DISTRIBUTION_POINTS",
        )
    },
    settings={
        "COLIS_ANNUAL_CEILING_CENTS": 24000,  # the yearly ceiling per household
        "COLIS_PARCEL_VALUE_CENTS": 2000,  # what a parcel counts for (ceiling, statistics)
        # Where the parcels are picked up, separated by ";".
        "DISTRIBUTION_POINTS": "Épicerie solidaire, 4 rue des Tilleuls;Mairie annexe du quartier des Prés",
    },
    annual_ceiling_setting="COLIS_ANNUAL_CEILING_CENTS",
    check_settings=lambda values: (
        None
        if _points(str(values["DISTRIBUTION_POINTS"]))
        else "ENTRAIDE_DISTRIBUTION_POINTS doit nommer au moins un point de distribution"
    ),
    position=2,
    execution=execution,
    templates=Path(__file__).parent / "templates",
)
