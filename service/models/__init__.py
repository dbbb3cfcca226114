"""SQLAlchemy models, one module per aggregate; importing this package registers them all."""

from service.models.account import LoginAttempt, Role, User, UserRole
from service.models.api_token import ApiToken
from service.models.appointment import Appointment, AppointmentSlot, AppointmentStatus
from service.models.audit import AuditEvent, AuditLogAppendOnlyError
from service.models.base import Base, UtcDateTime
from service.models.cheques import ChequeBook, ChequeNature, IssuedCheque
from service.models.committee import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    CommitteeMember,
    CommitteeSession,
    ItemDecision,
    ItemStatus,
    MemberKind,
    SessionKind,
    SessionStatus,
)
from service.models.delegations import BoardDelegation, DelegateeCapacity, SignatureDelegation
from service.models.document import Counter, Document, DocumentIsARecordError
from service.models.domiciliation import (
    CommuneLink,
    Domiciliation,
    DomiciliationMail,
    EndReason,
    RefusalReason,
    SenderKind,
)
from service.models.dossier import AidType, Dossier, DossierStatus
from service.models.incidents import EvaluationIncident, WorkflowRefusal
from service.models.legal_aid import Authority, AuthorityKind, LegalAidRequest
from service.models.letter_batch import BatchStatus, LetterBatch, PendingLetter
from service.models.liaison import Liaison, LiaisonOutcome, TownHallPost
from service.models.loans import Loan, LoanInstallment, LoanRepayment, LoanSchedule
from service.models.organisation import Centre, CentreKind, Commune, Quartier
from service.models.orientation import Orientation, OrientationOutcome, Partner, PartnerKind
from service.models.outbox import MailStatus, OutboxMessage
from service.models.parcels import Parcel, ParcelStatus
from service.models.people import BudgetKind, BudgetLine, HouseholdMember, Person, Relationship
from service.models.people_import import ImportMapping, ImportStatus, PeopleImport
from service.models.rights import EstimateStatus, FollowUpStatus, Housing, RightFollowUp, RightsEstimate
from service.models.tenancy import CentreScoped
from service.models.workflow import HumanTask, InstanceStatus, ProcessDefinition, ProcessInstance
from service.models.workshop import (
    Frequency,
    Referral,
    RegistrationStatus,
    WorkshopRegistration,
    WorkshopSeries,
    WorkshopSession,
    WorkshopStatus,
    WorkshopTheme,
)

__all__ = [
    "AgendaItem",
    "AidType",
    "ApiToken",
    "Appointment",
    "AppointmentSlot",
    "AppointmentStatus",
    "Attendance",
    "AttendanceStatus",
    "AuditEvent",
    "AuditLogAppendOnlyError",
    "Authority",
    "AuthorityKind",
    "Base",
    "BatchStatus",
    "BoardDelegation",
    "BudgetKind",
    "BudgetLine",
    "Centre",
    "CentreKind",
    "CentreScoped",
    "ChequeBook",
    "ChequeNature",
    "CommitteeMember",
    "CommitteeSession",
    "Commune",
    "CommuneLink",
    "Counter",
    "DelegateeCapacity",
    "Document",
    "DocumentIsARecordError",
    "Domiciliation",
    "DomiciliationMail",
    "Dossier",
    "DossierStatus",
    "EndReason",
    "EstimateStatus",
    "EvaluationIncident",
    "FollowUpStatus",
    "Frequency",
    "HouseholdMember",
    "Housing",
    "HumanTask",
    "ImportMapping",
    "ImportStatus",
    "InstanceStatus",
    "IssuedCheque",
    "ItemDecision",
    "ItemStatus",
    "LegalAidRequest",
    "LetterBatch",
    "Liaison",
    "LiaisonOutcome",
    "Loan",
    "LoanInstallment",
    "LoanRepayment",
    "LoanSchedule",
    "LoginAttempt",
    "MailStatus",
    "MemberKind",
    "Orientation",
    "OrientationOutcome",
    "OutboxMessage",
    "Parcel",
    "ParcelStatus",
    "Partner",
    "PartnerKind",
    "PendingLetter",
    "PeopleImport",
    "Person",
    "ProcessDefinition",
    "ProcessInstance",
    "Quartier",
    "Referral",
    "RefusalReason",
    "RegistrationStatus",
    "Relationship",
    "RightFollowUp",
    "RightsEstimate",
    "Role",
    "SenderKind",
    "SessionKind",
    "SessionStatus",
    "SignatureDelegation",
    "TownHallPost",
    "User",
    "UserRole",
    "UtcDateTime",
    "WorkflowRefusal",
    "WorkshopRegistration",
    "WorkshopSeries",
    "WorkshopSession",
    "WorkshopStatus",
    "WorkshopTheme",
]
