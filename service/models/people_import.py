"""People and households imported from another software's export (CSV or XLSX): the file's rows, the
columns' mapping, the preview the analysis made, and the progress of the background work."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, UtcDateTime, enum_values
from service.models.tenancy import CentreScoped


class ImportStatus(enum.StrEnum):
    CORRESPONDANCE = "correspondance"  # uploaded: its columns wait for their mapping
    ANALYSE_EN_ATTENTE = "analyse_en_attente"
    ANALYSE_EN_COURS = "analyse_en_cours"
    APERCU = "apercu"  # analysed: its preview (refusals, duplicates) waits for a decision
    IMPORT_EN_ATTENTE = "import_en_attente"
    IMPORT_EN_COURS = "import_en_cours"
    TERMINE = "termine"
    ECHEC = "echec"

    @property
    def label(self) -> str:
        return {
            "correspondance": "Colonnes à faire correspondre",
            "analyse_en_attente": "Analyse en attente",
            "analyse_en_cours": "Analyse en cours",
            "apercu": "Aperçu prêt",
            "import_en_attente": "Import en attente",
            "import_en_cours": "Import en cours",
            "termine": "Import terminé",
            "echec": "Échec",
        }[self.value]

    @property
    def working(self) -> bool:
        """The background job has work to do on it: its page refreshes itself."""
        return self in _WORKING


_WORKING = frozenset(
    {
        ImportStatus.ANALYSE_EN_ATTENTE,
        ImportStatus.ANALYSE_EN_COURS,
        ImportStatus.IMPORT_EN_ATTENTE,
        ImportStatus.IMPORT_EN_COURS,
    }
)


class PeopleImport(CentreScoped, Base):
    """One file imported: its rows (text cells, as read), then its analysis, then what was written."""

    __tablename__ = "people_import"
    __table_args__ = (Index("ix_people_import_status", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(200))
    status: Mapped[ImportStatus] = mapped_column(
        Enum(ImportStatus, name="import_status", native_enum=False, length=30, values_callable=enum_values)
    )
    headers: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The rows under the header, each a list of text cells; emptied once the import is written.
    rows: Mapped[list[list[str]]] = mapped_column(JSON, default=list, deferred=True)
    # Field of the person (service.people.importing.FIELDS) → column header, as chosen for this file.
    mapping: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    include_duplicates: Mapped[bool] = mapped_column(default=False)
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    # The analysis: [line, column, reason] per refusal; the duplicates found, per line.
    refusals: Mapped[list[list[Any]]] = mapped_column(JSON, default=list, deferred=True)
    duplicates: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, deferred=True)
    refused_count: Mapped[int] = mapped_column(Integer, default=0)
    duplicate_count: Mapped[int] = mapped_column(Integer, default=0)
    people_created: Mapped[int] = mapped_column(Integer, default=0)
    members_created: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # Moved as the work goes: a job "en cours" that has not moved for long lost its worker.
    progress_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)


class ImportMapping(CentreScoped, Base):
    """The centre's last mapping of columns, offered again for its next file."""

    __tablename__ = "import_mapping"
    __table_args__ = (
        UniqueConstraint(
            "centre_id",
            name="uq_import_mapping_centre_id",
            info={
                "conflict": True,
                "message": "La correspondance des colonnes vient d'être enregistrée par "
                "un·e collègue : rechargez la page.",
            },
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Field of the person → column header.
    columns: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
