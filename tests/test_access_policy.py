"""The access policy, walked: every route of the application, as every role, in every relation to a dossier,
a person or a session, against the tables of service/access. A route without its line in the policy fails
here (and is refused to everyone at run time); a line without its probe here fails too.

One world is built for the module (tests/access_world.py); each request runs in a savepoint rolled back
afterwards, so every request meets the same world. A permitted request is neither refused (403) nor lost (404,
5xx); a refused one answers 403, names nobody, and a refused submission changes nothing. Pages that show a
dossier or a person show exactly the parts the policy grants.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import scoped_session, sessionmaker
from werkzeug.test import TestResponse

from service import clock
from service.access import policy, routes
from service.access.policy import Action, Part, Relation
from service.access.routes import ROUTES, Line, Rule
from service.access.table import render_markdown
from service.audit.actions import READS, AuditAction
from service.extensions import db
from service.models import AuditEvent, Role
from service.models.base import Base
from tests import access_world
from tests.access_world import SCENARIOS, World
from tests.conftest import START, _fresh_request_globals, build_app, csrf_token, login, text_of
from tools.policy_table import README, route_paths

LANE = Role.INSTRUCTEUR  # the open step of every dossier of the world: "Évaluer la situation"
STAFF = {Role.SECRETARIAT, Role.RESPONSABLE}
TASK_PAGE_PARTS = {Part.IDENTITE, Part.SITUATION, Part.DECISION}  # the barème's facts come after evaluation
DOSSIER_PAGE_PARTS = {
    Part.IDENTITE,
    Part.COORDONNEES,
    Part.SITUATION,
    Part.DECISION,
    Part.PAIEMENT,
    Part.DOCUMENTS,
    Part.HISTORIQUE,
}
# What the API's dossier shows (no history, documents apart).
API_DOSSIER_PARTS = {Part.IDENTITE, Part.COORDONNEES, Part.SITUATION, Part.DECISION, Part.PAIEMENT}
PERSON_PAGE_PARTS = {Part.IDENTITE, Part.COORDONNEES, Part.FOYER, Part.BUDGET, Part.CONSULTATIONS}


@pytest.fixture(scope="module")
def world(migrated_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The world, in one transaction rolled back at the end of the module."""
    app = build_app(migrated_database, tmp_path_factory.mktemp("politique") / "instance")
    clock.install(app, clock.TravellingClock(START))
    app.before_request_funcs.setdefault(None, []).insert(0, _fresh_request_globals)
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        shared_session = db.session
        factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
        db.session = scoped_session(factory, scopefunc=shared_session.registry.scopefunc)  # type: ignore[attr-defined]
        try:
            yield access_world.build(app, connection)
        finally:
            db.session.remove()
            db.session = shared_session
            outer.rollback()
            connection.close()
            db.engine.dispose()


# Who stands how towards what, as the world built it: the walk's expectations, declared here on their own.


def dossier_relations(role: Role, scenario: str) -> set[Relation]:
    found = {Relation.DIRIGE} if role is Role.RESPONSABLE else set()
    if scenario == "suit":  # each u_ account completed one of its steps, in the lane of their role
        found |= {Relation.SUIT} | ({Relation.PAIE} if role is Role.REGISSEUR else set())
    elif scenario == "siege":  # on the agenda of the coming session, where every u_ account sits
        found.add(Relation.SIEGE)
    elif scenario == "paie" and role is Role.REGISSEUR:
        found.add(Relation.PAIE)
    return found


def person_relations(role: Role, scenario: str) -> set[Relation]:
    found = {Relation.AUCUNE} | ({Relation.DIRIGE} if role is Role.RESPONSABLE else set())
    return found | ({Relation.SUIT} if scenario == "suit" else set())


@dataclass(frozen=True)
class Case:
    """One request of the walk: who, about what, and whether the policy lets it through."""

    user: str
    role: Role
    method: str
    path: str
    data: dict[str, Any] | None
    allowed: bool
    scenario: str | None = None  # the dossier (and person) it is about, if any
    shows: frozenset[Part] | None = None  # the parts the page must show, and no other of `checked`
    checked: frozenset[Part] = frozenset()
    api: bool = False  # a call of the API: the account's bearer token, a JSON body, no cookie


Probe = Callable[[World, str, Role, Line], list[Case]]


def _for_dossiers(
    path: Callable[[access_world.Scenario, World], str],
    *,
    method: str = "GET",
    data: dict[str, Any] | None = None,
    allowed: Callable[[Role, policy.Grant, Line], bool],
    page_parts: set[Part] | None = None,
    api: bool = False,
) -> Probe:
    """A route about a dossier: walked in the four relations, as the u_ account of each role."""

    def cases(world: World, user: str, role: Role, line: Line) -> list[Case]:
        found = []
        for name in SCENARIOS:
            scenario = world.scenarios[name]
            grant = policy.dossier_grant([role], dossier_relations(role, name))
            permitted = allowed(role, grant, line)
            shows = frozenset(grant.read & page_parts) if page_parts is not None and permitted else None
            found.append(
                Case(
                    user,
                    role,
                    method,
                    path(scenario, world),
                    data,
                    permitted,
                    name,
                    shows,
                    frozenset(page_parts or ()),
                    api,
                )
            )
        return found

    return cases


