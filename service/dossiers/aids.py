"""Each aid's module: its start data, its task hooks, its form prefills."""

from __future__ import annotations

from types import ModuleType

from service.dossiers import secours_urgence
from service.models import AidType

AIDS: dict[AidType, ModuleType] = {AidType.SECOURS_URGENCE: secours_urgence}
