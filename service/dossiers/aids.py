"""Each aid's module: its start data, its task hooks, its form prefills and choices."""

from __future__ import annotations

from types import ModuleType

from service.dossiers import (
    aide_sociale_legale,
    cheque_accompagnement,
    colis_alimentaire,
    pret_sans_interet,
    secours_urgence,
)
from service.models import AidType

AIDS: dict[AidType, ModuleType] = {
    AidType.SECOURS_URGENCE: secours_urgence,
    AidType.COLIS_ALIMENTAIRE: colis_alimentaire,
    AidType.CHEQUE_ACCOMPAGNEMENT: cheque_accompagnement,
    AidType.PRET_SANS_INTERET: pret_sans_interet,
    AidType.AIDE_SOCIALE_LEGALE: aide_sociale_legale,
}