def _for_people(
    path: Callable[[access_world.Scenario, World], str],
    *,
    method: str = "POST",
    data: Callable[[access_world.Scenario], dict[str, Any]] | None = None,
    page_parts: set[Part] | None = None,
    api: bool = False,
) -> Probe:
    """A route about a person's file: for the person of each dossier, as the u_ account of each role."""

    def cases(world: World, user: str, role: Role, line: Line) -> list[Case]:
        found = []
        for name in SCENARIOS:
            scenario = world.scenarios[name]
            grant = policy.person_grant([role], person_relations(role, name))
            permitted = _grants(grant, line) and (not line.roles or role in line.roles)
            shows = frozenset(grant.read & page_parts) if page_parts is not None and permitted else None
            found.append(
                Case(
                    user,
                    role,
                    method,
                    path(scenario, world),
                    data(scenario) if data else None,
                    permitted,
                    name,
                    shows,
                    frozenset(page_parts or ()),
                    api,
                )
            )
        return found

    return cases


def _grants(grant: policy.Grant, line: Line) -> bool:
    if isinstance(line.needs, Part):
        return grant.reads(line.needs)
    if isinstance(line.needs, Action):
        return grant.may(line.needs)
    return bool(grant)


def _dossier_rule(role: Role, grant: policy.Grant, line: Line) -> bool:
    return _grants(grant, line) and (not line.roles or role in line.roles)


def _task_read(role: Role, grant: policy.Grant, line: Line) -> bool:
    return role in {LANE, Role.RESPONSABLE} and grant.may(Action.TRAITER)


def _task_work(role: Role, grant: policy.Grant, line: Line) -> bool:
    # The lane's role first; then the step's state (held by a colleague: 409, not a refusal of the policy).
    return role is LANE


def _for_roles(
    path: str | Callable[[World], str],
    *,
    method: str = "GET",
    data: dict[str, Any] | Callable[[World], dict[str, Any]] | None = None,
    api: bool = False,
) -> Probe:
    """A route that does not concern one dossier: as the u_ account of each role."""

    def cases(world: World, user: str, role: Role, line: Line) -> list[Case]:
        allowed = line.rule in {Rule.PUBLIC, Rule.SIGNED_IN} or role in line.roles
        target = path if isinstance(path, str) else path(world)
        found = data(world) if callable(data) else data
        return [Case(user, role, method, target, found, allowed, api=api)]

    return cases


def _for_sessions(
    path: Callable[[int, World], str],
    *,
    method: str = "GET",
    data: dict[str, Any] | None = None,
    far: bool = True,
) -> Probe:
    """A session's route: a session the u_ account sits in, one far beyond its mandate (unless the route names
    an item of the first), and as a v_ account, who sits nowhere."""

    def cases(world: World, user: str, role: Role, line: Line) -> list[Case]:
        staff = role in STAFF
        found = []
        variants = [
            (user, world.ids["session"], True),
            (user, world.ids["far_session"], False),
            (f"v_{role.value}", world.ids["session"], False),
        ]
        for account, session, sits in variants if far else [variants[0], variants[2]]:
            allowed = staff if line.rule is Rule.SESSION_STAFF else staff or sits
            found.append(Case(account, role, method, path(session, world), data, allowed))
        return found

    return cases


def _committee_index(world: World, user: str, role: Role, line: Line) -> list[Case]:
    """The list of sessions: the staff, and board members (the u_ accounts sit, the v_ ones do not)."""
    return [
        Case(user, role, "GET", "/commission/", None, True),
        Case(f"v_{role.value}", role, "GET", "/commission/", None, role in STAFF),
    ]


def _download(world: World, user: str, role: Role, line: Line, *, prefix: str = "") -> list[Case]:
    """A document follows its subject: a dossier (its documents part), a session, a workshop."""
    api = bool(prefix)
    cases = _for_dossiers(
        lambda s, w: f"{prefix}/documents/{s.document_id}",
        allowed=lambda r, g, _: g.reads(Part.DOCUMENTS),
        api=api,
    )(world, user, role, line)
    session_document = f"{prefix}/documents/{world.ids['session_document']}"
    cases.append(Case(user, role, "GET", session_document, None, True, api=api))  # every u_ account sits
    cases.append(Case(f"v_{role.value}", role, "GET", session_document, None, role in STAFF, api=api))
    workshop = {Role.ACCUEIL, Role.INSTRUCTEUR, Role.RESPONSABLE}
    workshop_document = f"{prefix}/documents/{world.ids['workshop_document']}"
    cases.append(Case(user, role, "GET", workshop_document, None, role in workshop, api=api))
    return cases


