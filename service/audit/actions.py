"""Every action the audit log records, each with the French words the pages show for it."""

from __future__ import annotations

import enum


class AuditAction(enum.StrEnum):
    """What happened. The value is what the log stores; `label` is what a person reads."""

    CONNEXION = "connexion"
    CONNEXION_REFUSEE = "connexion.refusée"
    DECONNEXION = "déconnexion"
    MOT_DE_PASSE_CHANGEMENT = "mot_de_passe.changement"
    UTILISATEUR_CREATION = "utilisateur.création"
    UTILISATEUR_DESACTIVATION = "utilisateur.désactivation"
    UTILISATEUR_REACTIVATION = "utilisateur.réactivation"
    CENTRE_CREATION = "centre.création"
    CENTRE_IDENTITE = "centre.identité"
    COMMUNE_AJOUT = "commune.ajout"
    QUARTIER_AJOUT = "quartier.ajout"
    STATISTIQUES_EXPORT = "statistiques.export"
    STATISTIQUES_RAPPORT = "statistiques.rapport"
    PERSONNE_CREATION = "personne.création"
    PERSONNE_CONSULTATION = "personne.consultation"
    PERSONNE_RECHERCHE = "personne.recherche"
    PERSONNE_EXPORT = "personne.export"
    PERSONNE_PSEUDONYMISATION = "personne.pseudonymisation"
    PERSONNES_IMPORT_FICHIER = "personnes.import_fichier"
    PERSONNES_IMPORT_ANALYSE = "personnes.import_analyse"
    PERSONNES_IMPORT = "personnes.import"
    FOYER_AJOUT = "foyer.ajout"
    FOYER_RETRAIT = "foyer.retrait"
    BUDGET_AJOUT = "budget.ajout"
    BUDGET_RETRAIT = "budget.retrait"
    DROITS_ESTIMATION = "droits.estimation"
    DROITS_SUIVI = "droits.suivi"
    DOSSIER_OUVERTURE = "dossier.ouverture"
    DOSSIER_CONSULTATION = "dossier.consultation"
    TACHE_PRISE = "tâche.prise"
    TACHE_RENDUE = "tâche.rendue"
    TACHE_REATTRIBUEE = "tâche.réattribuée"
    TACHE_TERMINEE = "tâche.terminée"
    DOCUMENT_EMISSION = "document.émission"
    DOCUMENT_TELECHARGEMENT = "document.téléchargement"
    DOCUMENT_TELECHARGEMENT_REFUSE = "document.téléchargement_refusé"
    DOCUMENT_RECTIFICATIF = "document.rectificatif"
    DOCUMENT_DESTRUCTION = "document.destruction"
    CONSERVATION = "conservation.passage"
    COLIS_RETRAIT_ANTICIPE = "colis.retrait_anticipé"
    CHEQUES_ENTREE_STOCK = "chèques.entrée_stock"
    AUTORITE_AJOUT = "autorité.ajout"
    PARTENAIRE_AJOUT = "partenaire.ajout"
    PARTENAIRE_MODIFICATION = "partenaire.modification"
    ORIENTATION = "orientation.création"
    ORIENTATION_ENVOI = "orientation.envoi"
    ORIENTATION_SUITE = "orientation.suite"
    PROCESSUS_DEPLOIEMENT = "processus.déploiement"
    BAREME_DEPLOIEMENT = "barème.déploiement"
    COMMISSION_MEMBRE = "commission.membre"
    COMMISSION_SEANCE_PREVUE = "commission.séance_prévue"
    COMMISSION_ORDRE_DU_JOUR = "commission.ordre_du_jour"
    COMMISSION_POINT_RETIRE = "commission.point_retiré"
    COMMISSION_POINT_REPORTE = "commission.point_reporté"
    COMMISSION_ORDRE_DU_JOUR_ARRETE = "commission.ordre_du_jour_arrêté"
    COMMISSION_CONVOCATION = "commission.convocation"
    COMMISSION_CONSULTATION = "commission.consultation"
    COMMISSION_PRESENCES = "commission.présences"
    COMMISSION_VOTE = "commission.vote"
    COMMISSION_DECISION = "commission.décision"
    COMMISSION_CLOTURE = "commission.clôture"
    COMMISSION_COURRIERS_RELANCES = "commission.courriers_relancés"
    COMMISSION_RELEVE_SIGNE = "commission.relevé_signé"
    COMMISSION_SEANCE_REPORTEE = "commission.séance_reportée"
    COMMISSION_SEANCE_ANNULEE = "commission.séance_annulée"
    DELEGATION_DELIBERATION = "délégation.délibération"
    DELEGATION_SIGNATURE = "délégation.signature"
    ATELIER_THEME = "atelier.thème"
    ATELIER_SEANCE_PLANIFIEE = "atelier.séance_planifiée"
    ATELIER_INSCRIPTION = "atelier.inscription"
    ATELIER_DESINSCRIPTION = "atelier.désinscription"
    ATELIER_PROMOTION = "atelier.promotion"
    ATELIER_CONTROLE_MINIMUM = "atelier.contrôle_minimum"
    ATELIER_MAINTIEN = "atelier.maintien"
    DOMICILIATION_COURRIER = "domiciliation.courrier"
    DOMICILIATION_REMISE = "domiciliation.remise"
    DOMICILIATION_PASSAGE = "domiciliation.passage"
    DOMICILIATION_FIN = "domiciliation.fin"
    ATELIER_ANNULATION_DECIDEE = "atelier.annulation_décidée"
    ATELIER_ANNULATION = "atelier.annulation"
    ATELIER_RAPPELS = "atelier.rappels"
    ATELIER_PRESENCES = "atelier.présences"
    ATELIER_EVALUATION = "atelier.évaluation"
    RDV_CRENEAUX = "rendez_vous.créneaux"
    RDV_PRISE = "rendez_vous.prise"
    RDV_SUITE = "rendez_vous.suite"
    API_JETON_CREATION = "api.jeton_création"
    API_JETON_REVOCATION = "api.jeton_révocation"
    API_APPEL = "api.appel"
    LIAISON_ENVOI = "liaison.envoi"
    LIAISON_CONSULTATION = "liaison.consultation"
    LIAISON_ISSUE = "liaison.issue"
    LIAISON_RETARD = "liaison.retard"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS: dict[AuditAction, str] = {
    AuditAction.CONNEXION: "Connexion",
    AuditAction.CONNEXION_REFUSEE: "Connexion refusée",
    AuditAction.DECONNEXION: "Déconnexion",
    AuditAction.MOT_DE_PASSE_CHANGEMENT: "Changement de mot de passe",
    AuditAction.UTILISATEUR_CREATION: "Création d'un compte",
    AuditAction.UTILISATEUR_DESACTIVATION: "Fermeture d'un compte",
    AuditAction.UTILISATEUR_REACTIVATION: "Réouverture d'un compte",
    AuditAction.CENTRE_CREATION: "Création du centre",
    AuditAction.CENTRE_IDENTITE: "Identité du centre (en-tête, signataire, tribunal) modifiée",
    AuditAction.COMMUNE_AJOUT: "Ajout d'une commune desservie",
    AuditAction.QUARTIER_AJOUT: "Ajout d'un quartier",
    AuditAction.STATISTIQUES_EXPORT: "Export des statistiques",
    AuditAction.STATISTIQUES_RAPPORT: "Rapport d'activité annuel émis",
    AuditAction.PERSONNE_CREATION: "Enregistrement d'une personne",
    AuditAction.PERSONNE_CONSULTATION: "Consultation de la fiche de la personne",
    AuditAction.PERSONNE_RECHERCHE: "Affichage dans une recherche de personnes",
    AuditAction.PERSONNE_EXPORT: "Export de tout ce qui est détenu sur la personne",
    AuditAction.PERSONNE_PSEUDONYMISATION: "Identité et coordonnées remplacées par un pseudonyme",
    AuditAction.PERSONNES_IMPORT_FICHIER: "Fichier de personnes déposé pour import",
    AuditAction.PERSONNES_IMPORT_ANALYSE: "Fichier de personnes analysé (aperçu de l'import)",
    AuditAction.PERSONNES_IMPORT: "Import de personnes et de foyers",
    AuditAction.FOYER_AJOUT: "Ajout d'un membre du foyer",
    AuditAction.FOYER_RETRAIT: "Retrait d'un membre du foyer",
    AuditAction.BUDGET_AJOUT: "Ajout d'une ligne de budget",
    AuditAction.BUDGET_RETRAIT: "Retrait d'une ligne de budget",
    AuditAction.DROITS_ESTIMATION: "Estimation des droits potentiels demandée",
    AuditAction.DROITS_SUIVI: "Suite donnée à un droit potentiel",
    AuditAction.DOSSIER_OUVERTURE: "Ouverture du dossier",
    AuditAction.DOSSIER_CONSULTATION: "Consultation du dossier",
    AuditAction.TACHE_PRISE: "Tâche prise en charge",
    AuditAction.TACHE_RENDUE: "Tâche rendue à l'équipe",
    AuditAction.TACHE_REATTRIBUEE: "Tâche réattribuée",
    AuditAction.TACHE_TERMINEE: "Étape réalisée",
    AuditAction.DOCUMENT_EMISSION: "Émission d'un document",
    AuditAction.DOCUMENT_TELECHARGEMENT: "Téléchargement d'un document",
    AuditAction.DOCUMENT_TELECHARGEMENT_REFUSE: "Téléchargement d'un document refusé",
    AuditAction.DOCUMENT_RECTIFICATIF: "Rectificatif d'un document émis",
    AuditAction.DOCUMENT_DESTRUCTION: "Destruction d'un document après sa durée d'archivage",
    AuditAction.CONSERVATION: "Passage des durées de conservation",
    AuditAction.COLIS_RETRAIT_ANTICIPE: "Colis remis avant sa date prévue",
    AuditAction.CHEQUES_ENTREE_STOCK: "Entrée de chèques en stock",
    AuditAction.AUTORITE_AJOUT: "Ajout d'une autorité compétente",
    AuditAction.PARTENAIRE_AJOUT: "Ajout d'un partenaire à l'annuaire",
    AuditAction.PARTENAIRE_MODIFICATION: "Modification d'un partenaire de l'annuaire",
    AuditAction.ORIENTATION: "Orientation d'une personne vers un partenaire",
    AuditAction.ORIENTATION_ENVOI: "Fiche de liaison envoyée au partenaire",
    AuditAction.ORIENTATION_SUITE: "Suite d'une orientation enregistrée",
    AuditAction.PROCESSUS_DEPLOIEMENT: "Déploiement d'un processus",
    AuditAction.BAREME_DEPLOIEMENT: "Déploiement d'un barème",
    AuditAction.COMMISSION_MEMBRE: "Enregistrement d'un membre de la commission",
    AuditAction.COMMISSION_SEANCE_PREVUE: "Séance de la commission prévue",
    AuditAction.COMMISSION_ORDRE_DU_JOUR: "Dossiers inscrits à l'ordre du jour",
    AuditAction.COMMISSION_POINT_RETIRE: "Point retiré de l'ordre du jour",
    AuditAction.COMMISSION_POINT_REPORTE: "Point reporté à une prochaine séance",
    AuditAction.COMMISSION_ORDRE_DU_JOUR_ARRETE: "Ordre du jour arrêté",
    AuditAction.COMMISSION_CONVOCATION: "Convocation des membres",
    AuditAction.COMMISSION_CONSULTATION: "Consultation de la séance",
    AuditAction.COMMISSION_PRESENCES: "Présences de la séance",
    AuditAction.COMMISSION_VOTE: "Vote de la commission",
    AuditAction.COMMISSION_DECISION: "Décision de la commission",
    AuditAction.COMMISSION_CLOTURE: "Clôture de la séance",
    AuditAction.COMMISSION_COURRIERS_RELANCES: "Impression des courriers relancée",
    AuditAction.COMMISSION_RELEVE_SIGNE: "Relevé de décisions signé",
    AuditAction.COMMISSION_SEANCE_REPORTEE: "Séance de la commission reportée",
    AuditAction.COMMISSION_SEANCE_ANNULEE: "Séance de la commission annulée",
    AuditAction.DELEGATION_DELIBERATION: "Délibération de délégation enregistrée",
    AuditAction.DELEGATION_SIGNATURE: "Délégation de signature enregistrée",
    AuditAction.ATELIER_THEME: "Thème d'atelier enregistré",
    AuditAction.ATELIER_SEANCE_PLANIFIEE: "Séance d'atelier planifiée",
    AuditAction.ATELIER_INSCRIPTION: "Inscription à un atelier",
    AuditAction.ATELIER_DESINSCRIPTION: "Désinscription d'un atelier",
    AuditAction.ATELIER_PROMOTION: "Place libérée donnée à la liste d'attente",
    AuditAction.ATELIER_CONTROLE_MINIMUM: "Contrôle du nombre minimum d'inscrits",
    AuditAction.ATELIER_MAINTIEN: "Séance d'atelier maintenue",
    AuditAction.ATELIER_ANNULATION_DECIDEE: "Annulation d'une séance d'atelier décidée",
    AuditAction.ATELIER_ANNULATION: "Séance d'atelier annulée",
    AuditAction.ATELIER_RAPPELS: "Rappels de la séance d'atelier",
    AuditAction.ATELIER_PRESENCES: "Présences à l'atelier",
    AuditAction.ATELIER_EVALUATION: "Évaluation de l'atelier",
    AuditAction.RDV_CRENEAUX: "Créneaux de rendez-vous ouverts",
    AuditAction.RDV_PRISE: "Rendez-vous pris",
    AuditAction.RDV_SUITE: "Suite d'un rendez-vous (honoré, non honoré, annulé)",
    AuditAction.API_JETON_CREATION: "Création d'un jeton d'API",
    AuditAction.API_JETON_REVOCATION: "Révocation d'un jeton d'API",
    AuditAction.API_APPEL: "Appel de l'API",
    AuditAction.DOMICILIATION_COURRIER: "Courrier reçu pour une personne domiciliée",
    AuditAction.DOMICILIATION_REMISE: "Courrier remis contre signature",
    AuditAction.DOMICILIATION_PASSAGE: "Passage d'une personne domiciliée",
    AuditAction.DOMICILIATION_FIN: "Fin d'une élection de domicile",
    AuditAction.LIAISON_ENVOI: "Envoi d'une fiche de liaison par une mairie",
    AuditAction.LIAISON_CONSULTATION: "Consultation d'une fiche de liaison",
    AuditAction.LIAISON_ISSUE: "Suite donnée à une fiche de liaison",
    AuditAction.LIAISON_RETARD: "Fiche de liaison non évaluée dans le délai : responsable prévenu·e",
}


# Reads, not changes: what a person's page lists as its consultations, what a dossier's history leaves out.
READS = frozenset(
    {
        AuditAction.PERSONNE_CONSULTATION,
        AuditAction.PERSONNE_RECHERCHE,
        AuditAction.PERSONNE_EXPORT,
        AuditAction.DOSSIER_CONSULTATION,
        AuditAction.DOCUMENT_TELECHARGEMENT,
        AuditAction.DOCUMENT_TELECHARGEMENT_REFUSE,
        AuditAction.COMMISSION_CONSULTATION,
        AuditAction.LIAISON_CONSULTATION,
    }
)
