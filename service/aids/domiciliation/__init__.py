"""Domiciliation (L264-1 and D264-1 s. CASF): an address for a person without a stable home who has a link
with the commune.

The front desk records the request (the link with the commune and the situation) and the person receives
an acknowledgement; the delegate decides within two months (warned before): granted, the attestation
d'élection de domicile (Cerfa n° 15548) is printed, valid one year; refused, the reasoned letter names another
organism that can domicile the person. A month before the end of validity the renewal task opens: renewed
(a new attestation) or ended. Without contact for three months (the mail register and the visits say when the
person last came), the service task of the diagram ends the election and prints the notice; the person may
also ask to end it (service/domiciliation/, the counter's use cases).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from service import clock
from service.aids import Aid
from service.aids.domiciliation import elections, papers
from service.config import local_zone
from service.engine.durations import parse_duration
from service.errors import InvalidInputError
from service.extensions import db
from service.models import (
    AidType,
    CommuneLink,
    Domiciliation,
    Dossier,
    DossierStatus,
    EndReason,
    RefusalReason,
    User,
)
from service.numbering import decision_number

MESSAGE_END = "fin_domiciliation"  # the person asks to end the election
_ONE_DAY = timedelta(days=1)


def start_data(filed_at: datetime) -> dict[str, Any]:
    """The answer's deadline (two months) and the warning before it, from the request's instant."""
    return {
        "reprise": False,
        "decision_avant_le": parse_duration(AID.text("DOMICILIATION_DECISION_DELAY"))
        .after(filed_at)
        .isoformat(),
        "alerte_silence_le": parse_duration(AID.text("DOMICILIATION_SILENCE_ALERT_DELAY"))
        .after(filed_at)
        .isoformat(),
    }


def record_request(
    dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]
) -> dict[str, Any]:
    """The link with the commune and the situation (the request was acknowledged when filed, like every
    request)."""
    link = CommuneLink(values["lien_commune"])
    election = Domiciliation(
        centre_id=dossier.centre_id,
        dossier_id=dossier.id,
        person_id=dossier.person_id,
        link=link.value,
        link_details=values.get("precision_lien", "").strip(),
        situation=values["situation"].strip(),
        requested_on=dossier.opened_at.astimezone(local_zone()).date(),
        last_contact_at=clock.now(),
    )
    db.session.add(election)
    dossier.situation = election.situation
    dossier.status = DossierStatus.EN_ATTENTE_DECISION
    db.session.flush()
    return {"lien_commune": link.value}


def _in_force_data(election: Domiciliation) -> dict[str, Any]:
    """What the diagram waits for once the election is in force: its next look at the election."""
    assert election.valid_until is not None  # noqa: S101 - granted
    return {
        "fin_validite_le": elections.morning(election.valid_until).isoformat(),
        "expire_le": elections.morning(election.valid_until + _ONE_DAY).isoformat(),
        "echeance": {"suite": "attendre", "le": _next_look(election).isoformat()},
    }


def _renewal_at(election: Domiciliation) -> datetime:
    assert election.valid_until is not None  # noqa: S101 - granted
    return elections.renewal_instant(election.valid_until, AID.text("DOMICILIATION_RENEWAL_NOTICE_DELAY"))


def _lapse_at(election: Domiciliation) -> datetime:
    return elections.contact_check(election, AID.text("DOMICILIATION_NO_CONTACT_DELAY"))


def _next_look(election: Domiciliation) -> datetime:
    """The earlier of the renewal task's opening and the end for lack of contact."""
    return min(_renewal_at(election), _lapse_at(election))


def taken_over(election: Domiciliation) -> dict[str, Any]:
    """What the process of an election taken over from a paper register starts with: in force already."""
    return {"reprise": True, "decision": "accord", **_in_force_data(election)}


def _required_orientation(values: dict[str, Any]) -> str:
    oriented = str(values.get("organisme_orientation", "")).strip()
    if not oriented:
        raise InvalidInputError(
            "Un refus doit orienter la personne : indiquez un organisme qui peut la domicilier.",
            field="organisme_orientation",
        )
    return oriented


def _required_reasons(values: dict[str, Any]) -> str:
    reasons = str(values.get("motifs", "")).strip()
    if not reasons:
        raise InvalidInputError(
            "Un refus doit être motivé : indiquez les faits et la règle appliquée.", field="motifs"
        )
    return reasons


def decide(dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]) -> dict[str, Any]:
    """Granted: the attestation for a year. Refused: reasoned, and oriented to another organism."""
    election = elections.of_dossier(dossier.id)
    decision = values["decision"]
    today = clock.now().astimezone(local_zone()).date()
    if decision == "refus":
        reason = RefusalReason(values.get("motif_refus") or RefusalReason.AUTRE.value)
        election.refusal_details = _required_reasons(values)
        election.oriented_to = _required_orientation(values)
        election.refusal_reason = reason.value
    election.decision = decision
    election.decided_on = today
    dossier.decision = decision
    dossier.decision_reason = election.refusal_details
    dossier.decided_by_id = actor.id
    dossier.decided_at = clock.now()
    number = decision_number(centre_id=dossier.centre_id, year=today.year)
    if decision == "refus":
        dossier.status = DossierStatus.REFUSE
        papers.issue_refusal(dossier=dossier, election=election, author=actor, number=number)
        return {"decision": decision}
    dossier.status = DossierStatus.ACCORDE
    election.valid_from, election.valid_until = elections.validity(
        today, AID.text("DOMICILIATION_VALIDITY_DELAY")
    )
    papers.issue_attestation(dossier=dossier, election=election, author=actor, number=number)
    return {"decision": decision, **_in_force_data(election)}


