"""The declared access policy: for each role and each relation to a dossier or a person, what may be read and
done (need to know, professional secrecy L133-5 CASF).

A user's grant on a dossier is the union, over the roles they hold and the relations they have with that
dossier, of the cells of DOSSIER_POLICY; on a person's file, the same with PERSON_POLICY. A cell left out
grants nothing: the IT administrator reads no social file. The use cases ask these tables (service.access),
the README prints them (render_markdown) and tests/test_access_policy.py walks every route against them.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from service.models import Role


class Part(enum.StrEnum):
    """What a page may show of a dossier or of a person."""

    IDENTITE = "identité"
    COORDONNEES = "coordonnées"
    SITUATION = "situation"
    BUDGET = "budget"
    FOYER = "foyer"
    DECISION = "décision"
    PAIEMENT = "paiement"
    DOCUMENTS = "documents"
    HISTORIQUE = "historique"
    CONSULTATIONS = "consultations"

    @property
    def label(self) -> str:
        return _PART_LABELS[self][0]

    @property
    def description(self) -> str:
        return _PART_LABELS[self][1]


_PART_LABELS = {
    Part.IDENTITE: ("Identité", "nom, prénom, date de naissance"),
    Part.COORDONNEES: ("Coordonnées", "adresse, téléphone, courriel"),
    Part.SITUATION: ("Situation", "objet de la demande, évaluation de l'instructeur·rice, proposition"),
    Part.BUDGET: ("Budget", "ressources, charges, reste à vivre, barème"),
    Part.FOYER: ("Foyer", "membres du foyer"),
    Part.DECISION: ("Décision", "montant demandé, décision, montant accordé, motifs"),
    Part.PAIEMENT: (
        "Paiement",
        "montant accordé et versé, référence, chèques, colis, prêt et remboursements",
    ),
    Part.DOCUMENTS: ("Documents", "documents émis et leur téléchargement"),
    Part.HISTORIQUE: ("Historique", "les actions sur le dossier, qui et quand"),
    Part.CONSULTATIONS: ("Consultations", "qui a lu la fiche et les dossiers de la personne, et quand"),
}


class Action(enum.StrEnum):
    """What a user may do on a dossier or a person's file, beyond reading it."""

    TRAITER = "traiter"
    RECTIFIER = "rectifier"
    OUVRIR = "ouvrir"
    MODIFIER_FOYER = "modifier_foyer"
    MODIFIER_BUDGET = "modifier_budget"
    EXPORTER = "exporter"

    @property
    def label(self) -> str:
        return _ACTION_LABELS[self]


_ACTION_LABELS = {
    Action.TRAITER: "réaliser ses étapes (dans les couloirs de ses rôles)",
    Action.RECTIFIER: "rectifier une lettre de décision",
    Action.OUVRIR: "ouvrir une demande",
    Action.MODIFIER_FOYER: "modifier le foyer",
    Action.MODIFIER_BUDGET: "modifier le budget",
    Action.EXPORTER: "exporter tout ce qui est détenu sur la personne",
}


class Relation(enum.StrEnum):
    """How a user stands towards a dossier, or towards a person."""

    SUIT = "suit"
    DIRIGE = "dirige"
    SIEGE = "siège"
    PAIE = "paie"
    AUCUNE = "aucune"

    @property
    def label(self) -> str:
        return _RELATION_LABELS[self][0]

    @property
    def description(self) -> str:
        return _RELATION_LABELS[self][1]


_RELATION_LABELS = {
    Relation.SUIT: (
        "suit le dossier",
        "l'a ouvert, en est l'instructeur·rice, tient ou a tenu une de ses tâches, ou une de ses tâches "
        "attend dans le couloir d'un de ses rôles ; pour une personne : suit un de ses dossiers, ou l'a "
        "enregistrée",
    ),
    Relation.DIRIGE: (
        "dirige le service",
        "rôle responsable : tous les dossiers et toutes les personnes du centre",
    ),
    Relation.SIEGE: (
        "siège à sa séance",
        "membre en fonction d'une séance dont l'ordre du jour porte le dossier, ou secrétariat qui la "
        "prépare, de la préparation jusqu'à la signature du relevé de décisions",
    ),
    Relation.PAIE: (
        "paie",
        "régisseur d'un dossier dont une étape de versement ou de remise est dans son couloir",
    ),
    Relation.AUCUNE: (
        "aucun lien",
        "pour une personne seulement : la rechercher, l'enregistrer, ouvrir une demande",
    ),
}

DOSSIER_RELATIONS = (Relation.SUIT, Relation.DIRIGE, Relation.SIEGE, Relation.PAIE)
PERSON_RELATIONS = (Relation.SUIT, Relation.DIRIGE, Relation.AUCUNE)
PERSON_PARTS = frozenset({Part.IDENTITE, Part.COORDONNEES, Part.BUDGET, Part.FOYER, Part.CONSULTATIONS})
PERSON_ACTIONS = frozenset({Action.OUVRIR, Action.MODIFIER_FOYER, Action.MODIFIER_BUDGET, Action.EXPORTER})


@dataclass(frozen=True)
class Grant:
    """What one cell of the policy allows: parts to read, actions to do."""

    read: frozenset[Part] = frozenset()
    do: frozenset[Action] = frozenset()

    def __or__(self, other: Grant) -> Grant:
        return Grant(self.read | other.read, self.do | other.do)

    def __bool__(self) -> bool:
        return bool(self.read or self.do)

    def reads(self, part: Part) -> bool:
        return part in self.read

    def may(self, action: Action) -> bool:
        return action in self.do

    @property
    def ordered(self) -> list[Part]:
        """The parts read, in the order of the policy."""
        return [part for part in Part if part in self.read]


