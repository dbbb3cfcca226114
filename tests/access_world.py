"""One world for the access-policy walk: a user of each role in each relation to a dossier, built once.

Every role has two accounts: `u_<role>` holds every relation the scenarios give (a seat on the board, a
step of the followed dossier), `v_<role>` none. Four dossiers, each of its own person, stand in one relation
each to the `u_` accounts: followed (each of them completed one of its steps), on the agenda of an unsigned
session where they sit, paid (a step in the régisseur's lane), and none. Their open step is held by a
colleague, `autre`, who opened them. Every piece of a dossier carries a marker, so that a page visibly shows
a part or not.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from service import clock
from service.accounts import service as accounts
from service.api_tokens import service as api_tokens
from service.appointments import booking as appointment_booking
from service.appointments import slots as appointment_slots
from service.committee import sessions as committee
from service.config import local_zone
from service.domiciliation import counter
from service.dossiers import service as dossiers
from service.dossiers import tasks
from service.extensions import db
from service.liaisons import service as liaisons
from service.models import (
    AgendaItem,
    AidType,
    BudgetKind,
    CommitteeMember,
    Document,
    HumanTask,
    ItemStatus,
    MailStatus,
    MemberKind,
    OutboxMessage,
    Person,
    ProcessDefinition,
    ProcessInstance,
    Referral,
    Relationship,
    Role,
    SessionKind,
    User,
)
from service.orientation import directory, orienting
from service.people import importing
from service.people import service as people
from service.workshops import holding, planning, registrations, themes
from tests.conftest import PASSWORD, csrf_token, login, make_centre

SCENARIOS = ("suit", "siege", "paie", "aucune")
LAST_NAMES = {"suit": "Zorbec", "siege": "Quillard", "paie": "Vernhet", "aucune": "Brixane"}


@dataclass
class Scenario:
    """A dossier, its person and the ids a route needs, with the markers of each part."""

    name: str
    dossier_id: int = 0
    person_id: int = 0
    task_id: int = 0
    document_id: int = 0
    member_id: int = 0
    line_id: int = 0
    orientation_id: int = 0  # the person oriented to the world's partner, with consent

    @property
    def last_name(self) -> str:
        return LAST_NAMES[self.name]

    @property
    def markers(self) -> dict[str, str]:
        """What each part of the dossier or the person shows, and nothing else does."""
        return {
            "identité": self.last_name.upper(),
            "coordonnées": f"06 98 76 54 3{SCENARIOS.index(self.name)}",
            "situation": f"Situation-secrète-{self.name}",
            "décision": f"Motifs-de-décision-{self.name}",
            "paiement": f"REF-PAIEMENT-{self.name}",
            "foyer": f"Enfantmarque{self.name.capitalize()}",
            "budget": "Reste à vivre",
            "documents": "Documents émis",
            "historique": "Historique",
            "consultations": "Consultations",
        }


@dataclass
class World:
    app: Flask
    connection: object
    users: dict[str, User] = field(default_factory=dict)
    clients: dict[str, FlaskClient] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    bearers: dict[str, str] = field(default_factory=dict)  # each account's API token (read and write)
    cache: dict[str, tuple[int, ...]] = field(default_factory=dict)
    scenarios: dict[str, Scenario] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)


def build(app: Flask, connection: object) -> World:
    world = World(app, connection)
    centre = make_centre("ccas-politique", "CCAS de Politique-sur-Loire")
    autre = accounts.create_user(
        centre_code=centre.code,
        username="autre",
        full_name="Alex Autre",
        password=PASSWORD,
        roles=[role for role in Role if role is not Role.ADMIN],
        email="autre@ccas.invalid",
    )
    world.users["autre"] = autre
    for role in Role:
        for prefix in ("u", "v"):
            name = f"{prefix}_{role.value}"
            world.users[name] = accounts.create_user(
                centre_code=centre.code,
                username=name,
                full_name=f"Agent {name}",
                password=PASSWORD,
                roles=[role],
            )
    accounts.scope_session_to(autre)
    for role in Role:  # every u_ account sits on the board until the end of 2027
        db.session.add(
            CommitteeMember(
                centre_id=centre.id,
                full_name=f"Membre {role.value}",
                kind=MemberKind.ELU,
                user_id=world.users[f"u_{role.value}"].id,
                mandate_start=date(2026, 1, 1),
                mandate_end=date(2027, 12, 31),
            )
        )
    db.session.commit()
    world.ids["member"] = db.session.scalars(select(CommitteeMember.id)).first() or 0
    _sessions(world, autre)
    for name in SCENARIOS:
        world.scenarios[name] = _scenario(world, autre, name)
    _relations(world, autre)
    _workshops(world, autre)
    _domiciliation(world, autre)
    _imports(world, autre)
    _appointments(world, autre, centre.communes[0].id)
    _liaison(world, centre.communes[0].id)
    _orientations(world, autre)
    _mail(world, centre.id)
    world.ids["user"] = world.users["v_accueil"].id
    world.ids["commune"] = centre.communes[0].id
    world.ids["definition"] = db.session.scalars(select(ProcessDefinition.id)).first() or 0
    world.ids["autre"] = autre.id
    for name in world.users:  # every account has an API token, with both scopes: the policy decides alone
        token, world.bearers[name] = api_tokens.create_token_from_console(
            centre_code=centre.code, username=name, name=f"Jeton {name}", scopes=["read", "write"]
        )
        world.ids["api_token"] = token.id
    for name in world.users:
        client = app.test_client()
        assert login(client, name).status_code == 302, name
        world.clients[name] = client
        world.tokens[name] = csrf_token(client, "/tableau-de-bord")  # a browser posts with its page's token
    db.session.remove()
    return world


def _sessions(world: World, autre: User) -> None:
    day = date(2026, 11, 30)
    soon = committee.plan_session(
        actor=autre,
        kind=SessionKind.COMMISSION_PERMANENTE,
        place="Salle du conseil",
        starts_at=datetime.combine(day, time(18, 0), tzinfo=local_zone()),
    )
    far = committee.plan_session(
        actor=autre,
        kind=SessionKind.CONSEIL_ADMINISTRATION,
        place="Salle du conseil",
        starts_at=datetime.combine(date(2028, 3, 6), time(18, 0), tzinfo=local_zone()),
    )
    world.ids["session"], world.ids["far_session"] = soon.id, far.id
    document = _document(
        subject_type="seance", subject_id=soon.id, centre_id=soon.centre_id, kind="convocation"
    )
    world.ids["session_document"] = document.id


def _scenario(world: World, autre: User, name: str) -> Scenario:
    scenario = Scenario(name)
    person = people.create(
        actor=autre,
        identity=people.Identity(
            last_name=scenario.last_name,
            first_name="Camille",
            birth_date=date(1980, 5, 4),
            phone=scenario.markers["coordonnées"],
            address_line="3 rue des Essais",
        ),
        confirm_duplicate=True,
    )
    member = people.add_member(
        actor=autre,
        person_id=person.id,
        first_name=scenario.markers["foyer"],
        last_name=scenario.last_name,
        birth_date=date(2015, 6, 1),
        relationship=Relationship.ENFANT,
    )
    line = people.add_budget_line(
        actor=autre,
        person_id=person.id,
        kind=BudgetKind.RESSOURCE,
        category="rsa",
        label="",
        monthly_amount_cents=60000,
    )
    dossier = dossiers.open_request(
        actor=autre,
        person_id=person.id,
        aid_type=AidType.SECOURS_URGENCE,
        reason=scenario.markers["situation"],
    )
    task = db.session.scalars(
        select(HumanTask).where(HumanTask.dossier_id == dossier.id, HumanTask.completed_at.is_(None))
    ).one()
    tasks.claim_task(actor=autre, task_id=task.id)  # a colleague holds the open step: nobody else follows it
    dossier.situation = scenario.markers["situation"]
    dossier.decision, dossier.decision_reason = "refus", scenario.markers["décision"]
    dossier.payment_reference, dossier.amount_paid_cents = scenario.markers["paiement"], 10000
    document = _document(
        subject_type="dossier", subject_id=dossier.id, centre_id=dossier.centre_id, kind="decision"
    )
    db.session.commit()
    scenario.dossier_id, scenario.person_id, scenario.task_id = dossier.id, person.id, task.id
    scenario.document_id, scenario.member_id, scenario.line_id = document.id, member.id, line.id
    return scenario


def _document(*, subject_type: str, subject_id: int, centre_id: int, kind: str) -> Document:
    document = Document(
        centre_id=centre_id,
        kind=kind,
        number="",
        title=f"Document d'essai ({kind})",
        subject_type=subject_type,
        subject_id=subject_id,
        filename="essai.pdf",
        content=b"%PDF-1.7 essai",
        sha256="0" * 64,
        size_bytes=14,
        author_id=None,
        author_name="Essai",
        created_at=clock.now(),
        issue_params={"essai": True},
    )
    db.session.add(document)
    db.session.commit()
    return document


def _relations(world: World, autre: User) -> None:
    """Followed: every u_ account completed a step of it. Paid: a step in the régisseur's lane. Sitting: on
    the agenda of the coming session, where every u_ account sits."""
    suit, paie, siege = (world.scenarios[name] for name in ("suit", "paie", "siege"))
    for role in Role:
        _past_step(suit.dossier_id, role.value, world.users[f"u_{role.value}"])
    _past_step(paie.dossier_id, Role.REGISSEUR.value, autre)
    db.session.add(
        AgendaItem(
            centre_id=autre.centre_id,
            session_id=world.ids["session"],
            dossier_id=siege.dossier_id,
            position=1,
            status=ItemStatus.INSCRIT,
            proposal_summary=siege.markers["situation"],
            proposed_amount_cents=20000,
        )
    )
    db.session.commit()
    world.ids["item"] = db.session.scalars(select(AgendaItem.id)).one()


def _past_step(dossier_id: int, lane: str, holder: User) -> None:
    instance = db.session.scalars(
        select(ProcessInstance).where(ProcessInstance.dossier_id == dossier_id)
    ).one()
    db.session.add(
        HumanTask(
            centre_id=instance.centre_id,
            instance_id=instance.id,
            dossier_id=dossier_id,
            process_key="secours_urgence",
            task_id=str(uuid.uuid4()),
            task_name="etape_passee",
            title="Étape passée",
            role=lane,
            form_key="",
            created_at=clock.now(),
            completed_at=clock.now(),
            completed_by_id=holder.id,
        )
    )


def _workshops(world: World, autre: User) -> None:
    theme = themes.save_theme(actor=autre, name="Numérique", description="")
    plan = planning.Plan(
        theme_id=theme.id,
        starts_at=datetime.combine(date(2026, 12, 3), time(14, 0), tzinfo=local_zone()),
        duration=timedelta(hours=2),
        place="Centre communal d'action sociale, salle collective",
        facilitators="Alex Autre",
        capacity=8,
        minimum=0,
    )
    open_session = planning.plan_session(actor=autre, plan=plan)
    cancelled = planning.plan_session(actor=autre, plan=plan)
    holding.cancel(actor=autre, session_id=cancelled.id, reason="Salle indisponible")
    registration = registrations.register(
        actor=autre,
        session_id=open_session.id,
        person_id=world.scenarios["aucune"].person_id,
        referral=Referral.AGENT,
    )
    document = _document(
        subject_type="atelier", subject_id=open_session.id, centre_id=open_session.centre_id, kind="feuille"
    )
    world.ids.update(
        theme=theme.id,
        workshop=open_session.id,
        cancelled_workshop=cancelled.id,
        registration=registration.id,
        workshop_document=document.id,
    )


def _imports(world: World, autre: User) -> None:
    """A file of people whose columns wait for their mapping, and one analysed, awaiting confirmation."""
    content = b"Nom;Prenom\nKeita;Awa\n"
    waiting = importing.upload(actor=autre, filename="a-faire-correspondre.csv", content=content)
    analysed = importing.upload(actor=autre, filename="analyse.csv", content=content)
    importing.map_columns(actor=autre, import_id=analysed.id, mapping={"nom": "Nom", "prenom": "Prenom"})
    importing.run_people_imports()
    world.ids["import"], world.ids["import_analysed"] = waiting.id, analysed.id


def _appointments(world: World, autre: User, commune_id: int) -> None:
    """Two slots of the social worker `autre` in the town hall; the first booked for the `aucune` person."""
    first, _ = appointment_slots.add_series(
        actor=autre,
        series=appointment_slots.Series(
            agent_id=autre.id, day=date(2026, 12, 3), start=time(9, 0), end=time(10, 0), length_minutes=30,
            commune_id=commune_id,
        ),
    )  # fmt: skip
    appointment = appointment_booking.book(
        actor=autre, person_id=world.scenarios["aucune"].person_id, slot_id=first.id
    )
    world.ids.update(slot=first.id, appointment=appointment.id)


def _domiciliation(world: World, autre: User) -> None:
    """A person domiciled at the centre (taken over from a paper register), with a letter waiting."""
    person = people.create(actor=autre, identity=people.Identity(last_name="Domicile", first_name="Sam"))
    election = counter.take_over(
        actor=autre, person_id=person.id, link="sejour", valid_from=date(2026, 11, 2),
        last_contact_at=datetime(2026, 11, 20, 9, 0, tzinfo=local_zone()),
    )  # fmt: skip
    letter = counter.record_mail(
        actor=autre, election_id=election.id, sender_kind="caf", received_on=date(2026, 11, 20)
    )
    world.ids.update(election=election.id, domiciliation_mail=letter.id)


def _liaison(world: World, commune_id: int) -> None:
    """Both town-hall accounts work at the commune; one sent a liaison about the unrelated person."""
    admin = world.users["u_admin"]
    for name in ("u_mairie", "v_mairie"):
        liaisons.attach_to_town_hall(actor=admin, user_id=world.users[name].id, commune_id=commune_id)
    unrelated = db.session.get(Person, world.scenarios["aucune"].person_id)
    assert unrelated is not None
    liaison = liaisons.send(
        actor=world.users["u_mairie"],
        form=liaisons.LiaisonForm(
            question="Question d'essai", consent=True, phone="06 00 00 00 00", person_id=unrelated.id,
            query=f"{unrelated.last_name} {unrelated.first_name}",
        ),
    )  # fmt: skip
    world.ids["liaison"] = liaison.id


def _orientations(world: World, autre: User) -> None:
    """A partner in the directory, and the person of each scenario oriented to it, with consent."""
    partner = directory.add_partner(
        actor=autre,
        entry=directory.PartnerInput(
            name="Point conseil budget d'Essai", kind="mediation_dettes", domains=["budget"],
            phone="02 38 00 00 00", email="pcb@essai.invalid",
        ),
    )  # fmt: skip
    world.ids["partner"] = partner.id
    for scenario in world.scenarios.values():
        scenario.orientation_id = orienting.orient(
            actor=autre, person_id=scenario.person_id, partner_id=partner.id, domain="budget",
            reason="Dettes d'énergie", consent=True,
        ).id  # fmt: skip


def _mail(world: World, centre_id: int) -> None:
    message = OutboxMessage(
        centre_id=centre_id,
        kind="essai",
        recipients=["agent@ccas.invalid"],
        subject="Essai",
        body_text="Essai",
        body_html="<p>Essai</p>",
        status=MailStatus.FAILED,
        next_attempt_at=clock.now(),
        created_at=clock.now(),
        message_id="<essai@x>",
    )
    db.session.add(message)
    db.session.commit()
    world.ids["message"] = message.id
