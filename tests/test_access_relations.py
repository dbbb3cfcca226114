"""How each relation of the policy comes about and ends: who follows a dossier, who sits for it (until the
minutes are signed, in office on the session's day), who pays it; and the elected member who reads the
items of their own sessions and nothing else."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from flask.testing import FlaskClient

from scenarios.committee import all_present, convened, item_of, members, refus
from scenarios.secours import EVALUATION
from service.access import service as access
from service.access.policy import Part, Relation
from service.accounts import service as accounts
from service.committee import closing, sitting
from service.dossiers import tasks
from service.errors import NotFoundError, PermissionDeniedError
from service.extensions import db
from service.models import AidType, CommitteeMember, Dossier, Role, SessionStatus, User
from service.people import service as people
from tests.aid_steps import NOTIFIED, do, open_aid, person_with_budget, task_of
from tests.conftest import make_centre, text_of
from tests.workflow_helpers import as_user

ABOVE_CEILING = {**EVALUATION, "montant_cents": "450"}  # the committee decides


@pytest.fixture
def team(make_user: Callable[..., User]) -> dict[str, User]:
    return {
        "accueil": make_user("nadia", Role.ACCUEIL, full_name="Nadia Benali"),
        "instructeur": make_user("julien", Role.INSTRUCTEUR, full_name="Julien Marchand"),
        "collegue": make_user("ines", Role.INSTRUCTEUR, full_name="Inès Collègue"),
        "secretariat": make_user("sophie", Role.SECRETARIAT),
        "elu": make_user("aicha", Role.ELU, full_name="Aïcha Diallo"),
        "regisseur": make_user("paul", Role.REGISSEUR),
        "responsable": make_user("claire", Role.RESPONSABLE),
    }


def _relations(actor: User, dossier: Dossier) -> frozenset[Relation]:
    """The actor's relations to the dossier; none when refused (the roles here read with any relation)."""
    try:
        return access.dossier(actor, dossier.id).relations
    except PermissionDeniedError:
        return frozenset()


def test_following_comes_from_opening_instructing_and_the_steps_of_ones_lanes(team: dict[str, User]) -> None:
    nadia, julien, ines = team["accueil"], team["instructeur"], team["collegue"]
    person = people.create(actor=nadia, identity=people.Identity(last_name="Aubert", first_name="Léa"))
    assert access.person(nadia, person.id).relations == {Relation.SUIT, Relation.AUCUNE}  # she registered her
    assert access.person(julien, person.id).relations == {Relation.AUCUNE}
    dossier = open_aid(nadia, person.id, AidType.SECOURS_URGENCE)
    assert Relation.SUIT in _relations(nadia, dossier)  # she opened it
    # The evaluation waits, unclaimed, in the instructors' lane: both may take it, so both follow it.
    assert Relation.SUIT in _relations(julien, dossier)
    assert Relation.SUIT in _relations(ines, dossier)
    tasks.claim_task(actor=julien, task_id=task_of(dossier, "evaluer").id)
    with pytest.raises(PermissionDeniedError, match="ne fait pas partie de ceux que vous suivez"):
        access.dossier(ines, dossier.id)  # Julien holds it now
    do(julien, dossier, "evaluer", ABOVE_CEILING)
    assert Relation.SUIT in _relations(julien, dossier)  # he held one of its steps
    assert access.person(julien, person.id).relations == {Relation.SUIT, Relation.AUCUNE}
    with pytest.raises(PermissionDeniedError):
        access.person(ines, person.id, needs=Part.BUDGET)  # identity and contact only
    assert _relations(team["responsable"], dossier) == {Relation.DIRIGE}
    make_centre("ccas-ailleurs", "CCAS d'Ailleurs")
    with pytest.raises(NotFoundError):  # another centre's id is not found, whatever the role
        access.dossier(_user_of_another_centre(), dossier.id)


def _user_of_another_centre() -> User:
    return accounts.create_user(
        centre_code="ccas-ailleurs",
        username="voisine",
        full_name="Voisine",
        password="un-mot-de-passe-solide",
        roles=list(Role),
    )


