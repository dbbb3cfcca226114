"""Every route of the web interface, with the line of the policy that decides who reaches it.

The use cases enforce these rules; this table declares them. A request to a route missing here is refused
(web.security), and tests/test_access_policy.py walks every route of the application, as every role and in
every relation, against this table and the policy's tables: a new route without its line fails there.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from service.access.policy import Action, Part
from service.models import Role


class Rule(enum.StrEnum):
    """Who may reach a route, in the terms of the policy."""

    PUBLIC = "public"
    SIGNED_IN = "signed_in"
    ROLES = "roles"
    DOSSIER = "dossier"
    PERSON = "person"
    TASK = "task"
    TASK_WORK = "task_work"
    DOCUMENT = "document"
    COMMITTEE = "committee"
    SESSION = "session"
    SESSION_STAFF = "session_staff"


class Scope(enum.StrEnum):
    """What a bearer token of the API must carry to call a route (the API's routes only)."""

    READ = "read"
    WRITE = "write"

    @property
    def label(self) -> str:
        return "lecture" if self is Scope.READ else "écriture"


@dataclass(frozen=True)
class Line:
    """One line of the route table: the rule, its roles (for ROLES, or on top of the rule), what it needs.

    An API route (under /api/v1, a bearer token instead of a session) also names the token's scope it needs;
    the rule is then checked against the token's account, exactly as for a page.
    """

    rule: Rule
    roles: frozenset[Role] = frozenset()
    needs: Part | Action | None = None
    scope: Scope | None = None

    def describe(self) -> str:
        """The line in French, as the README prints it."""
        roles = ", ".join(f"`{role.value}`" for role in sorted(self.roles))
        needs = ""
        if isinstance(self.needs, Part):
            needs = f" (partie {self.needs.label.lower()})"
        elif isinstance(self.needs, Action):
            needs = f" (action « {self.needs.label} »)"
        token = f" ; jeton de portée « {self.scope.label} »" if self.scope else ""
        if self.rule is Rule.ROLES:
            return f"rôles {roles}{token}"
        text = _DESCRIPTIONS[self.rule] + needs
        return (f"{text}, rôles {roles}" if self.roles else text) + token


_DESCRIPTIONS = {
    Rule.PUBLIC: "tout le monde",
    Rule.SIGNED_IN: "toute personne connectée",
    Rule.DOSSIER: "selon la politique des dossiers",
    Rule.PERSON: "selon la politique des personnes",
    Rule.TASK: "rôle du couloir de la tâche (ou responsable) et, pour un dossier, « réaliser ses étapes »",
    Rule.TASK_WORK: (
        "rôle du couloir de la tâche, tâche ouverte et pas celle d'un·e collègue, puis, pour un dossier, "
        "« réaliser ses étapes »"
    ),
    Rule.DOCUMENT: (
        "selon son sujet : un dossier (partie documents), une séance (secrétariat, responsable, membres en "
        "fonction le jour de la séance), un atelier (accueil, instructeur, responsable), le rapport "
        "d'activité (responsable, délégataire, élu·e)"
    ),
    Rule.COMMITTEE: "secrétariat, responsable et membres de la commission (leurs seules séances)",
    Rule.SESSION: "secrétariat, responsable et membres en fonction le jour de la séance",
    Rule.SESSION_STAFF: "secrétariat et responsable, pour une séance de leur centre",
}

_ADMIN = frozenset({Role.ADMIN})
_PEOPLE = frozenset({Role.ACCUEIL, Role.INSTRUCTEUR, Role.RESPONSABLE})
_ORGANISERS = frozenset({Role.INSTRUCTEUR, Role.RESPONSABLE})
_STAFF = frozenset({Role.SECRETARIAT, Role.RESPONSABLE})
_STOCK = frozenset({Role.SECRETARIAT, Role.REGISSEUR, Role.RESPONSABLE})
_STOCK_KEEPERS = frozenset({Role.SECRETARIAT, Role.REGISSEUR})
_HEAD = frozenset({Role.RESPONSABLE})
# The centre's identity on its acts (letterhead, signatory, tribunal): the head of service, the administrator.
_CENTRE_KEEPERS = frozenset({Role.RESPONSABLE, Role.ADMIN})
# The board's members read the figures, masked (no cell under five households); the head of service reads all.
_FIGURES = frozenset({Role.RESPONSABLE, Role.DELEGATAIRE, Role.ELU})
_AUTHORITY_READERS = frozenset({Role.SECRETARIAT, Role.RESPONSABLE, Role.INSTRUCTEUR, Role.ADMIN})
_AUTHORITY_EDITORS = frozenset({Role.SECRETARIAT, Role.RESPONSABLE, Role.ADMIN})
# The partners' directory: read by those who orient people, kept by the head of service and the administrator.
_PARTNER_READERS = frozenset({Role.ACCUEIL, Role.INSTRUCTEUR, Role.RESPONSABLE, Role.ADMIN})
_PARTNER_EDITORS = frozenset({Role.RESPONSABLE, Role.ADMIN})
_TOWN_HALL = frozenset({Role.MAIRIE})
_CALLING_BACK = frozenset({Role.INSTRUCTEUR, Role.RESPONSABLE})

GET, POST = "GET", "POST"

ROUTES: Mapping[tuple[str, str], Line] = {
    ("static", GET): Line(Rule.PUBLIC),
    ("auth.login", GET): Line(Rule.PUBLIC),
    ("auth.login", POST): Line(Rule.PUBLIC),
    ("auth.logout", POST): Line(Rule.SIGNED_IN),
    ("home.index", GET): Line(Rule.PUBLIC),
    ("home.dashboard", GET): Line(Rule.SIGNED_IN),
    ("account.show", GET): Line(Rule.SIGNED_IN),
    ("account.show", POST): Line(Rule.SIGNED_IN),
    # People: the front desk finds and registers; a person's file follows the person policy.
    ("people.search", GET): Line(Rule.ROLES, _PEOPLE),
    ("people.create", GET): Line(Rule.ROLES, _PEOPLE),
    ("people.create", POST): Line(Rule.ROLES, _PEOPLE),
    ("people.show", GET): Line(Rule.PERSON),
    ("people.add_member", POST): Line(Rule.PERSON, needs=Action.MODIFIER_FOYER),
    ("people.remove_member", POST): Line(Rule.PERSON, needs=Action.MODIFIER_FOYER),
    ("people.add_budget_line", POST): Line(Rule.PERSON, needs=Action.MODIFIER_BUDGET),
    ("people.remove_budget_line", POST): Line(Rule.PERSON, needs=Action.MODIFIER_BUDGET),
    ("people.open_request", POST): Line(Rule.PERSON, needs=Action.OUVRIR),
    ("people.export", GET): Line(Rule.PERSON, needs=Action.EXPORTER),
    ("people.timeline", GET): Line(Rule.PERSON),
    # Importing a file of people and households (another software's export): the head of service, who
    # answers for the files the centre keeps; the IT administrator reads no social file, nor the preview.
    ("people_import.index", GET): Line(Rule.ROLES, _HEAD),
    ("people_import.index", POST): Line(Rule.ROLES, _HEAD),
    ("people_import.mapping", GET): Line(Rule.ROLES, _HEAD),
    ("people_import.mapping", POST): Line(Rule.ROLES, _HEAD),
    ("people_import.show", GET): Line(Rule.ROLES, _HEAD),
    ("people_import.confirm", POST): Line(Rule.ROLES, _HEAD),
    ("rights.show", GET): Line(Rule.PERSON, needs=Part.BUDGET),
    ("rights.estimate", POST): Line(Rule.PERSON, needs=Action.MODIFIER_BUDGET),
    ("rights.follow_up", POST): Line(Rule.PERSON, needs=Action.MODIFIER_BUDGET),
    # Appointments: booked from the person's file (like opening a request); the slots and a place's day are
    # read by those who book, and opened by the social workers and the head of service.
    ("appointments.book", GET): Line(Rule.PERSON, needs=Action.OUVRIR),
    ("appointments.book", POST): Line(Rule.PERSON, needs=Action.OUVRIR),
    ("appointments.index", GET): Line(Rule.ROLES, _PEOPLE),
    ("appointments.index", POST): Line(Rule.ROLES, _ORGANISERS),
    ("appointments.outcome", POST): Line(Rule.ROLES, _PEOPLE),
    ("appointments.agenda", GET): Line(Rule.ROLES, _PEOPLE),
    # Orientation to a partner: whoever may open a request for the person orients them.
    ("orientation.person_page", GET): Line(Rule.PERSON, needs=Action.OUVRIR),
    ("orientation.person_page", POST): Line(Rule.PERSON, needs=Action.OUVRIR),
    ("orientation.send", POST): Line(Rule.PERSON, needs=Action.OUVRIR),
    ("orientation.outcome", POST): Line(Rule.PERSON, needs=Action.OUVRIR),
    # Dossiers, their steps and their documents.
    ("dossiers.show", GET): Line(Rule.DOSSIER),
    ("dossiers.diagram_data", GET): Line(Rule.DOSSIER),
    ("documents.download", GET): Line(Rule.DOCUMENT),
    ("documents.correct", POST): Line(Rule.DOSSIER, _STAFF, needs=Action.RECTIFIER),
    ("tasks.index", GET): Line(Rule.SIGNED_IN),
    ("tasks.show", GET): Line(Rule.TASK),
    ("tasks.show", POST): Line(Rule.TASK_WORK),
    ("tasks.claim", POST): Line(Rule.TASK_WORK),
    ("tasks.unclaim", POST): Line(Rule.TASK_WORK),
    ("tasks.reassign", POST): Line(Rule.ROLES, frozenset({Role.RESPONSABLE})),
    # The committee.
    ("committee.index", GET): Line(Rule.COMMITTEE),
    ("committee.index", POST): Line(Rule.ROLES, _STAFF),
    ("committee.show", GET): Line(Rule.SESSION),
    ("committee.calendar_file", GET): Line(Rule.SESSION),
    ("committee.letters_progress", GET): Line(Rule.SESSION_STAFF),
    ("committee.step", GET): Line(Rule.SESSION_STAFF),
    ("committee.step", POST): Line(Rule.SESSION_STAFF),
    ("committee.move", POST): Line(Rule.SESSION_STAFF),
    ("committee.set_aside", POST): Line(Rule.SESSION_STAFF),
    ("committee.attendance", POST): Line(Rule.SESSION_STAFF),
    ("committee.vote", POST): Line(Rule.SESSION_STAFF),
    ("committee.retry_letters", POST): Line(Rule.SESSION_STAFF),
    ("committee.member_list", GET): Line(Rule.ROLES, _STAFF),
    ("committee.member_list", POST): Line(Rule.ROLES, _STAFF),
    ("committee.postpone", POST): Line(Rule.SESSION_STAFF),
    ("committee.cancel", POST): Line(Rule.SESSION_STAFF),
    # The acts of delegation (R123-21, R123-23 CASF), entered by the secretariat.
    ("committee.delegations", GET): Line(Rule.ROLES, _STAFF),
    ("committee.delegations", POST): Line(Rule.ROLES, _STAFF),
    ("committee.signature_delegation", POST): Line(Rule.ROLES, _STAFF),
    # Collective workshops: those who register people read them; social workers and the head organise.
    ("workshops.index", GET): Line(Rule.ROLES, _PEOPLE),
    ("workshops.index", POST): Line(Rule.ROLES, _ORGANISERS),
    ("workshops.theme_list", GET): Line(Rule.ROLES, _PEOPLE),
    ("workshops.theme_list", POST): Line(Rule.ROLES, _ORGANISERS),
    ("workshops.show", GET): Line(Rule.ROLES, _PEOPLE),
    ("workshops.register", POST): Line(Rule.ROLES, _PEOPLE),
    ("workshops.cancel", GET): Line(Rule.ROLES, _PEOPLE),
    ("workshops.cancel", POST): Line(Rule.ROLES, _PEOPLE),
    ("workshops.decide", POST): Line(Rule.ROLES, _ORGANISERS),
    ("workshops.cancel_session", GET): Line(Rule.ROLES, _ORGANISERS),
    ("workshops.cancel_session", POST): Line(Rule.ROLES, _ORGANISERS),
    ("workshops.attendance", GET): Line(Rule.ROLES, _PEOPLE),
    ("workshops.attendance", POST): Line(Rule.ROLES, _ORGANISERS),
    ("workshops.evaluation", POST): Line(Rule.ROLES, _ORGANISERS),
    ("workshops.attendance_sheet", POST): Line(Rule.ROLES, _ORGANISERS),
    ("workshops.calendar_file", GET): Line(Rule.ROLES, _PEOPLE),
    ("workshops.figures", GET): Line(Rule.ROLES, _PEOPLE),
    # Observation: the communes served, the figures, their exports and the board's yearly report.
    ("organisation.communes", GET): Line(Rule.ROLES, _HEAD),
    ("organisation.communes", POST): Line(Rule.ROLES, _HEAD),
    ("organisation.add_quartier", POST): Line(Rule.ROLES, _HEAD),
    ("centre.identity_page", GET): Line(Rule.ROLES, _CENTRE_KEEPERS),
    ("centre.identity_page", POST): Line(Rule.ROLES, _CENTRE_KEEPERS),
    ("statistics.index", GET): Line(Rule.ROLES, _FIGURES),
    ("statistics.export_csv", GET): Line(Rule.ROLES, _FIGURES),
    ("statistics.abs_extract", GET): Line(Rule.ROLES, _HEAD),
    ("statistics.report", GET): Line(Rule.ROLES, _HEAD),
    ("statistics.report", POST): Line(Rule.ROLES, _HEAD),
    # Cheques, authorities, administration: no social file.
    ("cheques.stock_page", GET): Line(Rule.ROLES, _STOCK),
    ("cheques.stock_page", POST): Line(Rule.ROLES, _STOCK_KEEPERS),
    ("domiciliation.index", GET): Line(Rule.ROLES, _PEOPLE),
    ("domiciliation.show", GET): Line(Rule.ROLES, _PEOPLE),
    ("domiciliation.record_mail", POST): Line(Rule.ROLES, _PEOPLE),
    ("domiciliation.hand_over", POST): Line(Rule.ROLES, _PEOPLE),
    ("domiciliation.visit", POST): Line(Rule.ROLES, _PEOPLE),
    ("domiciliation.end", POST): Line(Rule.ROLES, _PEOPLE),
    # Fiches de liaison: the town hall sends and follows its own (outcome and date, never the file); those
    # who call the person back read them, the instructing agents record the call.
    ("liaisons.index", GET): Line(Rule.ROLES, _TOWN_HALL),
    ("liaisons.new", GET): Line(Rule.ROLES, _TOWN_HALL),
    ("liaisons.new", POST): Line(Rule.ROLES, _TOWN_HALL),
    ("liaisons.show", GET): Line(Rule.ROLES, _CALLING_BACK),
    ("liaisons.show", POST): Line(Rule.ROLES, frozenset({Role.INSTRUCTEUR})),  # the evaluation's lane
    ("domiciliation.figures_page", GET): Line(Rule.ROLES, frozenset({Role.RESPONSABLE})),
    ("orientation.partners", GET): Line(Rule.ROLES, _PARTNER_READERS),
    ("orientation.partners", POST): Line(Rule.ROLES, _PARTNER_EDITORS),
    ("orientation.edit_partner", GET): Line(Rule.ROLES, _PARTNER_EDITORS),
    ("orientation.edit_partner", POST): Line(Rule.ROLES, _PARTNER_EDITORS),
    ("authorities.index", GET): Line(Rule.ROLES, _AUTHORITY_READERS),
    ("authorities.index", POST): Line(Rule.ROLES, _AUTHORITY_EDITORS),
    ("admin.users", GET): Line(Rule.ROLES, frozenset({Role.ADMIN, Role.RESPONSABLE})),
    ("admin.new_user", GET): Line(Rule.ROLES, _ADMIN),
    ("admin.new_user", POST): Line(Rule.ROLES, _ADMIN),
    ("admin.set_user_active", POST): Line(Rule.ROLES, _ADMIN),
    ("admin.audit_log", GET): Line(Rule.ROLES, frozenset({Role.ADMIN, Role.RESPONSABLE})),
    ("admin.mail", GET): Line(Rule.ROLES, _ADMIN),
    ("admin.mail_message", GET): Line(Rule.ROLES, _ADMIN),
    ("admin.resend_mail", POST): Line(Rule.ROLES, _ADMIN),
    ("admin.processes", GET): Line(Rule.ROLES, _ADMIN),
    ("admin.process_diagram", GET): Line(Rule.ROLES, _ADMIN),
    ("admin.tables", GET): Line(Rule.ROLES, _ADMIN),
    ("admin.tables", POST): Line(Rule.ROLES, _ADMIN),
    ("admin.api_tokens", GET): Line(Rule.ROLES, _ADMIN),
    ("admin.api_tokens", POST): Line(Rule.ROLES, _ADMIN),
    ("admin.revoke_api_token", POST): Line(Rule.ROLES, _ADMIN),
    # The API (/api/v1): its description and documentation are public; every other route takes a bearer
    # token of the centre, with its scope, and then the same rule as the page doing the same thing.
    ("api-docs.openapi_json", GET): Line(Rule.PUBLIC),
    ("api_docs.page", GET): Line(Rule.PUBLIC),
    ("api_people.search", GET): Line(Rule.ROLES, _PEOPLE, scope=Scope.READ),
    ("api_people.create", POST): Line(Rule.ROLES, _PEOPLE, scope=Scope.WRITE),
    ("api_people.household", GET): Line(Rule.PERSON, needs=Part.FOYER, scope=Scope.READ),
    ("api_people.add_member", POST): Line(Rule.PERSON, needs=Action.MODIFIER_FOYER, scope=Scope.WRITE),
    ("api_people.open_request", POST): Line(Rule.PERSON, needs=Action.OUVRIR, scope=Scope.WRITE),
    ("api_dossiers.show", GET): Line(Rule.DOSSIER, scope=Scope.READ),
    ("api_documents.of_dossier", GET): Line(Rule.DOSSIER, needs=Part.DOCUMENTS, scope=Scope.READ),
    ("api_documents.download", GET): Line(Rule.DOCUMENT, scope=Scope.READ),
    ("api_tasks.index", GET): Line(Rule.SIGNED_IN, scope=Scope.READ),
    ("api_tasks.show", GET): Line(Rule.TASK, scope=Scope.READ),
    ("api_tasks.claim", POST): Line(Rule.TASK_WORK, scope=Scope.WRITE),
    ("api_tasks.complete", POST): Line(Rule.TASK_WORK, scope=Scope.WRITE),
    ("api_workshops.sessions", GET): Line(Rule.ROLES, _PEOPLE, scope=Scope.READ),
    ("api_workshops.register", POST): Line(Rule.ROLES, _PEOPLE, scope=Scope.WRITE),
    ("api_workshops.cancel", POST): Line(Rule.ROLES, _PEOPLE, scope=Scope.WRITE),
    ("api_statistics.figures", GET): Line(Rule.ROLES, _FIGURES, scope=Scope.READ),
}


def line_for(endpoint: str | None, method: str) -> Line | None:
    """The route's line; HEAD is read as GET. None: the route has no line, and is refused."""
    if endpoint is None:
        return None
    return ROUTES.get((endpoint, GET if method == "HEAD" else method))