def renew(dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]) -> dict[str, Any]:
    """Renewed for another year from the end of the current one (a new attestation), or ended."""
    election = elections.of_dossier(dossier.id)
    if values["suite"] == "mettre_fin":
        details = _required_reasons(values)
        oriented = _required_orientation(values)
        elections.end(
            election, dossier, reason=EndReason.NON_RENOUVELEE, details=details, oriented_to=oriented,
            actor=actor,
        )  # fmt: skip
        papers.issue_end_notice(dossier=dossier, election=election, author=actor)
        return {"suite": "mettre_fin"}
    if election.ended_on is not None:
        raise InvalidInputError("Cette élection de domicile a déjà pris fin : elle ne peut être renouvelée.")
    assert election.valid_until is not None  # noqa: S101 - a renewal follows a grant
    today = clock.now().astimezone(local_zone()).date()
    start = max(today, election.valid_until + _ONE_DAY)
    election.valid_from, election.valid_until = elections.validity(
        start, AID.text("DOMICILIATION_VALIDITY_DELAY")
    )
    election.renewals += 1
    elections.touch(election)
    number = decision_number(centre_id=dossier.centre_id, year=today.year)
    papers.issue_attestation(dossier=dossier, election=election, author=actor, number=number)
    return {"suite": "renouveler", **_in_force_data(election)}


def acknowledge_silence_alert(
    dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]
) -> dict[str, Any]:
    return {}


def check_election(parameters: dict[str, Any]) -> dict[str, Any]:
    """The diagram's look at an election in force (a service task), at its next due instant: three months
    without contact, the election ends with its notice; the month before its end, the renewal task opens;
    otherwise (the person came since) the next look is set."""
    election = elections.of_dossier(int(parameters["dossier_id"]))
    dossier = db.session.get(Dossier, election.dossier_id)
    assert dossier is not None  # noqa: S101 - the election's dossier
    now = clock.now()
    if election.ended_on is not None:
        return {"suite": "sans_contact", "le": ""}
    if now >= _lapse_at(election):
        elections.end(election, dossier, reason=EndReason.SANS_CONTACT, actor=None)
        papers.issue_end_notice(dossier=dossier, election=election, author=None)
        return {"suite": "sans_contact", "le": ""}
    if now >= _renewal_at(election):
        return {"suite": "renouveler", "le": ""}
    return {"suite": "attendre", "le": _next_look(election).isoformat()}


def expire(parameters: dict[str, Any]) -> dict[str, Any]:
    """The renewal task was left undone past the last valid day: the election ends, not renewed."""
    election = elections.of_dossier(int(parameters["dossier_id"]))
    dossier = db.session.get(Dossier, election.dossier_id)
    assert dossier is not None  # noqa: S101 - the election's dossier
    if election.ended_on is None:
        elections.end(
            election, dossier, reason=EndReason.NON_RENOUVELEE, actor=None,
            details="L'attestation est arrivée à échéance sans que son renouvellement ait été demandé.",
        )  # fmt: skip
        papers.issue_end_notice(dossier=dossier, election=election, author=None)
    return {"expiree": True}


def execution(dossier: Dossier) -> dict[str, Any]:
    """The election, for the dossier page."""
    return {
        "election": db.session.scalars(
            select(Domiciliation).where(Domiciliation.dossier_id == dossier.id)
        ).one_or_none()
    }


def check_settings(values: Mapping[str, int | str]) -> str | None:
    """The warning comes before the answer's deadline; the renewal task opens before the end of validity."""
    start = datetime(2026, 1, 1, tzinfo=UTC)

    def after(name: str) -> datetime:
        return parse_duration(str(values[name])).after(start)

    if after("DOMICILIATION_SILENCE_ALERT_DELAY") >= after("DOMICILIATION_DECISION_DELAY"):
        return (
            "ENTRAIDE_DOMICILIATION_SILENCE_ALERT_DELAY doit être plus court que "
            "ENTRAIDE_DOMICILIATION_DECISION_DELAY"
        )
    if after("DOMICILIATION_RENEWAL_NOTICE_DELAY") >= after("DOMICILIATION_VALIDITY_DELAY"):
        return (
            "ENTRAIDE_DOMICILIATION_RENEWAL_NOTICE_DELAY doit être plus court que "
            "ENTRAIDE_DOMICILIATION_VALIDITY_DELAY"
        )
    return None


AID = Aid(
    key=AidType.DOMICILIATION.value,
    label="Domiciliation",
    hooks={
        "enregistrer_demande": record_request,
        "decider": decide,
        "alerter_silence": acknowledge_silence_alert,
        "renouveler": renew,
    },
    start_data=start_data,
    settings={
        # The answer's deadline (silence is a rejection after it) and the warning before it.
        "DOMICILIATION_DECISION_DELAY": "P2M",
        "DOMICILIATION_SILENCE_ALERT_DELAY": "P6W",
        # An attestation is valid one year; the renewal task opens a month before its end.
        "DOMICILIATION_VALIDITY_DELAY": "P1Y",
        "DOMICILIATION_RENEWAL_NOTICE_DELAY": "P1M",
        # Without contact (a visit, a letter handed over) for longer than this, the election ends (the
        # morning after it has run).
        "DOMICILIATION_NO_CONTACT_DELAY": "P3M",
        # A letter not collected after this many days is flagged in the register.
        "DOMICILIATION_MAIL_UNCOLLECTED_DAYS": 15,
    },
    check_settings=check_settings,
    operations={"domiciliation.controler_echeance": check_election, "domiciliation.expirer": expire},
    execution=execution,
    templates=papers.TEMPLATES,
    position=7,
)
