"""The people a centre serves (usagers), their household and their monthly budget."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.base import Base, UtcDateTime, enum_values
from service.models.tenancy import CentreScoped


class Relationship(enum.StrEnum):
    CONJOINT = "conjoint"
    ENFANT = "enfant"
    PARENT = "parent"
    AUTRE = "autre"

    @property
    def label(self) -> str:
        return {"conjoint": "Conjoint·e", "enfant": "Enfant", "parent": "Parent", "autre": "Autre"}[
            self.value
        ]


# The housing situations the figures count (INSEE's categories, simplified as centres use them).
HOUSING_LABELS: dict[str, str] = {
    "locataire_social": "Locataire du parc social",
    "locataire_prive": "Locataire du parc privé",
    "proprietaire": "Propriétaire",
    "heberge": "Hébergé·e par un tiers",
    "structure": "Hébergement d'urgence ou structure",
    "sans_domicile": "Sans domicile stable",
}


class BudgetKind(enum.StrEnum):
    RESSOURCE = "ressource"
    CHARGE = "charge"


class Person(CentreScoped, Base):
    """A person the centre receives: identity, contact and address."""

    __tablename__ = "person"
    __table_args__ = (
        # The search ranks by trigram similarity within the centre (pg_trgm with btree_gist, migration 0015);
        # a plain index on SQLite, where the ranking is done in Python over the centre's candidates.
        Index(
            "ix_person_search_trigram",
            "centre_id",
            "search_key",
            postgresql_using="gist",
            postgresql_ops={"search_key": "gist_trgm_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100))
    # "madame", "monsieur", or "" when not known: how letters address the person.
    civility: Mapped[str] = mapped_column(String(10), default="")
    # Lower-case, accent-free "last first", for duplicate-proof search.
    search_key: Mapped[str] = mapped_column(String(210), index=True)
    birth_date: Mapped[date | None] = mapped_column(Date, default=None)
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    address_line: Mapped[str] = mapped_column(String(200), default="")
    postal_code: Mapped[str] = mapped_column(String(10), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    quartier_id: Mapped[int | None] = mapped_column(ForeignKey("quartier.id"))
    # The commune served by the centre where the person lives (the quartier's, when one is given).
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("commune.id"), default=None)
    housing: Mapped[str] = mapped_column(String(30), default="")  # a key of HOUSING_LABELS
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # Who registered the person: they follow the file until a dossier gives others a reason to.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), default=None)
    # The last change to the file (identity, household, budget): one of the contacts retention counts from.
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    # Set when retention replaced identity and contact by a pseudonym: the file only feeds the figures.
    pseudonymised_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)

    members: Mapped[list[HouseholdMember]] = relationship(
        back_populates="person", order_by="HouseholdMember.id", cascade="all, delete-orphan"
    )
    budget_lines: Mapped[list[BudgetLine]] = relationship(
        back_populates="person", order_by="BudgetLine.id", cascade="all, delete-orphan"
    )

    @property
    def display_name(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}"


class HouseholdMember(CentreScoped, Base):
    """Another member of the applicant's household."""

    __tablename__ = "household_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[date] = mapped_column(Date)
    relationship_kind: Mapped[Relationship] = mapped_column(
        Enum(
            Relationship, name="relationship_kind", native_enum=False, length=20, values_callable=enum_values
        )
    )

    person: Mapped[Person] = relationship(back_populates="members")


class BudgetLine(CentreScoped, Base):
    """A monthly resource or charge of the household, in cents."""

    __tablename__ = "budget_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    kind: Mapped[BudgetKind] = mapped_column(
        Enum(BudgetKind, name="budget_kind", native_enum=False, length=20, values_callable=enum_values)
    )
    category: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(Text, default="")
    monthly_amount_cents: Mapped[int] = mapped_column(Integer)

    person: Mapped[Person] = relationship(back_populates="budget_lines")
