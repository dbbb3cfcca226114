"""Aide sociale légale: the centre records the filing, builds the file, gives its opinion and forwards it.

The file goes to the competent authority within one month of filing, whatever the centre's opinion
(art. L131-1 and L123-5 CASF); the authority decides, the centre records its decision and informs the
person. The filing date sets the person's rights (R131-2) and every deadline of the process: the warning,
the escalation and the transmission deadline fall at FILING_DAY_START, local time, of their day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select

from service import clock
from service.aids import Aid, Choices, EmptyChoice, pieces
from service.aids.aide_sociale_legale import directory, papers
from service.config import local_zone
from service.engine.durations import parse_duration
from service.errors import InvalidInputError
from service.extensions import db
from service.models import AidType, Authority, Dossier, DossierStatus, LegalAidRequest, User
from service.people import service as people

FILING_DAY_START = time(9, 0)  # deadlines counted from the filing day fall at the start of a working day


def start_data(filed_at: datetime) -> dict[str, Any]:
    """The delays in force when the request is opened; the instants follow from the filing date."""
    return {
        "delai_transmission": AID.text("AIDE_LEGALE_TRANSMISSION_DELAY"),
        "delai_alerte_transmission": AID.text("AIDE_LEGALE_WARNING_DELAY"),
        "delai_escalade_transmission": AID.text("AIDE_LEGALE_ESCALATION_DELAY"),
        **pieces.start_data(),
    }


def deadlines(filed_on: date, process: dict[str, Any]) -> dict[str, str]:
    """The warning, escalation and transmission instants, counted by the calendar from the filing day."""
    start = datetime.combine(filed_on, FILING_DAY_START, tzinfo=local_zone())

    def after(delay_name: str) -> str:
        return parse_duration(str(process[delay_name])).after(start).isoformat()

    return {
        "alerte_transmission_le": after("delai_alerte_transmission"),
        "escalade_transmission_le": after("delai_escalade_transmission"),
        "transmettre_avant_le": after("delai_transmission"),
    }


def record_filing(
    dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]
) -> dict[str, Any]:
    """The filing date the person states (never in the future) and the aid asked for."""
    filed_on = date.fromisoformat(values["date_depot"])
    if filed_on > people.today():
        raise InvalidInputError("La date de dépôt ne peut pas être dans le futur.")
    kind = directory.kind_of(values["type_aide_legale"])
    db.session.add(
        LegalAidRequest(centre_id=dossier.centre_id, dossier_id=dossier.id, kind=kind.code, filed_on=filed_on)
    )
    return {"type_aide_legale": kind.code, "date_depot": filed_on.isoformat(), **deadlines(filed_on, process)}


def build_file(
    dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]
) -> dict[str, Any]:
    request = request_of(dossier)
    request.pieces = values["pieces_jointes"].strip()
    missing: str = values.get("pieces_manquantes", "").strip()
    dossier.instructor_id = actor.id
    dossier.status = DossierStatus.EN_ATTENTE_PIECES if missing else DossierStatus.EN_INSTRUCTION
    return {"pieces_a_demander": missing}


def give_opinion(
    dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]
) -> dict[str, Any]:
    """The centre's opinion goes with the file; it never stops the transmission (L123-5)."""
    request = request_of(dossier)
    request.opinion = values["avis"]
    request.opinion_reasons = values["motifs_avis"].strip()
    dossier.status = DossierStatus.EN_INSTRUCTION  # complete or not, the file now leaves
    return {"avis": values["avis"]}


def transmit(
    dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]
) -> dict[str, Any]:
    """The file leaves for the competent authority with its slip; refused only without an authority."""
    request = request_of(dossier)
    kind = directory.kind_of(request.kind)
    authority = _competent_authority(values.get("autorite", ""), kind)
    now = clock.now()
    request.authority = authority
    request.transmitted_at = now
    request.transmission_mode = values["mode_transmission"]
    joined, missing = _pieces_at_transmission(request, process)
    request.pieces = "\n".join(joined)
    dossier.status = DossierStatus.TRANSMIS
    due_on = datetime.fromisoformat(process["transmettre_avant_le"]).astimezone(local_zone()).date()
    papers.issue_transmission_slip(
        dossier=dossier, author=actor, request=request, pieces=joined, kind_label=kind.label, missing=missing,
        due_on=due_on,
    )  # fmt: skip
    papers.issue_transmission_notice(dossier=dossier, author=actor, request=request, kind_label=kind.label)
    return {
        "transmis_le": now.isoformat(),
        "autorite": authority.name,
        "transmis_hors_delai": now > datetime.fromisoformat(process["transmettre_avant_le"]),
    }


def _competent_authority(chosen: str, kind: directory.LegalAidKind) -> Authority:
    competent = directory.competent_authorities(kind.authority)
    if not competent:
        raise InvalidInputError(
            f"Aucune autorité compétente pour cette aide ({kind.authority.label}) n'est inscrite dans "
            "l'annuaire : ajoutez-la depuis la page « Autorités », puis transmettez le dossier."
        )
    authority = next((authority for authority in competent if str(authority.id) == chosen), None)
    if authority is None:
        raise InvalidInputError(
            "Choisissez l'autorité destinataire parmi les autorités compétentes de l'annuaire."
        )
    return authority