def _download_api(world: World, user: str, role: Role, line: Line) -> list[Case]:
    return _download(world, user, role, line, prefix="/api/v1")


def _signing_in(world: World, user: str, role: Role, line: Line) -> list[Case]:
    return [Case("", role, "POST", "/connexion", {"username": user, "password": "faux"}, True)]


def _signing_out(world: World, user: str, role: Role, line: Line) -> list[Case]:
    return [Case("", role, "POST", "/deconnexion", {}, True)]  # a fresh client, signed in for the occasion


_PERSON_FORM = {"last_name": "Nouvelle", "first_name": "Personne", "confirm_duplicate": "y"}
_SESSION_FORM = {"kind": "commission_permanente", "day": "2027-01-11", "hour": "18:00", "place": "Mairie"}
_VOTE = {"decision": "accord", "montant": "100", "pour": "1", "contre": "0", "abstention": "0"}

PROBES: dict[tuple[str, str], Probe] = {
    ("static", "GET"): _for_roles("/static/js/letters-progress.js"),
    ("auth.login", "GET"): _for_roles("/connexion"),
    ("auth.login", "POST"): _signing_in,
    ("auth.logout", "POST"): _signing_out,
    ("home.index", "GET"): _for_roles("/"),
    ("home.dashboard", "GET"): _for_roles("/tableau-de-bord"),
    ("account.show", "GET"): _for_roles("/mon-compte/"),
    ("account.show", "POST"): _for_roles("/mon-compte/", method="POST", data={}),
    ("people.search", "GET"): _for_roles("/personnes/?q=Camille"),
    ("people.create", "GET"): _for_roles("/personnes/nouvelle"),
    ("people.create", "POST"): _for_roles("/personnes/nouvelle", method="POST", data=_PERSON_FORM),
    ("people.show", "GET"): _for_people(
        lambda s, w: f"/personnes/{s.person_id}", method="GET", page_parts=PERSON_PAGE_PARTS
    ),
    ("people.add_member", "POST"): _for_people(
        lambda s, w: f"/personnes/{s.person_id}/foyer",
        data=lambda s: {
            "first_name": "Léo",
            "last_name": "Ajout",
            "birth_date": "2020-01-01",
            "relationship": "enfant",
        },
    ),
    ("people.remove_member", "POST"): _for_people(
        lambda s, w: f"/personnes/{s.person_id}/foyer/{s.member_id}/retirer"
    ),
    ("people.add_budget_line", "POST"): _for_people(
        lambda s, w: f"/personnes/{s.person_id}/budget",
        data=lambda s: {"kind": "charge", "category": "loyer", "label": "Loyer", "amount": "400,00"},
    ),
    ("people.remove_budget_line", "POST"): _for_people(
        lambda s, w: f"/personnes/{s.person_id}/budget/{s.line_id}/retirer"
    ),
    ("people.open_request", "POST"): _for_people(
        lambda s, w: f"/personnes/{s.person_id}/demandes",
        data=lambda s: {"aid_type": "colis_alimentaire", "reason": "Plus rien à manger"},
    ),
    ("people.export", "GET"): _for_people(lambda s, w: f"/personnes/{s.person_id}/donnees.zip", method="GET"),
    ("people.timeline", "GET"): _for_people(lambda s, w: f"/personnes/{s.person_id}/suivi", method="GET"),
    ("rights.show", "GET"): _for_people(lambda s, w: f"/personnes/{s.person_id}/droits", method="GET"),
    ("orientation.person_page", "GET"): _for_people(
        lambda s, w: f"/personnes/{s.person_id}/orientations", method="GET"
    ),
    ("orientation.person_page", "POST"): _for_people(
        lambda s, w: f"/personnes/{s.person_id}/orientations",
        data=lambda s: {"domain": "budget", "partner": "1", "reason": "Dettes", "consent": "y"},
    ),
    ("orientation.send", "POST"): _for_people(
        lambda s, w: f"/personnes/{s.person_id}/orientations/{s.orientation_id}/envoyer"
    ),
    ("orientation.outcome", "POST"): _for_people(
        lambda s, w: f"/personnes/{s.person_id}/orientations/{s.orientation_id}/suite",
        data=lambda s: {"outcome": "contacte"},
    ),
    ("rights.estimate", "POST"): _for_people(
        lambda s, w: f"/personnes/{s.person_id}/droits/estimer", data=lambda s: {"housing": "locataire_vide"}
    ),
    ("rights.follow_up", "POST"): _for_people(
        lambda s, w: f"/personnes/{s.person_id}/droits/suite",
        data=lambda s: {"right": "rsa", "status": "demande_faite", "on_date": "2026-11-20"},
    ),
    ("appointments.book", "GET"): _for_people(
        lambda s, w: f"/personnes/{s.person_id}/rendez-vous/nouveau", method="GET"
    ),
    ("appointments.book", "POST"): _for_people(
        lambda s, w: f"/personnes/{s.person_id}/rendez-vous/nouveau", data=lambda s: {"slot_id": ""}
    ),
    ("appointments.index", "GET"): _for_roles("/rendez-vous/"),
    ("appointments.index", "POST"): _for_roles(
        "/rendez-vous/",
        method="POST",
        data=lambda w: {
            "agent_id": str(w.ids["autre"]),
            "place": "centre",
            "day": "2026-12-04",
            "start": "09:00",
            "end": "10:00",
            "length_minutes": "30",
        },
    ),
    ("appointments.outcome", "POST"): _for_roles(
        lambda w: f"/rendez-vous/{w.ids['appointment']}/suite", method="POST", data={"status": "annule"}
    ),
    ("appointments.agenda", "GET"): _for_roles("/rendez-vous/agenda?jour=2026-12-03&lieu=centre"),
    ("dossiers.show", "GET"): _for_dossiers(
        lambda s, w: f"/dossiers/{s.dossier_id}", allowed=_dossier_rule, page_parts=DOSSIER_PAGE_PARTS
    ),
    ("dossiers.diagram_data", "GET"): _for_dossiers(
        lambda s, w: f"/dossiers/{s.dossier_id}/diagramme.json", allowed=_dossier_rule
    ),
    ("documents.download", "GET"): _download,
    ("documents.correct", "POST"): _for_dossiers(
        lambda s, w: f"/documents/{s.document_id}/rectificatif",
        method="POST",
        data={"motif": ""},
        allowed=_dossier_rule,
    ),
    ("tasks.index", "GET"): _for_roles("/taches/"),
    ("tasks.show", "GET"): _for_dossiers(
        lambda s, w: f"/taches/{s.task_id}", allowed=_task_read, page_parts=TASK_PAGE_PARTS
    ),
    ("tasks.show", "POST"): _for_dossiers(
        lambda s, w: f"/taches/{s.task_id}", method="POST", data={}, allowed=_task_work
    ),
    ("tasks.claim", "POST"): _for_dossiers(
        lambda s, w: f"/taches/{s.task_id}/prendre", method="POST", data={}, allowed=_task_work
    ),
    ("tasks.unclaim", "POST"): _for_dossiers(
        lambda s, w: f"/taches/{s.task_id}/rendre", method="POST", data={}, allowed=_task_work
    ),
    ("tasks.reassign", "POST"): lambda world, user, role, line: [
        Case(
            user,
            role,
            "POST",
            f"/taches/{world.scenarios['aucune'].task_id}/reattribuer",
            {"assignee_id": str(world.ids["autre"])},
            role in line.roles,
        )
    ],
    ("committee.index", "GET"): _committee_index,
    ("committee.index", "POST"): _for_roles("/commission/", method="POST", data=_SESSION_FORM),
    ("committee.show", "GET"): _for_sessions(lambda s, w: f"/commission/seances/{s}"),
    ("committee.calendar_file", "GET"): _for_sessions(lambda s, w: f"/commission/seances/{s}/seance.ics"),
    ("committee.letters_progress", "GET"): _for_sessions(lambda s, w: f"/commission/seances/{s}/courriers"),
    ("committee.step", "GET"): _for_sessions(lambda s, w: f"/commission/seances/{s}/composer"),
    ("committee.step", "POST"): _for_sessions(
        lambda s, w: f"/commission/seances/{s}/composer", method="POST"
    ),
    ("committee.move", "POST"): _for_sessions(
        lambda s, w: f"/commission/seances/{s}/points/{w.ids['item']}/deplacer",
        method="POST",
        data={"sens": "monter"},
        far=False,
    ),
    ("committee.set_aside", "POST"): _for_sessions(
        lambda s, w: f"/commission/seances/{s}/points/{w.ids['item']}/retrait",
        method="POST",
        data={"statut": "retire", "motif": "Retrait demandé"},
        far=False,
    ),
    ("committee.attendance", "POST"): _for_sessions(
        lambda s, w: f"/commission/seances/{s}/presences", method="POST", data={}
    ),
    ("committee.vote", "POST"): _for_sessions(
        lambda s, w: f"/commission/seances/{s}/points/{w.ids['item']}/vote",
        method="POST",
        data=_VOTE,
        far=False,
    ),
    ("committee.retry_letters", "POST"): _for_sessions(
        lambda s, w: f"/commission/seances/{s}/courriers/relancer", method="POST"
    ),
    ("committee.member_list", "GET"): _for_roles(lambda w: f"/commission/membres/{w.ids['member']}"),
    ("committee.member_list", "POST"): _for_roles(
        "/commission/membres",
        method="POST",
        data={"full_name": "Nouveau Membre", "kind": "elu", "mandate_start": "2026-03-23"},
    ),
    ("committee.postpone", "POST"): _for_sessions(
        lambda s, w: f"/commission/seances/{s}/reporter",
        method="POST",
        data={"day": "2027-01-20", "hour": "18:00", "reason": "Quorum non atteint"},
    ),
    ("committee.cancel", "POST"): _for_sessions(
        lambda s, w: f"/commission/seances/{s}/annuler", method="POST", data={"reason": "Salle indisponible"}
    ),
    ("committee.delegations", "GET"): _for_roles("/commission/delegations"),
    ("committee.delegations", "POST"): _for_roles(
        "/commission/delegations",
        method="POST",
        data={"number": "DEL2026_009", "adopted_on": "2026-01-15", "in_force_from": "2026-01-15"},
    ),
    ("committee.signature_delegation", "POST"): _for_roles(
        "/commission/delegations/signature",
        method="POST",
        data={"number": "ARR2026_009", "signed_on": "2026-01-15", "valid_from": "2026-01-15"},
    ),
    ("workshops.index", "GET"): _for_roles("/ateliers/"),
    ("workshops.index", "POST"): _for_roles(
        "/ateliers/",
        method="POST",
        data=lambda w: {
            "theme": str(w.ids["theme"]),
            "day": "2027-02-01",
            "hour": "10:00",
            "duration": "90",
            "place": "Mairie annexe des Grillons",
            "facilitators": "Équipe",
            "capacity": "8",
            "minimum": "2",
            "repeat": "une_fois",
        },
    ),
    ("workshops.theme_list", "GET"): _for_roles(lambda w: f"/ateliers/themes/{w.ids['theme']}"),
    ("workshops.theme_list", "POST"): _for_roles(
        "/ateliers/themes",
        method="POST",
        data={"name": "Santé", "description": "Accès aux soins", "active": "y"},
    ),
    ("workshops.show", "GET"): _for_roles(lambda w: f"/ateliers/seances/{w.ids['workshop']}?q=Camille"),
    ("workshops.register", "POST"): _for_roles(
        lambda w: f"/ateliers/seances/{w.ids['workshop']}/inscriptions",
        method="POST",
        data=lambda w: {"person_id": str(w.scenarios["suit"].person_id), "referral": "agent"},
    ),
    ("workshops.cancel", "GET"): _for_roles(
        lambda w: f"/ateliers/seances/{w.ids['workshop']}/inscriptions/{w.ids['registration']}/annulation"
    ),
    ("workshops.cancel", "POST"): _for_roles(
        lambda w: f"/ateliers/seances/{w.ids['workshop']}/inscriptions/{w.ids['registration']}/annulation",
        method="POST",
    ),
    ("workshops.decide", "POST"): _for_roles(
        lambda w: f"/ateliers/seances/{w.ids['workshop']}/maintien",
        method="POST",
        data={"decision": "maintenir"},
    ),
    ("workshops.cancel_session", "GET"): _for_roles(
        lambda w: f"/ateliers/seances/{w.ids['workshop']}/annulation"
    ),
    ("workshops.cancel_session", "POST"): _for_roles(
        lambda w: f"/ateliers/seances/{w.ids['workshop']}/annulation", method="POST", data={"motif": "Grève"}
    ),
    ("workshops.attendance", "GET"): _for_roles(lambda w: f"/ateliers/seances/{w.ids['workshop']}/presences"),
    ("workshops.attendance", "POST"): _for_roles(
        lambda w: f"/ateliers/seances/{w.ids['workshop']}/presences", method="POST", data={}
    ),
    ("workshops.evaluation", "POST"): _for_roles(
        lambda w: f"/ateliers/seances/{w.ids['workshop']}/evaluation",
        method="POST",
        data={"answers": "0", "satisfied": "0", "notes": ""},
    ),
    ("workshops.attendance_sheet", "POST"): _for_roles(
        lambda w: f"/ateliers/seances/{w.ids['cancelled_workshop']}/feuille-de-presence", method="POST"
    ),
    ("workshops.calendar_file", "GET"): _for_roles("/ateliers/agenda.ics"),
    ("workshops.figures", "GET"): _for_roles("/ateliers/statistiques"),
    ("cheques.stock_page", "GET"): _for_roles("/cheques/stock"),
    ("cheques.stock_page", "POST"): _for_roles(
        "/cheques/stock",
        method="POST",
        data={
            "series": "ESSAI-1",
            "nature": "alimentation",
            "face_value": "10,00",
            "first_number": "1",
            "last_number": "10",
        },
    ),
    ("domiciliation.index", "GET"): _for_roles("/domiciliation/"),
    ("domiciliation.show", "GET"): _for_roles(lambda w: f"/domiciliation/{w.ids['election']}"),
    ("domiciliation.record_mail", "POST"): _for_roles(
        lambda w: f"/domiciliation/{w.ids['election']}/courriers",
        method="POST",
        data={"sender_kind": "cpam", "received_on": "2026-11-21"},
    ),
    ("domiciliation.hand_over", "POST"): _for_roles(
        lambda w: f"/domiciliation/{w.ids['election']}/courriers/{w.ids['domiciliation_mail']}/remise",
        method="POST",
        data={"signed_by": "Sam Domicile"},
    ),
    ("domiciliation.visit", "POST"): _for_roles(
        lambda w: f"/domiciliation/{w.ids['election']}/passage", method="POST"
    ),
    ("domiciliation.end", "POST"): _for_roles(
        lambda w: f"/domiciliation/{w.ids['election']}/fin", method="POST", data={"details": ""}
    ),
    ("domiciliation.figures_page", "GET"): _for_roles("/domiciliation/statistiques"),
    ("liaisons.index", "GET"): _for_roles("/liaisons/"),
    ("liaisons.new", "GET"): _for_roles("/liaisons/nouvelle?q=Brixane"),
    ("liaisons.new", "POST"): _for_roles(
        "/liaisons/nouvelle",
        method="POST",
        data={
            "person_id": "",
            "last_name": "Essai",
            "phone": "0601020304",
            "question": "Essai",
            "consent": "y",
        },
    ),
    ("liaisons.show", "GET"): _for_roles(lambda w: f"/liaisons/{w.ids['liaison']}"),
    ("liaisons.show", "POST"): _for_roles(
        lambda w: f"/liaisons/{w.ids['liaison']}",
        method="POST",
        data={"issue": "information", "note": "Information donnée."},
    ),
    ("orientation.partners", "GET"): _for_roles("/partenaires/?domaine=budget"),
    ("orientation.partners", "POST"): _for_roles(
        "/partenaires/",
        method="POST",
        data={
            "name": "Épicerie d'Essai",
            "kind": "aide_alimentaire",
            "domains": "alimentation",
            "phone": "02 38 11 11 11",
        },
    ),
    ("orientation.edit_partner", "GET"): _for_roles(lambda w: f"/partenaires/{w.ids['partner']}"),
    ("orientation.edit_partner", "POST"): _for_roles(
        lambda w: f"/partenaires/{w.ids['partner']}",
        method="POST",
        data={
            "name": "Point conseil budget",
            "kind": "mediation_dettes",
            "domains": "budget",
            "email": "pcb@essai.invalid",
            "active": "y",
        },
    ),
    ("authorities.index", "GET"): _for_roles("/autorites/"),
    ("authorities.index", "POST"): _for_roles(
        "/autorites/",
        method="POST",
        data={
            "name": "CAF d'Essai",
            "kind": "caf",
            "address": "1 rue de la Paix, 45000 Orléans",
            "email": "",
        },
    ),
    ("organisation.communes", "GET"): _for_roles("/communes/"),
    ("organisation.communes", "POST"): _for_roles(
        "/communes/", method="POST", data={"insee_code": "99100", "name": "Commune d'Essai"}
    ),
    ("organisation.add_quartier", "POST"): _for_roles(
        lambda w: f"/communes/{w.ids['commune']}/quartiers", method="POST", data={"name": "Quartier d'Essai"}
    ),
    ("centre.identity_page", "GET"): _for_roles("/centre/"),
    ("centre.identity_page", "POST"): _for_roles(
        "/centre/",
        method="POST",
        data={"name": "CCAS d'Essai", "postal_code": "45000", "president_name": "Marie Essai"},
    ),
    ("people_import.index", "GET"): _for_roles("/personnes/import/"),
    ("people_import.index", "POST"): _for_roles("/personnes/import/", method="POST", data={}),
    ("people_import.mapping", "GET"): _for_roles(
        lambda w: f"/personnes/import/{w.ids['import']}/correspondance"
    ),
    ("people_import.mapping", "POST"): _for_roles(
        lambda w: f"/personnes/import/{w.ids['import']}/correspondance",
        method="POST",
        data={"nom": "Nom", "prenom": "Prenom"},
    ),
    ("people_import.show", "GET"): _for_roles(lambda w: f"/personnes/import/{w.ids['import_analysed']}"),
    ("people_import.confirm", "POST"): _for_roles(
        lambda w: f"/personnes/import/{w.ids['import_analysed']}/confirmer", method="POST", data={}
    ),
    ("statistics.index", "GET"): _for_roles("/statistiques/?repartition=quartier"),
    ("statistics.export_csv", "GET"): _for_roles("/statistiques/export.csv"),
    ("statistics.abs_extract", "GET"): _for_roles("/statistiques/abs.csv"),
    ("statistics.report", "GET"): _for_roles("/statistiques/rapport"),
    ("statistics.report", "POST"): _for_roles(
        "/statistiques/rapport", method="POST", data={"year": "2026", "introduction": "Une année."}
    ),
    ("admin.users", "GET"): _for_roles("/administration/utilisateurs"),
    ("admin.new_user", "GET"): _for_roles("/administration/utilisateurs/nouveau"),
    ("admin.new_user", "POST"): _for_roles(
        "/administration/utilisateurs/nouveau",
        method="POST",
        data={
            "username": "nouvel.agent",
            "full_name": "Nouvel Agent",
            "roles": "accueil",
            "password": "cheval-agrafe-lampe-riviere",
        },
    ),
    ("admin.set_user_active", "POST"): _for_roles(
        lambda w: f"/administration/utilisateurs/{w.ids['user']}/etat", method="POST", data={"actif": "non"}
    ),
    ("admin.audit_log", "GET"): _for_roles("/administration/journal"),
    ("admin.mail", "GET"): _for_roles("/administration/courriels"),
    ("admin.mail_message", "GET"): _for_roles(lambda w: f"/administration/courriels/{w.ids['message']}"),
    ("admin.resend_mail", "POST"): _for_roles(
        lambda w: f"/administration/courriels/{w.ids['message']}/renvoyer", method="POST"
    ),
    ("admin.processes", "GET"): _for_roles("/administration/processus"),
    ("admin.process_diagram", "GET"): _for_roles(
        lambda w: f"/administration/processus/{w.ids['definition']}/diagramme.json"
    ),
    ("admin.tables", "GET"): _for_roles("/administration/baremes"),
    ("admin.tables", "POST"): _for_roles("/administration/baremes", method="POST", data={"bareme": ""}),
    ("admin.api_tokens", "GET"): _for_roles("/administration/jetons-api"),
    ("admin.api_tokens", "POST"): _for_roles(
        "/administration/jetons-api",
        method="POST",
        data=lambda w: {"name": "GED", "user_id": str(w.ids["user"])},
    ),
    ("admin.revoke_api_token", "POST"): _for_roles(
        lambda w: f"/administration/jetons-api/{w.ids['api_token']}/revoquer", method="POST"
    ),
    # The API: the same rules, as the account of the token.
    ("api-docs.openapi_json", "GET"): _for_roles("/api/v1/openapi.json"),
    ("api_docs.page", "GET"): _for_roles("/api/v1/docs"),
    ("api_people.search", "GET"): _for_roles("/api/v1/personnes?q=Camille", api=True),
    ("api_people.create", "POST"): _for_roles(
        "/api/v1/personnes",
        method="POST",
        data={"nom": "Nouvelle", "prenom": "Personne", "confirmer_doublon": True},
        api=True,
    ),
    ("api_people.household", "GET"): _for_people(
        lambda s, w: f"/api/v1/personnes/{s.person_id}/foyer", method="GET", api=True
    ),
    ("api_people.add_member", "POST"): _for_people(
        lambda s, w: f"/api/v1/personnes/{s.person_id}/foyer",
        data=lambda s: {"nom": "Ajout", "prenom": "Léo", "date_naissance": "2020-01-01", "lien": "enfant"},
        api=True,
    ),
    ("api_people.open_request", "POST"): _for_people(
        lambda s, w: f"/api/v1/personnes/{s.person_id}/dossiers",
        data=lambda s: {"aide": "colis_alimentaire", "motif": "Plus rien à manger"},
        api=True,
    ),
    ("api_dossiers.show", "GET"): _for_dossiers(
        lambda s, w: f"/api/v1/dossiers/{s.dossier_id}",
        allowed=_dossier_rule,
        page_parts=API_DOSSIER_PARTS,
        api=True,
    ),
    ("api_documents.of_dossier", "GET"): _for_dossiers(
        lambda s, w: f"/api/v1/dossiers/{s.dossier_id}/documents", allowed=_dossier_rule, api=True
    ),
    ("api_documents.download", "GET"): _download_api,
    ("api_tasks.index", "GET"): _for_roles("/api/v1/taches", api=True),
    ("api_tasks.show", "GET"): _for_dossiers(
        lambda s, w: f"/api/v1/taches/{s.task_id}", allowed=_task_read, api=True
    ),
    ("api_tasks.claim", "POST"): _for_dossiers(
        lambda s, w: f"/api/v1/taches/{s.task_id}/prise", method="POST", allowed=_task_work, api=True
    ),
    ("api_tasks.complete", "POST"): _for_dossiers(
        lambda s, w: f"/api/v1/taches/{s.task_id}/achevement",
        method="POST",
        data={"valeurs": {}},
        allowed=_task_work,
        api=True,
    ),
    ("api_workshops.sessions", "GET"): _for_roles("/api/v1/ateliers/seances", api=True),
    ("api_statistics.figures", "GET"): _for_roles("/api/v1/statistiques?repartition=quartier", api=True),
    ("api_workshops.register", "POST"): _for_roles(
        lambda w: f"/api/v1/ateliers/seances/{w.ids['workshop']}/inscriptions",
        method="POST",
        data=lambda w: {"personne_id": w.scenarios["suit"].person_id, "orientation": "agent"},
        api=True,
    ),
    ("api_workshops.cancel", "POST"): _for_roles(
        lambda w: f"/api/v1/ateliers/inscriptions/{w.ids['registration']}/annulation", method="POST", api=True
    ),
}


