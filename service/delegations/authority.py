"""Who decides under delegation, and what the letter cites: the holder of a deliberation of the board, or an
agent signing for him under an arrêté of delegation of signature. An agent without either never decides."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from service.dates import long_date
from service.delegations.acts import deliberation_in_force, signatures_in_force
from service.errors import PermissionDeniedError
from service.models import BoardDelegation, SignatureDelegation, User
from service.models.dossier import aid_label


@dataclass(frozen=True)
class Authority:
    """The act a decision under delegation is taken under, and the arrêté it is signed under, if any."""

    deliberation: BoardDelegation
    signature: SignatureDelegation | None = None

    def ceiling_cents(self, aid_key: str) -> int | None:
        return self.deliberation.ceilings_cents.get(aid_key)

    @property
    def citation(self) -> str:
        """The mention every letter under delegation carries."""
        act = self.deliberation
        text = (
            f"Décision prise en vertu de la délégation consentie par délibération n° {act.number} du "
            f"{long_date(act.adopted_on)} du conseil d'administration"
            f" ({act.capacity.label.lower()} : {act.holder.full_name})"
        )
        if self.signature is not None:
            text += (
                f", signée par délégation de signature, arrêté n° {self.signature.number} du "
                f"{long_date(self.signature.signed_on)}"
            )
        return text + "."

    @property
    def signing_line(self) -> str:
        """What precedes the signatory's name."""
        if self.signature is not None:
            return (
                f"Pour {_title(self.deliberation)} et par délégation de signature "
                f"(arrêté n° {self.signature.number} du {long_date(self.signature.signed_on)}),"
            )
        return f"{_title(self.deliberation).capitalize()}, par délégation du conseil d'administration,"


def _title(act: BoardDelegation) -> str:
    return "le président" if act.capacity.value == "president" else "le vice-président"


def authority_for(actor: User, aid_key: str, on: date, *, amendment: bool = False) -> Authority:
    """The act under which the actor may decide this aid that day; refused in French without one."""
    own = deliberation_in_force(actor, aid_key, on)
    if own is not None and (own.covers_amendments or not amendment):
        return Authority(own)
    for signature in signatures_in_force(actor, aid_key, on):
        granted = deliberation_in_force(signature.delegator, aid_key, on)
        if granted is not None and (granted.covers_amendments or not amendment):
            return Authority(granted, signature)
    what = "un avenant au prêt" if amendment else f"la demande ({aid_label(aid_key).lower()})"
    raise PermissionDeniedError(
        f"Vous ne pouvez pas décider {what} : seul le président ou un vice-président ayant reçu "
        "délégation du conseil d'administration (article R123-21 du CASF), ou un agent titulaire "
        "d'une délégation de signature en cours de validité (R123-23), décide sous délégation. "
        "Le secrétariat enregistre ces actes dans Entraide (Commission › Délégations)."
    )