def test_sitting_lasts_from_the_agenda_to_the_signed_minutes_for_members_in_office(
    team: dict[str, User], make_user: Callable[..., User]
) -> None:
    julien, aicha, sophie = team["instructeur"], team["elu"], team["secretariat"]
    president = make_user("michel", Role.DELEGATAIRE)
    board = members(julien.centre_id)
    board[0].user_id, board[1].user_id = aicha.id, president.id
    former = make_user("fanny", Role.ELU)
    db.session.add(
        CommitteeMember(
            centre_id=julien.centre_id,
            full_name="Fanny Leroy",
            kind=board[0].kind,
            user_id=former.id,
            mandate_start=date(2020, 4, 1),
            mandate_end=date(2026, 3, 31),
        )
    )
    db.session.commit()
    dossier = open_aid(julien, person_with_budget(julien, "Lemoine"), AidType.SECOURS_URGENCE)
    do(julien, dossier, "evaluer", ABOVE_CEILING)
    assert _relations(aicha, dossier) == frozenset()  # waiting for a session, on no agenda yet
    assert Relation.SIEGE not in _relations(sophie, dossier)
    session = convened(sophie)
    assert _relations(aicha, dossier) == {Relation.SIEGE}
    assert Relation.SIEGE in _relations(sophie, dossier)  # she prepares it
    assert _relations(former, dossier) == frozenset()  # her mandate ended before the session
    seen = access.dossier(aicha, dossier.id)
    assert seen.grant.read == {Part.IDENTITE, Part.SITUATION, Part.DECISION}  # as the agenda presents it
    all_present(sophie, session)
    sitting.record_vote(
        actor=sophie, session_id=session.id, item_id=item_of(session, dossier).id, vote=refus(3)
    )
    closing.close_session(actor=sophie, session_id=session.id)
    assert _relations(aicha, dossier) == {Relation.SIEGE}  # closed, the minutes still to sign
    closing.sign_minutes(actor=president, session_id=session.id)
    assert session.status is SessionStatus.SIGNEE
    assert _relations(aicha, dossier) == frozenset()
    assert Relation.SIEGE not in _relations(sophie, dossier)


def test_an_elected_member_reads_the_items_of_her_sessions_and_nothing_else(
    client: FlaskClient, team: dict[str, User]
) -> None:
    julien, aicha = team["instructeur"], team["elu"]
    board = members(julien.centre_id)
    board[0].user_id = aicha.id
    db.session.commit()
    on_agenda = open_aid(julien, person_with_budget(julien, "Lemoine"), AidType.SECOURS_URGENCE)
    do(julien, on_agenda, "evaluer", ABOVE_CEILING)
    session = convened(team["secretariat"])
    elsewhere = open_aid(julien, person_with_budget(julien, "Ferrand"), AidType.SECOURS_URGENCE)
    as_user(client, "aicha")
    agenda = text_of(client.get(f"/commission/seances/{session.id}"))
    assert "LEMOINE Camille" in agenda
    page = text_of(client.get(f"/dossiers/{on_agenda.id}"))
    assert "LEMOINE Camille" in page
    assert "Facture d'énergie de 180 € impayée." in page  # the instructor's proposal
    for hidden in ("Coordonnées", "Historique", "Documents émis"):
        assert hidden not in page
    refused = client.get(f"/dossiers/{elsewhere.id}")
    assert refused.status_code == 403
    assert "FERRAND" not in text_of(refused).upper()
    for path in (
        f"/personnes/{elsewhere.person_id}",
        f"/personnes/{on_agenda.person_id}",
        "/personnes/?q=Ferrand",
        "/taches/",
        "/tableau-de-bord",
        "/commission/",
    ):
        assert "FERRAND" not in text_of(client.get(path)).upper(), path
    assert client.get(f"/personnes/{elsewhere.person_id}").status_code == 403


def test_the_treasury_pays_from_the_step_in_its_lane_on(
    client: FlaskClient, team: dict[str, User], make_user: Callable[..., User]
) -> None:
    julien, paul = team["instructeur"], team["regisseur"]
    delegate = make_user("michel", Role.DELEGATAIRE)
    dossier = open_aid(julien, person_with_budget(julien, "Morel"), AidType.SECOURS_URGENCE, "Facture de gaz")
    do(julien, dossier, "evaluer", EVALUATION)
    do(delegate, dossier, "decider_delegation", {"decision": "accord", "montant_accorde_cents": "180"})
    assert _relations(paul, dossier) == frozenset()  # no step of the treasury yet
    as_user(client, "paul")
    assert client.get(f"/dossiers/{dossier.id}").status_code == 403
    do(julien, dossier, "notifier", NOTIFIED)  # the payment step now waits in the régisseur's lane
    assert _relations(paul, dossier) == {Relation.SUIT, Relation.PAIE}
    page = text_of(client.get(f"/dossiers/{dossier.id}"))
    assert "MOREL Camille" in page
    assert "180,00\u00a0€" in page  # what to pay
    for hidden in ("Facture de gaz", "Facture d'énergie de 180 € impayée.", "Historique", "Documents émis"):
        assert hidden not in page