def test_every_route_of_the_application_has_its_line_and_every_line_its_route(world: World) -> None:
    served = {(endpoint, method) for endpoint, method, _ in route_paths(world.app)}
    assert served - set(ROUTES) == set(), "routes sans ligne dans service/access/routes.py"
    assert set(ROUTES) - served == set(), "lignes de la politique sans route"
    assert set(PROBES) == set(ROUTES), "chaque ligne de la politique a sa sonde ici"


def test_the_readme_prints_the_policy_as_the_code_declares_it(world: World) -> None:
    assert render_markdown(route_paths(world.app)) in README.read_text(encoding="utf-8"), (
        "README obsolète : lancez .venv/bin/python tools/policy_table.py"
    )


def test_a_route_without_a_line_is_refused_to_everyone(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(routes.ROUTES, ("home.dashboard", "GET"))
    client = world.clients["u_responsable"]
    response = _request(world, client, "GET", "/tableau-de-bord", None)
    assert response.status_code == 403
    assert "n'a pas de règle d'accès déclarée" in text_of(response)


@pytest.mark.parametrize("key", sorted(ROUTES), ids=lambda key: f"{key[1]} {key[0]}")
def test_the_route_follows_the_policy_for_every_role_and_relation(world: World, key: tuple[str, str]) -> None:
    assert key in PROBES, f"{key} : ajoutez sa sonde à PROBES"
    line = ROUTES[key]
    failures = []
    for role in Role:
        for case in PROBES[key](world, f"u_{role.value}", role, line):
            failure = _check(world, case)
            if failure:
                failures.append(f"{case.user} {case.method} {case.path}: {failure}")
    assert not failures, "\n".join(failures)


def _check(world: World, case: Case) -> str:
    client = world.clients[case.user] if case.user else world.app.test_client()
    refused_fingerprint = _world_fingerprint(world) if not case.allowed and case.method == "POST" else None
    db.session.remove()  # the session's own savepoint, if one is open, must not hold the probe's
    savepoint = world.connection.begin_nested()  # type: ignore[attr-defined]
    try:
        data = case.data
        if not case.user:  # signing in or out: a client of its own, signed in inside the savepoint
            if case.path == "/deconnexion":
                assert login(client, f"u_{case.role.value}").status_code == 302
            data = {
                **(data or {}),
                "csrf_token": csrf_token(
                    client, "/connexion" if case.path == "/connexion" else "/tableau-de-bord"
                ),
            }
        elif case.method == "POST" and not case.api:
            data = {**(data or {}), "csrf_token": world.tokens[case.user]}
        if case.api:  # no cookie: a client of its own, the account's token
            headers = {"Authorization": f"Bearer {world.bearers[case.user]}"}
            body = data if case.method == "POST" else None
            response = world.app.test_client().open(case.path, method=case.method, json=body, headers=headers)
        else:
            response = client.open(case.path, method=case.method, data=data)
        body = _body(response)
        after = _fingerprint() if refused_fingerprint is not None else None
    finally:
        db.session.remove()
        savepoint.rollback()
    status = response.status_code
    if status >= 500:
        return f"{status} (erreur)"
    if not case.allowed:
        if status != 403:
            return f"{status} au lieu de 403"
        if case.scenario and world.scenarios[case.scenario].last_name.upper() in body.upper():
            return "le refus nomme la personne"
        if after != refused_fingerprint:
            return "un refus a changé les données"
        return ""
    if status in (403, 404):
        return f"{status} alors que la politique le permet"
    if case.shows is not None:
        markers = world.scenarios[case.scenario or ""].markers
        for part in case.checked:
            if (markers[part.value] in body) != (part in case.shows):
                return f"partie « {part.value} » {'absente' if part in case.shows else 'montrée'}"
    return ""


def _request(world: World, client: Any, method: str, path: str, data: dict[str, Any] | None) -> TestResponse:
    db.session.remove()
    savepoint = world.connection.begin_nested()  # type: ignore[attr-defined]
    try:
        return client.open(path, method=method, data=data)
    finally:
        db.session.remove()
        savepoint.rollback()


def _body(response: TestResponse) -> str:
    if response.mimetype in ("application/json", "application/problem+json"):  # as read, not as escaped
        return json.dumps(response.get_json(), ensure_ascii=False)
    if response.mimetype.startswith("text/"):
        return text_of(response)
    return ""


def _world_fingerprint(world: World) -> tuple[int, ...]:
    """The world's fingerprint, taken once: every request starts from the same world."""
    if "fingerprint" not in world.cache:
        db.session.remove()
        world.cache["fingerprint"] = _fingerprint()
        db.session.remove()
    return world.cache["fingerprint"]


def _fingerprint() -> tuple[int, ...]:
    """Every table's row count, the reads and the API's calls aside (a refused page is still traced): one
    statement."""
    counted = []
    for table in Base.metadata.sorted_tables:
        count = select(func.count()).select_from(table)
        if table is AuditEvent.__table__:  # a refused call of the API is still recorded, like a read
            count = count.where(AuditEvent.action.not_in(sorted(READS | {AuditAction.API_APPEL})))
        counted.append(count.scalar_subquery())
    return tuple(int(value) for value in db.session.execute(select(*counted)).one())
