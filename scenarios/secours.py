"""Move a secours d'urgence dossier through its first steps with the use cases (no HTTP)."""

from __future__ import annotations

from scenarios.factories import open_task
from service.dossiers import service as dossiers
from service.dossiers import tasks
from service.models import AidType, Dossier, User
from service.people import service as people

EVALUATION = {
    "situation": "Facture d'énergie de 180 € impayée.",
    "nature_besoin": "energie",
    "montant_cents": "180",
    "mode_paiement": "bon",
    # The people of these steps have no budget entered: the agent records that they declared none.
    "budget_declare": "on",
}


open_task_of = open_task


def awaiting_delegate_decision(agent: User, last_name: str = "Durand") -> Dossier:
    """A dossier evaluated by the agent (who holds accueil and instructeur), now before the delegate."""
    person = people.create(
        actor=agent, identity=people.Identity(last_name=last_name, first_name="Paul"), confirm_duplicate=True
    )
    dossier = dossiers.open_request(
        actor=agent, person_id=person.id, aid_type=AidType.SECOURS_URGENCE, reason="Énergie"
    )
    tasks.complete_task(actor=agent, task_id=open_task_of(dossier.id, "evaluer").id, form=EVALUATION)
    return dossier
