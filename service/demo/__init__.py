"""Demo data for the embedded default: a centre, one user per role, households, cheque stock, authorities,
the committee's members and its next session."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from service import aids, clock, deployment
from service.accounts import service as accounts
from service.aids.aide_sociale_legale import directory
from service.aids.cheque_accompagnement import stock
from service.appointments import booking as appointment_booking
from service.appointments import slots as appointment_slots
from service.committee import members, sessions
from service.config import current_settings, local_zone, workshop_places
from service.delegations import acts
from service.demo import history
from service.domiciliation import counter as domiciliation
from service.dossiers import service as dossiers
from service.liaisons import service as liaisons
from service.models import (
    AidType,
    AuthorityKind,
    BudgetKind,
    CentreKind,
    ChequeNature,
    DelegateeCapacity,
    Frequency,
    MemberKind,
    PartnerKind,
    Referral,
    Relationship,
    Role,
    SessionKind,
    User,
)
from service.organisation import service as organisation
from service.orientation import directory as partners
from service.people import service as people
from service.workshops import planning, registrations, themes

DEMO_CENTRE_CODE = "cias-val-d-aubin"
DEMO_PASSWORD = "demo-entraide-2026"  # noqa: S105 - published in the README, demo only
DEMO_USERS: tuple[tuple[str, str, str, Role], ...] = (
    ("accueil", "Nadia Benali", "Chargée d'accueil", Role.ACCUEIL),
    ("instructeur", "Julien Marchand", "Conseiller en économie sociale et familiale", Role.INSTRUCTEUR),
    ("secretariat", "Sophie Lambert", "Secrétaire administrative", Role.SECRETARIAT),
    ("responsable", "Claire Dumont", "Directrice du CIAS", Role.RESPONSABLE),
    ("delegataire", "Michel Garnier", "Vice-président du CIAS", Role.DELEGATAIRE),
    ("elu", "Aïcha Diallo", "Membre du conseil d'administration", Role.ELU),
    ("regisseur", "Paul Henry", "Régisseur d'avances", Role.REGISSEUR),
    ("admin", "Léa Fontaine", "Administratrice fonctionnelle", Role.ADMIN),
    ("mairie", "Sylvie Perrin", "Agente d'accueil, mairie de Villiers-sur-Loire", Role.MAIRIE),
)


def seed_if_empty(*, with_history: bool = True) -> bool:
    """Create the demo centre and users when the installation has no centre; tell whether it did.

    `with_history`: also a year of past requests across the communes (the figures page reads them).
    """
    # A refused workflows folder must not stop `make run` here: it is reported, the deployed versions serve.
    deployment.deploy_at_start(source="démonstration")
    if organisation.count_centres():
        return False
    organisation.create_centre(
        code=DEMO_CENTRE_CODE,
        name="CIAS du Val d'Aubin",
        kind=CentreKind.CIAS,
        communes={
            ("45999", "Saint-Aubin-sur-Loire"): ["Centre-ville", "Les Grillons", "La Gare", "Le Bourg"],
            ("45998", "Villiers-sur-Loire"): ["Le Port", "Les Près"],
            ("45997", "Les Aubiers"): [],
            ("45996", "Chaumont-le-Petit"): [],
        },
        letterhead={
            "address_line": "2 place de la Mairie",
            "postal_code": "45999",
            "city": "Saint-Aubin-sur-Loire",
            "phone": "02 38 00 00 00",
            "email": "cias@val-d-aubin.example",
            "president_name": "Marie Lefèvre",
            "president_title": "Maire de Saint-Aubin-sur-Loire, présidente du CIAS",
            "tribunal_name": "Tribunal administratif d'Orléans",
            "tribunal_address": "28 rue de la Bretonnerie, 45057 Orléans Cedex 1",
        },
    )
    users = {}
    for username, full_name, title, role in DEMO_USERS:
        users[username] = accounts.create_user(
            centre_code=DEMO_CENTRE_CODE,
            username=username,
            full_name=full_name,
            title=title,
            email=f"{username}@saint-aubin.example",
            password=DEMO_PASSWORD,
            roles=[role],
        )
    _seed_people(users["accueil"])
    _seed_cheque_stock(users["secretariat"])
    _seed_authorities(users["secretariat"])
    _seed_committee(users)
    _seed_delegations(users)
    _seed_workshops(users["instructeur"])
    _seed_appointments(users["instructeur"])
    _seed_domiciliation(users["accueil"])
    _seed_liaisons(users["admin"], users["mairie"])
    _seed_partners(users["responsable"])
    if with_history:
        history.seed(users)
    return True


def _seed_committee(users: dict[str, User]) -> None:
    """Five members in office since the 2026 elections, two with an account; a session in two weeks."""
    secretariat = users["secretariat"]
    for full_name, kind, account in (
        ("Michel Garnier", MemberKind.ELU, users["delegataire"]),
        ("Aïcha Diallo", MemberKind.ELU, users["elu"]),
        ("Jean-Pierre Moreau", MemberKind.ELU, None),
        ("Hélène Rousseau", MemberKind.NOMME, None),
        ("Karim Haddad", MemberKind.NOMME, None),
    ):
        email = account.email if account else f"{full_name.split()[0].lower()}@conseil.saint-aubin.example"
        members.save_member(
            actor=secretariat,
            form=members.MemberForm(
                full_name=full_name, kind=kind, email=email, phone="", mandate_start=date(2026, 3, 23),
                mandate_end=None, user_id=account.id if account else None,
            ),
        )  # fmt: skip
    day = clock.now().astimezone(local_zone()).date() + timedelta(days=14)
    sessions.plan_session(
        actor=secretariat, kind=SessionKind.COMMISSION_PERMANENTE,
        starts_at=datetime.combine(day, time(18, 0), tzinfo=local_zone()), place="Salle du conseil, mairie",
    )  # fmt: skip


def _seed_delegations(users: dict[str, User]) -> None:
    """The board delegated to its vice-president the decision of urgent relief (up to the former setting's
    ceiling), cheques, food parcels and loan amendments; he delegated his signature for food parcels to the
    director."""
    secretariat, vice_president = users["secretariat"], users["delegataire"]
    ceilings: dict[str, int | None] = {
        AidType.SECOURS_URGENCE.value: aids.get(AidType.SECOURS_URGENCE.value).number(
            "SECOURS_DELEGATION_CEILING_CENTS"
        ),
        AidType.CHEQUE_ACCOMPAGNEMENT.value: aids.get(AidType.CHEQUE_ACCOMPAGNEMENT.value).number(
            "CHEQUES_DELEGATION_CEILING_CENTS"
        ),
        AidType.COLIS_ALIMENTAIRE.value: None,
        AidType.PRET_SANS_INTERET.value: None,
    }
    adopted = (clock.now() - timedelta(days=400)).date()  # before the year of history the demo makes
    acts.record_deliberation(
        actor=secretariat,
        act=acts.Deliberation(
            number=f"DEL{adopted.year}_018", adopted_on=adopted, in_force_from=adopted,
            holder_id=vice_president.id, capacity=DelegateeCapacity.VICE_PRESIDENT, ceilings_cents=ceilings,
            covers_amendments=True,
        ),
        known_aids=[aid.key for aid in aids.delegable_aids()],
    )  # fmt: skip
    acts.record_signature_delegation(
        actor=secretariat,
        act=acts.Signature(
            number="ARR2026_012", signed_on=date(2026, 4, 2), delegator_id=vice_president.id,
            holder_id=users["responsable"].id, aids=[AidType.COLIS_ALIMENTAIRE.value],
            valid_from=date(2026, 4, 2), valid_until=None,
        ),
    )  # fmt: skip


def _seed_authorities(secretariat: User) -> None:
    """The authorities legal-aid files are forwarded to."""
    for name, kind, address in (
        ("Conseil départemental du Loiret — Direction de l'autonomie", AuthorityKind.CONSEIL_DEPARTEMENTAL,
         "45 rue de la Bretonnerie, 45000 Orléans"),
        ("CPAM du Loiret", AuthorityKind.CPAM, "Place du Général de Gaulle, 45000 Orléans"),
        ("Préfecture du Loiret — DDETS", AuthorityKind.PREFET, "181 rue de Bourgogne, 45000 Orléans"),
    ):  # fmt: skip
        directory.add_authority(actor=secretariat, name=name, kind=kind, address=address)


def _seed_cheque_stock(secretariat: User) -> None:
    """Two cheque books in stock, so that a support-cheque dossier can be followed to the hand-over."""
    accounts.scope_session_to(secretariat)
    for series, nature, face_value_cents, first in (
        ("CAP-ALIM-2026", ChequeNature.ALIMENTATION, 1000, 1001),
        ("CAP-HYG-2026", ChequeNature.HYGIENE, 500, 5001),
    ):
        stock.register_book(
            actor=secretariat, series=series, first_number=first, last_number=first + 99,
            face_value_cents=face_value_cents, nature=nature,
        )  # fmt: skip


def _seed_workshops(instructeur: User) -> None:
    """Four themes; a weekly digital-skills series from next week, with two people registered in its first
    session; a budget workshop in ten days still below its minimum."""
    accounts.scope_session_to(instructeur)
    topics = {
        name: themes.save_theme(actor=instructeur, name=name, description=description)
        for name, description in (
            ("Éco-gestes", "Réduire ses factures d'eau et d'énergie au quotidien."),
            ("Budget", "Tenir son budget, anticiper les dépenses, connaître ses droits."),
            ("Numérique", "Démarches en ligne : messagerie, espace CAF, impots.gouv."),
            ("Santé", "Accès aux soins, complémentaire santé solidaire, prévention."),
        )
    }
    today = clock.now().astimezone(local_zone()).date()
    place = workshop_places(current_settings())
    series = planning.plan_series(
        actor=instructeur,
        plan=planning.Plan(
            theme_id=topics["Numérique"].id,
            starts_at=datetime.combine(today + timedelta(days=7), time(14, 0), tzinfo=local_zone()),
            duration=timedelta(hours=2),
            place=place[0],
            facilitators="Julien Marchand, avec l'association Relais Numérique",
            capacity=8,
            minimum=2,
        ),
        frequency=Frequency.HEBDOMADAIRE,
        count=4,
    )
    for name in ("Martin Fatou", "Lefèvre Élodie"):
        person = people.search(actor=instructeur, query=name)[0]
        registrations.register(
            actor=instructeur, session_id=series[0].id, person_id=person.id, referral=Referral.AGENT
        )
    planning.plan_session(
        actor=instructeur,
        plan=planning.Plan(
            theme_id=topics["Budget"].id,
            starts_at=datetime.combine(today + timedelta(days=10), time(9, 30), tzinfo=local_zone()),
            duration=timedelta(hours=2, minutes=30),
            place=place[-1],
            facilitators="Julien Marchand, conseiller en économie sociale et familiale",
            capacity=10,
            minimum=4,
        ),
    )


def _seed_appointments(instructeur: User) -> None:
    """The social worker's mornings in the Villiers-sur-Loire town hall in two days and in nine, and an
    afternoon at the centre; Fatou Martin has an appointment in the town hall."""
    accounts.scope_session_to(instructeur)
    today = clock.now().astimezone(local_zone()).date()
    villiers = next(c for c in people.communes(actor=instructeur) if c.name == "Villiers-sur-Loire")
    opened = []
    for days, commune_id, start, end in (
        (2, villiers.id, time(9, 0), time(12, 0)),
        (9, villiers.id, time(9, 0), time(12, 0)),
        (3, None, time(14, 0), time(16, 0)),
    ):
        opened += appointment_slots.add_series(
            actor=instructeur,
            series=appointment_slots.Series(
                agent_id=instructeur.id, day=today + timedelta(days=days), start=start, end=end,
                length_minutes=45, commune_id=commune_id,
            ),
        )  # fmt: skip
    martin = people.search(actor=instructeur, query="Martin Fatou")[0]
    appointment_booking.book(
        actor=instructeur, person_id=martin.id, slot_id=opened[0].id, subject="Premier rendez-vous en mairie"
    )


def _seed_people(accueil: User) -> None:
    """Two households, one of them with an urgent-relief request waiting for its evaluation."""
    accounts.scope_session_to(accueil)
    grillons = next(q for q in people.quartiers(actor=accueil) if q.name == "Les Grillons")
    martin = people.create(
        actor=accueil,
        identity=people.Identity(
            last_name="Martin", first_name="Fatou", birth_date=date(1987, 3, 14),
            address_line="12 rue des Lilas", postal_code="45999", city="Saint-Aubin-sur-Loire",
            quartier_id=grillons.id, housing="locataire_social",
        ),
    )  # fmt: skip
    people.add_member(
        actor=accueil, person_id=martin.id, first_name="Inès", last_name="Martin",
        birth_date=date(2016, 9, 1), relationship=Relationship.ENFANT,
    )  # fmt: skip
    for kind, category, amount_cents in (
        (BudgetKind.RESSOURCE, "rsa", 60700),
        (BudgetKind.RESSOURCE, "prestations_familiales", 14800),
        (BudgetKind.CHARGE, "loyer", 48000),
        (BudgetKind.CHARGE, "energie", 9500),
    ):
        people.add_budget_line(
            actor=accueil, person_id=martin.id, kind=kind, category=category, label="",
            monthly_amount_cents=amount_cents,
        )  # fmt: skip
    dossiers.open_request(
        actor=accueil,
        person_id=martin.id,
        aid_type=AidType.SECOURS_URGENCE,
        reason="Facture d'électricité impayée, coupure annoncée pour la fin du mois.",
    )
    people.create(
        actor=accueil,
        identity=people.Identity(last_name="Lefèvre", first_name="Élodie", birth_date=date(1961, 11, 2)),
    )


# A dozen people domiciled at the centre, taken over from its paper register: (name, first name, link,
# days since the election began, since their last contact, letters waiting (days since each came)).
_DOMICILED: tuple[tuple[str, str, str, int, int, tuple[int, ...]], ...] = (
    ("Bakari", "Moussa", "sejour", 340, 12, (3,)),  # the renewal task opens at the first wake
    ("Costa", "Ana", "activite_professionnelle", 345, 30, ()),  # near renewal too
    ("Dubois", "Kévin", "suivi_social", 300, 85, (20, 9)),  # about to lapse, a letter flagged
    ("Ferreira", "Luis", "liens_familiaux", 250, 20, (1,)),
    ("Girard", "Sandrine", "sejour", 200, 5, ()),
    ("Haddad", "Samir", "scolarite", 180, 40, (17,)),
    ("Ivanova", "Olga", "suivi_social", 150, 2, ()),
    ("Jacob", "Thierry", "sejour", 120, 60, (4, 2)),
    ("Kone", "Awa", "liens_familiaux", 90, 14, ()),
    ("Leroy", "Patrick", "activite_professionnelle", 60, 7, (6,)),
    ("Moreau", "Julie", "sejour", 30, 30, ()),
    ("Nguyen", "Minh", "suivi_social", 10, 10, (1,)),
)


def _seed_domiciliation(accueil: User) -> None:
    """The people domiciled: some near renewal, one about to lapse, letters waiting at the counter."""
    accounts.scope_session_to(accueil)
    now = clock.now()
    today = now.astimezone(local_zone()).date()
    for last_name, first_name, link, since_days, contact_days, letters in _DOMICILED:
        person = people.create(
            actor=accueil, identity=people.Identity(last_name=last_name, first_name=first_name),
            confirm_duplicate=True,
        )  # fmt: skip
        election = domiciliation.take_over(
            actor=accueil, person_id=person.id, link=link, valid_from=today - timedelta(days=since_days),
            last_contact_at=now - timedelta(days=contact_days),
        )  # fmt: skip
        for days in letters:
            domiciliation.record_mail(
                actor=accueil, election_id=election.id, sender_kind="caf" if days % 2 else "cpam",
                received_on=today - timedelta(days=days),
            )  # fmt: skip


def _seed_liaisons(admin: User, agent: User) -> None:
    """The town-hall agent of Villiers-sur-Loire (quartier du Port) sent two liaisons this morning: one for a
    person the centre knows, urgent; one for a person it does not know yet."""
    accounts.scope_session_to(admin)
    villiers = next(
        commune for commune in organisation.list_communes() if commune.name == "Villiers-sur-Loire"
    )
    port = next(quartier for quartier in villiers.quartiers if quartier.name == "Le Port")
    liaisons.attach_to_town_hall(actor=admin, user_id=agent.id, commune_id=villiers.id, quartier_id=port.id)
    accounts.scope_session_to(agent)
    [elodie] = liaisons.find_people(actor=agent, query="Lefèvre Élodie")
    liaisons.send(
        actor=agent,
        form=liaisons.LiaisonForm(
            person_id=elodie.id, query="Lefèvre Élodie", phone="06 11 22 33 44", urgent=True, consent=True,
            question="Sa pension de réversion n'est pas arrivée ce mois-ci : elle ne peut payer le loyer.",
        ),
    )  # fmt: skip
    liaisons.send(
        actor=agent,
        form=liaisons.LiaisonForm(
            last_name="Rocher", first_name="Damien", birth_year=1979, phone="07 55 44 33 22", consent=True,
            question="Demande un rendez-vous avec une assistante sociale : séparation récente, 3 enfants.",
        ),
    )  # fmt: skip


# The partners of the Val d'Aubin (fictional): name, kind, domains, address, phone, e-mail, opening hours.
_PARTNERS: tuple[tuple[str, PartnerKind, tuple[str, ...], str, str, str, str], ...] = (
    (
        "Espace départemental des solidarités de Saint-Aubin",
        PartnerKind.CMS_EDS,
        ("famille", "logement", "budget", "sante"),
        "8 avenue des Tilleuls\n45999 Saint-Aubin-sur-Loire",
        "02 38 10 20 30",
        "eds.saint-aubin@departement.example",
        "Lundi au vendredi, 9 h – 12 h et 13 h 30 – 17 h",
    ),
    (
        "Centre médico-social des Grillons (PMI)",
        PartnerKind.CMS_EDS,
        ("sante", "famille"),
        "3 rue des Grillons\n45999 Saint-Aubin-sur-Loire",
        "02 38 10 20 40",
        "",
        "Consultations PMI le mardi et le jeudi matin",
    ),
    (
        "CAF du Loiret — accueil de Saint-Aubin",
        PartnerKind.CAF,
        ("acces_droits", "logement", "famille"),
        "14 rue de la Gare\n45999 Saint-Aubin-sur-Loire",
        "32 30",
        "partenaires.saint-aubin@caf.example",
        "Sur rendez-vous, lundi au jeudi",
    ),
    (
        "CPAM du Loiret — point d'accueil de Villiers",
        PartnerKind.CPAM,
        ("sante", "acces_droits"),
        "Mairie annexe, 1 quai du Port\n45998 Villiers-sur-Loire",
        "36 46",
        "accueil.villiers@cpam.example",
        "Mercredi, 9 h – 12 h",
    ),
    (
        "France Services du Val d'Aubin",
        PartnerKind.FRANCE_SERVICES,
        ("acces_droits", "numerique", "emploi"),
        "2 place de la Mairie\n45999 Saint-Aubin-sur-Loire",
        "02 38 00 00 10",
        "franceservices@val-d-aubin.example",
        "Lundi au samedi matin",
    ),
    (
        "Épicerie solidaire La Passerelle",
        PartnerKind.AIDE_ALIMENTAIRE,
        ("alimentation", "budget"),
        "27 rue du Bourg\n45999 Saint-Aubin-sur-Loire",
        "02 38 44 55 66",
        "passerelle@asso.example",
        "Mardi et vendredi, 14 h – 18 h",
    ),
    (
        "Restos du Cœur — centre des Aubiers",
        PartnerKind.AIDE_ALIMENTAIRE,
        ("alimentation",),
        "Salle des fêtes\n45997 Les Aubiers",
        "",
        "",
        "Jeudi, 9 h – 11 h 30 (campagne d'hiver)",
    ),
    (
        "Point conseil budget — Crésus Val de Loire",
        PartnerKind.MEDIATION_DETTES,
        ("budget", "energie"),
        "5 rue Jeanne d'Arc\n45000 Orléans",
        "02 38 77 88 99",
        "pcb@cresus.example",
        "Sur rendez-vous",
    ),
    (
        "Point-justice du Val d'Aubin (CDAD)",
        PartnerKind.CONSEIL_JURIDIQUE,
        ("juridique", "logement"),
        "Maison de la justice, 9 rue du Palais\n45999 Saint-Aubin-sur-Loire",
        "02 38 55 66 77",
        "",
        "Permanences d'avocats le premier lundi du mois",
    ),
)


def _seed_partners(responsable: User) -> None:
    """The directory of partners the centre orients people to."""
    accounts.scope_session_to(responsable)
    for name, kind, domains, address, phone, email, hours in _PARTNERS:
        partners.add_partner(
            actor=responsable,
            entry=partners.PartnerInput(
                name=name,
                kind=kind.value,
                domains=domains,
                address=address,
                phone=phone,
                email=email,
                hours=hours,
            ),
        )
