"""The elected committee: its members, its sessions, their agendas, attendance and votes."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.base import Base, UtcDateTime, enum_values
from service.models.dossier import Dossier
from service.models.tenancy import CentreScoped


class MemberKind(enum.StrEnum):
    ELU = "elu"
    NOMME = "nomme"

    @property
    def label(self) -> str:
        return "Élu·e" if self is MemberKind.ELU else "Membre nommé·e"


class CommitteeMember(CentreScoped, Base):
    """A board member, elected by the council or appointed by the mayor, for the length of a mandate."""

    __tablename__ = "committee_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[MemberKind] = mapped_column(
        Enum(MemberKind, name="member_kind", native_enum=False, length=10, values_callable=enum_values)
    )
    # The account a member reads their sessions' agendas with, if they have one.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), unique=True)
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    mandate_start: Mapped[date] = mapped_column(Date)
    mandate_end: Mapped[date | None] = mapped_column(Date, default=None)

    def in_office(self, on: date) -> bool:
        return self.mandate_start <= on and (self.mandate_end is None or on <= self.mandate_end)


class SessionKind(enum.StrEnum):
    CONSEIL_ADMINISTRATION = "conseil_administration"
    COMMISSION_PERMANENTE = "commission_permanente"

    @property
    def label(self) -> str:
        if self is SessionKind.CONSEIL_ADMINISTRATION:
            return "Conseil d'administration"
        return "Commission permanente"

    @property
    def named(self) -> str:
        """The instance as a sentence names it, with its article: « le conseil d'administration »."""
        if self is SessionKind.CONSEIL_ADMINISTRATION:
            return "le conseil d'administration"
        return "la commission permanente"


class SessionStatus(enum.StrEnum):
    PREPARATION = "preparation"
    CONVOQUEE = "convoquee"
    CLOSE = "close"
    SIGNEE = "signee"
    ANNULEE = "annulee"

    @property
    def label(self) -> str:
        return _SESSION_STATUS_LABELS[self]


_SESSION_STATUS_LABELS = {
    SessionStatus.PREPARATION: "Ordre du jour en préparation",
    SessionStatus.CONVOQUEE: "Membres convoqués",
    SessionStatus.CLOSE: "Séance close, relevé à signer",
    SessionStatus.SIGNEE: "Relevé de décisions signé",
    SessionStatus.ANNULEE: "Séance annulée",
}


class CommitteeSession(CentreScoped, Base):
    """One sitting of the board or its standing committee; its process drives the steps."""

    __tablename__ = "committee_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[SessionKind] = mapped_column(
        Enum(SessionKind, name="session_kind", native_enum=False, length=30, values_callable=enum_values)
    )
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime())
    place: Mapped[str] = mapped_column(String(200))
    status: Mapped[SessionStatus] = mapped_column(
        Enum(SessionStatus, name="session_status", native_enum=False, length=20, values_callable=enum_values)
    )
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), unique=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    convoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    signed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    # Who presided and who kept the minutes, as the minutes name them.
    chair_member_id: Mapped[int | None] = mapped_column(ForeignKey("committee_member.id"), default=None)
    secretary_name: Mapped[str] = mapped_column(String(200), default="")
    # A session that could not meet: postponed (the date it was first set for) or cancelled, and why.
    postponed_from: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    status_note: Mapped[str] = mapped_column(Text, default="")
    # Bumped by every change: two secretaries closing the same session at once, one wins.
    revision: Mapped[int] = mapped_column(Integer)

    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="session", order_by="AgendaItem.position", cascade="all, delete-orphan"
    )
    attendance: Mapped[list[Attendance]] = relationship(cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": revision}  # noqa: RUF012 - SQLAlchemy's declarative hook


class ItemStatus(enum.StrEnum):
    INSCRIT = "inscrit"
    RETIRE = "retire"
    REPORTE = "reporte"

    @property
    def label(self) -> str:
        return {"inscrit": "Inscrit", "retire": "Retiré", "reporte": "Reporté à une séance suivante"}[
            self.value
        ]


class ItemDecision(enum.StrEnum):
    ACCORD = "accord"
    REFUS = "refus"
    AJOURNEMENT = "ajournement"

    @property
    def label(self) -> str:
        return {"accord": "Accord", "refus": "Refus", "ajournement": "Ajournement"}[self.value]


class AgendaItem(CentreScoped, Base):
    """A dossier put to the committee, with the instructor's proposal and, once voted, the decision."""

    __tablename__ = "agenda_item"
    __table_args__ = (UniqueConstraint("session_id", "dossier_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("committee_session.id"), index=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    status: Mapped[ItemStatus] = mapped_column(
        Enum(ItemStatus, name="item_status", native_enum=False, length=20, values_callable=enum_values)
    )
    status_note: Mapped[str] = mapped_column(Text, default="")  # why withdrawn or postponed
    # The instructor's proposal, as it stood when the item was put on the agenda.
    proposal_summary: Mapped[str] = mapped_column(Text, default="")
    proposed_amount_cents: Mapped[int | None] = mapped_column(Integer, default=None)
    proposed_months: Mapped[int | None] = mapped_column(Integer, default=None)
    # The committee's decision, recorded live, sent to the dossier when the session closes.
    decision: Mapped[ItemDecision | None] = mapped_column(
        Enum(ItemDecision, name="item_decision", native_enum=False, length=20, values_callable=enum_values),
        default=None,
    )
    amount_cents: Mapped[int | None] = mapped_column(Integer, default=None)
    months: Mapped[int | None] = mapped_column(Integer, default=None)
    refusal_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    reason_text: Mapped[str] = mapped_column(
        Text, default=""
    )  # refusal: the facts; adjournment: what is asked
    votes_for: Mapped[int | None] = mapped_column(Integer, default=None)
    votes_against: Mapped[int | None] = mapped_column(Integer, default=None)
    votes_abstain: Mapped[int | None] = mapped_column(Integer, default=None)
    # Members with a personal interest in this item: they take no part in its vote.
    not_voting_member_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    deliberation_number: Mapped[str] = mapped_column(String(20), default="")

    session: Mapped[CommitteeSession] = relationship(back_populates="items")
    dossier: Mapped[Dossier] = relationship(lazy="joined", innerjoin=True)


class AttendanceStatus(enum.StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    REPRESENTE = "represente"

    @property
    def label(self) -> str:
        return {"present": "Présent·e", "absent": "Absent·e", "represente": "Représenté·e"}[self.value]


class Attendance(CentreScoped, Base):
    """Whether a member sat, and who held their proxy when they did not."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("session_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("committee_session.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("committee_member.id"))
    status: Mapped[AttendanceStatus] = mapped_column(
        Enum(
            AttendanceStatus,
            name="attendance_status",
            native_enum=False,
            length=20,
            values_callable=enum_values,
        )
    )
    proxy_member_id: Mapped[int | None] = mapped_column(ForeignKey("committee_member.id"), default=None)

    member: Mapped[CommitteeMember] = relationship(foreign_keys=[member_id], lazy="joined", innerjoin=True)