def _pieces_at_transmission(request: LegalAidRequest, process: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The pieces joined to the file, and those asked for that never came."""
    joined = _lines(request.pieces)
    asked = _lines(str(process.get("pieces_a_demander", "")))
    if process.get("pieces_recues"):
        return joined + asked, []
    return joined, asked


def _lines(text: str) -> list[str]:
    return [line.strip(" -•\t") for line in text.splitlines() if line.strip(" -•\t")]


def record_authority_decision(
    dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]
) -> dict[str, Any]:
    """The authority's decision, as it came back (R131-1); the centre's own decision stays empty."""
    request = request_of(dossier)
    decided_on = date.fromisoformat(values["date_decision"])
    if decided_on > people.today():
        raise InvalidInputError("La date de la décision ne peut pas être dans le futur.")
    if request.transmitted_at is not None:
        transmitted_on = request.transmitted_at.astimezone(local_zone()).date()
        if decided_on < transmitted_on:
            raise InvalidInputError(
                f"La décision ne peut précéder la transmission du dossier, le {transmitted_on:%d/%m/%Y}."
            )
    request.authority_decision = values["decision_autorite"]
    request.authority_decided_on = decided_on
    request.authority_reference = values.get("reference", "").strip()
    return {"decision_autorite": values["decision_autorite"]}


def inform_person(
    dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]
) -> dict[str, Any]:
    """The person is told of the authority's decision: the letter that passes it on is printed then."""
    request = request_of(dossier)
    papers.issue_authority_decision_notice(
        dossier=dossier, author=actor, request=request, kind_label=directory.kind_of(request.kind).label
    )
    dossier.status = DossierStatus.CLOS
    return {"informe_le": values["date_notification"], "moyen_information": values["moyen"]}


def acknowledge_alert(
    dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]
) -> dict[str, Any]:
    """The alert is answered (as the silence alert of secours d'urgence): the process only moves on."""
    return {}


def request_of(dossier: Dossier) -> LegalAidRequest:
    request = db.session.scalars(
        select(LegalAidRequest).where(LegalAidRequest.dossier_id == dossier.id)
    ).one_or_none()
    if request is None:
        raise InvalidInputError("Le dépôt de cette demande n'a pas été enregistré.")
    return request


def prefill(task_name: str, dossier: Dossier, process: dict[str, Any]) -> dict[str, str]:
    """The filing date of today, the pieces of the aid asked for, the only competent authority."""
    if task_name == "enregistrer_depot":
        return {"date_depot": people.today().isoformat()}
    if task_name == "constituer_dossier" and process.get("type_aide_legale") in directory.LEGAL_AID_KINDS:
        return {"pieces_jointes": "\n".join(directory.LEGAL_AID_KINDS[process["type_aide_legale"]].pieces)}
    if task_name == "transmettre":
        options = choices(task_name, dossier).get("autorite", [])
        return {"autorite": options[0][0]} if len(options) == 1 else {}
    if task_name == "informer_personne":
        return {"date_notification": people.today().isoformat()}
    return {}


def choices(task_name: str, dossier: Dossier) -> Choices:
    """The aids of the catalogue; the directory's authorities competent for the aid asked for."""
    if task_name == "enregistrer_depot":
        return {"type_aide_legale": [(kind.code, kind.label) for kind in directory.LEGAL_AID_KINDS.values()]}
    if task_name != "transmettre":
        return {}
    kind = directory.kind_of(request_of(dossier).kind)
    return {
        "autorite": [
            (str(authority.id), f"{authority.name} — {authority.kind.label}")
            for authority in directory.competent_authorities(kind.authority)
        ]
    }


@dataclass(frozen=True)
class LegalAidView:
    request: LegalAidRequest
    kind_label: str


def execution(dossier: Dossier) -> dict[str, Any]:
    """The file forwarded and what the authority decided: what the dossier page shows."""
    request = db.session.scalars(
        select(LegalAidRequest).where(LegalAidRequest.dossier_id == dossier.id)
    ).one_or_none()
    return {
        "legal_aid": None if request is None else LegalAidView(request, directory.kind_of(request.kind).label)
    }


AID = Aid(
    key=AidType.AIDE_SOCIALE_LEGALE.value,
    label="Aide sociale légale (transmission)",
    delegable=False,
    hooks={
        **pieces.HOOKS,
        "enregistrer_depot": record_filing,
        "constituer_dossier": build_file,
        "donner_avis": give_opinion,
        "transmettre": transmit,
        "alerter_transmission": acknowledge_alert,
        "escalader_transmission": acknowledge_alert,
        "enregistrer_decision_autorite": record_authority_decision,
        "informer_personne": inform_person,
    },
    start_data=start_data,
    prefill=prefill,
    choices=choices,
    empty_choices={
        "autorite": EmptyChoice(
            why=(
                "L'annuaire ne compte aucune autorité compétente pour cette aide : le dossier n'a nulle part "
                "où être transmis."
            ),
            fix_label="Ajouter l'autorité à l'annuaire",
            fix_endpoint="authorities.index",
        )
    },
    settings={
        # L131-1 CASF: forwarded within one month of filing (the legal deadline); warned, then escalated.
        "AIDE_LEGALE_TRANSMISSION_DELAY": "P1M",
        "AIDE_LEGALE_WARNING_DELAY": "P21D",
        "AIDE_LEGALE_ESCALATION_DELAY": "P28D",
    },
    position=5,
    execution=execution,
    templates=papers.TEMPLATES,
    centre_decides=False,
)
