"""Every kind of act the centre issues, read back with pdftotext, carries the mentions the law asks of it.

One table: for each kind of act, the mentions it must carry; an act that grieves (a refusal, a partial
grant, a committee's decision, a classement, the acknowledgement that starts the implicit-rejection clock)
carries the routes and deadlines of appeal besides, naming the centre's tribunal and Télérecours citoyens.
The dossiers below issue one act of every kind; each is checked against its line; every PDF is tagged, PDF/A.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from scenarios.committee import committee_decides, refus
from scenarios.secours import EVALUATION
from service.aids.aide_sociale_legale import directory
from service.aids.cheque_accompagnement import stock
from service.clock import TravellingClock
from service.documents import corrections
from service.dossiers import service as dossiers
from service.extensions import db
from service.models import AidType, AuthorityKind, ChequeNature, Document, Dossier, Role, User
from service.people import service as people
from service.scheduling.wake import wake_due_instances
from tests.aid_steps import NOTIFIED, do, open_aid, person_with_budget
from tests.pdf import pages_of_pdf, text_of_pdf, words_past_the_right_margin

APPEAL = (
    "Voies et délais de recours", "deux mois", "recours gracieux", "président", "recours contentieux",
    "Tribunal administratif de Lyon", "184 rue Duguesclin, 69003 Lyon", "Télérecours citoyens",
    "www.telerecours.fr",
)  # fmt: skip
# An explicit decision is appealed within two months of its notification (R421-1); the implicit rejection an
# acknowledgement announces, within two months of the day it arises (R421-2): it is never notified.
APPEAL_EXPLICIT = ("Si vous contestez cette décision", "à compter de sa notification", "R421-1 et R421-5")
APPEAL_IMPLICIT = (
    "Si vous contestez la décision implicite de rejet", "à compter de la date à laquelle elle sera née",
    "R421-2 et R421-5",
)  # fmt: skip

# The kind of act → the mentions it must carry (besides APPEAL for those in GRIEVING).
MENTIONS: dict[str, tuple[str, ...]] = {
    "accuse_reception": (
        "Objet : accusé de réception de votre demande de secours d'urgence",
        "a été reçue le 23 novembre 2026",
        "L112-3 et R112-5", "Service chargé de votre demande : CCAS de Test-sur-Mer",
        "Votre demande est incomplète", "Justificatif de domicile", "au plus tard le 7 janvier 2027",
        "L114-5", "réputée rejetée", "L231-4", "PIECES Ana", "Madame, Votre demande",
        "Je vous prie d'agréer, Madame, l'expression",
    ),
    "accuse_reception_complet": (
        "Objet : accusé de réception", "Madame, Monsieur, Votre demande",
        "au 23 janvier 2027, votre demande sera réputée rejetée", "L231-4",
    ),
    "accuse_reception_aide_legale": (
        "Objet : accusé de réception de votre demande d'aide sociale légale",
        "dans le délai d'un mois à compter du dépôt", "L131-1",
    ),
    "demande_pieces": (
        "Objet : pièces manquantes", "au plus tard le 7 janvier 2027", "Avis d'échéance du loyer", "L114-5",
    ),
    "classement_sans_suite": ("Objet : classement sans suite", "par notre courrier du 23 novembre 2026"),
    "decision_refus": (
        "Décision n° DEC2026_", "votre demande est refusée", "Montant demandé : 180,00 €",
        "Montant accordé : néant", "Ressources au-dessus du barème",
    ),
    "decision_accord_partiel": (
        "Décision n° DEC2026_", "Montant demandé : 180,00 €", "Montant accordé : 120,00 €",
        "inférieur au montant demandé (180,00 €)", "Une partie de la facture est déjà réglée",
    ),
    "decision_commission": (
        "de la commission permanente du", "votre demande est refusée",
        "Montant demandé : 450,00 €",
    ),
    "rectificatif": (
        "Rectificatif — annule et remplace l'acte n° DEC2026_", "du 23 novembre 2026", "motif :",
    ),
    "sortie_cheques": ("Sortis du stock le 23 novembre 2026 par", "Ce document n'est pas un reçu de remise"),
    "recu_cheques": (
        "Remis le 24 novembre 2026 par Paul Henry, régisseur", "L1611-6", "Signature de la personne",
    ),
    "bordereau_transmission": ("Bordereau de transmission", "dans le mois du dépôt", "L131-1", "L133-5"),
    "avis_transmission": ("a été transmise le 23 novembre 2026", "Conseil départemental de Test"),
    "decision_autorite": (
        "Conseil départemental de Test", "a refusé l'aide demandée", "voies et délais de recours",
    ),
}  # fmt: skip
GRIEVING = {
    "accuse_reception", "accuse_reception_complet", "classement_sans_suite", "decision_refus",
    "decision_accord_partiel", "decision_commission", "rectificatif",
}  # fmt: skip


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"PIECES_REMINDER_DELAY": "P15D", "PIECES_CLOSURE_DELAY": "P30D"}


@pytest.fixture
def agents(make_user: Callable[..., User]) -> dict[str, User]:
    return {
        "agent": make_user(
            "julien", Role.ACCUEIL, Role.INSTRUCTEUR, full_name="Julien Roy", title="Instructeur"
        ),
        "delegataire": make_user("michel", Role.DELEGATAIRE, full_name="Michel Garnier"),
        "secretariat": make_user("sophie", Role.SECRETARIAT, full_name="Sophie Bernard"),
        "responsable": make_user("claire", Role.RESPONSABLE, full_name="Claire Dumont"),
        "regisseur": make_user("paul", Role.REGISSEUR, full_name="Paul Henry"),
    }  # fmt: skip


def _papers(dossier: Dossier, kind: str) -> list[Document]:
    return list(
        db.session.scalars(
            select(Document)
            .where(
                Document.subject_type == "dossier", Document.subject_id == dossier.id, Document.kind == kind
            )
            .order_by(Document.id)
        )
    )


def _issue_every_act(agents: dict[str, User], travel: TravellingClock) -> dict[str, Document]:
    agent, delegate = agents["agent"], agents["delegataire"]
    acts: dict[str, Document] = {}

    # Filed incomplete: the acknowledgement lists what is missing; asked for, never came, classed.
    person = people.create(
        actor=agent, identity=people.Identity(last_name="Pieces", first_name="Ana", civility="madame")
    )
    classed = dossiers.open_request(
        actor=agent, person_id=person.id, aid_type=AidType.SECOURS_URGENCE, reason="Loyer",
        missing="Justificatif de domicile",
    )  # fmt: skip
    (acts["accuse_reception"],) = _papers(classed, "accuse_reception")
    do(agent, classed, "evaluer", {**EVALUATION, "pieces_manquantes": "Avis d'échéance du loyer"})
    do(agent, classed, "demander_pieces", {"moyen": "courrier", "date_demande": "2026-11-23"})
    (acts["demande_pieces"],) = _papers(classed, "demande_pieces")

    refused = open_aid(agent, person_with_budget(agent, "Refus"), AidType.SECOURS_URGENCE)
    (acts["accuse_reception_complet"],) = _papers(refused, "accuse_reception")
    do(agent, refused, "evaluer", EVALUATION)
    do(
        delegate,
        refused,
        "decider_delegation",
        {"decision": "refus", "motif": "Ressources au-dessus du barème."},
    )
    (acts["decision_refus"],) = _papers(refused, "decision")

    partial = open_aid(agent, person_with_budget(agent, "Partiel"), AidType.SECOURS_URGENCE)
    do(agent, partial, "evaluer", EVALUATION)
    do(delegate, partial, "decider_delegation", {
        "decision": "accord", "montant_accorde_cents": "120",
        "motif": "Une partie de la facture est déjà réglée.",
    })  # fmt: skip
    (acts["decision_accord_partiel"],) = _papers(partial, "decision")
    acts["rectificatif"] = corrections.correct_document(
        actor=agents["responsable"], document_id=acts["decision_accord_partiel"].id, reason="Adresse erronée."
    )

    committee = open_aid(agent, person_with_budget(agent, "Commission"), AidType.SECOURS_URGENCE)
    do(agent, committee, "evaluer", {**EVALUATION, "montant_cents": "450"})  # above the delegation ceiling

    book = stock.register_book(
        actor=agents["secretariat"], series="CAP-A", first_number=1, last_number=50, face_value_cents=2000,
        nature=ChequeNature.ALIMENTATION,
    )  # fmt: skip
    cheques = open_aid(agent, person_with_budget(agent, "Cheque"), AidType.CHEQUE_ACCOMPAGNEMENT)
    do(
        agent,
        cheques,
        "evaluer",
        {"situation": "Plus de quoi manger.", "nature": "alimentation", "montant_cents": "40"},
    )
    do(delegate, cheques, "decider_delegation", {"decision": "accord", "montant_accorde_cents": "40"})
    do(agent, cheques, "notifier", NOTIFIED)
    do(agents["secretariat"], cheques, "delivrer_cheques", {"carnet": str(book.id), "nombre": "2"})
    (acts["sortie_cheques"],) = _papers(cheques, "sortie_cheques")

    authority = directory.add_authority(
        actor=agents["secretariat"], name="Conseil départemental de Test",
        kind=AuthorityKind.CONSEIL_DEPARTEMENTAL,
        address="1 place de la République\n99000 Test-sur-Mer", email="aide.sociale@departement.invalid",
    )  # fmt: skip
    legal = open_aid(agent, person_with_budget(agent, "Legale"), AidType.AIDE_SOCIALE_LEGALE, "APA")
    (acts["accuse_reception_aide_legale"],) = _papers(legal, "accuse_reception")
    do(agent, legal, "enregistrer_depot", {"date_depot": "2026-11-23", "type_aide_legale": "apa_domicile"})
    do(agent, legal, "constituer_dossier", {"pieces_jointes": "Formulaire de demande"})
    do(
        agents["responsable"],
        legal,
        "donner_avis",
        {"avis": "favorable", "motifs_avis": "Autonomie réduite."},
    )
    do(
        agents["secretariat"],
        legal,
        "transmettre",
        {"autorite": str(authority.id), "mode_transmission": "courrier"},
    )
    (acts["bordereau_transmission"],) = _papers(legal, "bordereau_transmission")
    (acts["avis_transmission"],) = _papers(legal, "avis_transmission")

    travel.advance(timedelta(days=1))
    do(agents["regisseur"], cheques, "remettre_cheques", {"recu_signe": "on"})
    (acts["recu_cheques"],) = _papers(cheques, "recu_cheques")
    do(agents["secretariat"], legal, "enregistrer_decision_autorite",
       {"decision_autorite": "refus", "date_decision": people.today().isoformat()})  # fmt: skip
    do(agent, legal, "informer_personne", NOTIFIED)
    (acts["decision_autorite"],) = _papers(legal, "decision_autorite")

    travel.advance(timedelta(days=15))
    wake_due_instances()
    do(agent, classed, "relancer_pieces", {"moyen": "telephone", "date_relance": "2026-12-09"})
    travel.advance(timedelta(days=31))
    wake_due_instances()
    (acts["classement_sans_suite"],) = _papers(classed, "classement_sans_suite")
    # Last: the committee sits on its day, a week on, which moves the clock.
    committee_decides(agents["secretariat"], {committee: refus(3)})
    (acts["decision_commission"],) = _papers(committee, "decision")
    return acts


def test_every_kind_of_act_carries_the_mentions_it_must(
    agents: dict[str, User], travel: TravellingClock
) -> None:
    acts = _issue_every_act(agents, travel)
    assert set(acts) == set(MENTIONS)  # every line of the table is read back
    missing: dict[str, list[str]] = {}
    for kind, document in acts.items():
        text = text_of_pdf(document.content)
        implicit = kind.startswith("accuse_reception")
        expected = MENTIONS[kind] + (
            APPEAL + (APPEAL_IMPLICIT if implicit else APPEAL_EXPLICIT) if kind in GRIEVING else ()
        )
        absent = [mention for mention in expected if mention not in text]
        assert words_past_the_right_margin(document.content) == [], kind  # nothing printed off the page
        if "Je vous prie d'agréer" in text:  # the signature never stands on a page of its own, detachable
            assert "Je vous prie d'agréer" in pages_of_pdf(document.content)[-1], kind
        if absent:
            missing[kind] = absent
        if kind not in GRIEVING:
            assert "Télérecours" not in text or kind == "decision_autorite", kind
        info = subprocess.run(["pdfinfo", "-"], input=document.content, capture_output=True, check=True)
        assert "Tagged:          yes" in info.stdout.decode(), f"{kind} n'est pas un PDF balisé"
        meta = subprocess.run(
            ["pdfinfo", "-meta", "-"], input=document.content, capture_output=True, check=True
        )
        assert b"pdfaid:part" in meta.stdout, f"{kind} n'est pas un PDF/A"
    assert missing == {}