NOTHING = Grant()


def _grant(read: Iterable[Part], do: Iterable[Action] = ()) -> Grant:
    return Grant(frozenset(read), frozenset(do))


P = Part
_SOCIAL_FILE = (P.IDENTITE, P.COORDONNEES, P.SITUATION, P.BUDGET, P.FOYER, P.DECISION, P.PAIEMENT,
                P.DOCUMENTS, P.HISTORIQUE)  # fmt: skip
# An elected member sees an item as the agenda presents it: the name, the instructor's proposal, the amount.
_AGENDA = (P.IDENTITE, P.SITUATION, P.DECISION)
# What a payment needs: who is paid, how much, with which reference.
_PAYMENT = (P.IDENTITE, P.PAIEMENT)

DOSSIER_POLICY: Mapping[Role, Mapping[Relation, Grant]] = {
    # Those who follow a dossier read its whole social file (domain: need to know).
    Role.ACCUEIL: {Relation.SUIT: _grant(_SOCIAL_FILE, [Action.TRAITER])},
    Role.INSTRUCTEUR: {Relation.SUIT: _grant(_SOCIAL_FILE, [Action.TRAITER])},
    # The secretariat prints, sends and forwards: the person, the decision and its execution, the letters;
    # for a session it prepares, the items as the agenda presents them and the session's letters.
    Role.SECRETARIAT: {
        Relation.SUIT: _grant(
            (P.IDENTITE, P.COORDONNEES, P.DECISION, P.PAIEMENT, P.DOCUMENTS, P.HISTORIQUE),
            [Action.TRAITER, Action.RECTIFIER],
        ),
        Relation.SIEGE: _grant((*_AGENDA, P.COORDONNEES, P.DOCUMENTS), [Action.RECTIFIER]),
    },
    Role.RESPONSABLE: {
        relation: _grant(_SOCIAL_FILE, [Action.TRAITER, Action.RECTIFIER])
        for relation in (Relation.SUIT, Relation.DIRIGE, Relation.SIEGE)
    },
    # The delegate decides from the situation, the budget and the household; no need of the address.
    Role.DELEGATAIRE: {
        Relation.SUIT: _grant(
            (P.IDENTITE, P.SITUATION, P.BUDGET, P.FOYER, P.DECISION, P.DOCUMENTS, P.HISTORIQUE),
            [Action.TRAITER],
        ),
        Relation.SIEGE: _grant(_AGENDA),
    },
    Role.ELU: {Relation.SIEGE: _grant(_AGENDA)},
    # The treasury pays: the same whether it holds the payment step or a colleague does.
    Role.REGISSEUR: {
        Relation.SUIT: _grant(_PAYMENT, [Action.TRAITER]),
        Relation.PAIE: _grant(_PAYMENT, [Action.TRAITER]),
    },
    Role.ADMIN: {},
    # The town-hall agent sends a liaison and sees what became of it: never a social file.
    Role.MAIRIE: {},
}

_PERSON_FILE = (P.IDENTITE, P.COORDONNEES, P.BUDGET, P.FOYER)
_KEEPS_THE_FILE = (Action.OUVRIR, Action.MODIFIER_FOYER, Action.MODIFIER_BUDGET)
# Whoever receives people finds them, registers them and opens their requests: identity and contact only.
_RECEPTION = _grant((P.IDENTITE, P.COORDONNEES), [Action.OUVRIR])

PERSON_POLICY: Mapping[Role, Mapping[Relation, Grant]] = {
    Role.ACCUEIL: {Relation.SUIT: _grant(_PERSON_FILE, _KEEPS_THE_FILE), Relation.AUCUNE: _RECEPTION},
    Role.INSTRUCTEUR: {Relation.SUIT: _grant(_PERSON_FILE, _KEEPS_THE_FILE), Relation.AUCUNE: _RECEPTION},
    Role.SECRETARIAT: {Relation.SUIT: _grant((P.IDENTITE, P.COORDONNEES))},
    Role.RESPONSABLE: {
        relation: _grant((*_PERSON_FILE, P.CONSULTATIONS), (*_KEEPS_THE_FILE, Action.EXPORTER))
        for relation in PERSON_RELATIONS
    },
    Role.DELEGATAIRE: {Relation.SUIT: _grant((P.IDENTITE, P.BUDGET, P.FOYER))},
    Role.ELU: {},
    Role.REGISSEUR: {},
    Role.ADMIN: {},
    Role.MAIRIE: {},
}


def dossier_grant(roles: Iterable[Role], relations: Iterable[Relation]) -> Grant:
    """What the holder of these roles, with these relations to a dossier, may read and do there."""
    return _dossier_grant(frozenset(roles), frozenset(relations))


@functools.cache
def _dossier_grant(roles: frozenset[Role], relations: frozenset[Relation]) -> Grant:
    # Computed once per combination: a list asks it for each of its rows.
    return _union(DOSSIER_POLICY, roles, relations)


def person_grant(roles: Iterable[Role], relations: Iterable[Relation]) -> Grant:
    """What the holder of these roles, with these relations to a person, may read and do on their file."""
    return _union(PERSON_POLICY, roles, relations)


def _union(
    table: Mapping[Role, Mapping[Relation, Grant]], roles: Iterable[Role], relations: Iterable[Relation]
) -> Grant:
    grant = NOTHING
    wanted = tuple(relations)
    for role in roles:
        for relation in wanted:
            grant = grant | table[role].get(relation, NOTHING)
    return grant
