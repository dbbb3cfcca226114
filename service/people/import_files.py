"""Read an export (CSV or XLSX) into a header and rows of text cells, refusing in French what is not one.

CSV is read by Python's csv: UTF-8 (with or without its BOM) or Windows-1252, separated by « ; » or « , »
(or a tab). XLSX is read by openpyxl, its first sheet only, formulas kept as written (so that the analysis
refuses them rather than importing what a formula computed). Whatever the file holds (binary junk, a zip
bomb, a huge cell, a wrong encoding), the answer is a FileRefusedError, never a crash.
"""

from __future__ import annotations

import csv
import io
import logging
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from service.errors import InvalidInputError

log = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024  # a 20,000-row export is about 2 MB
MAX_ROWS = 20_000
MAX_COLUMNS = 60
MAX_CELL = 1000  # characters kept of a cell: longer ones are refused by the analysis, not stored whole
MAX_UNZIPPED = 100 * 1024 * 1024  # an XLSX file opened: beyond this, a zip bomb rather than a sheet

_SEPARATORS = ";,\t"


class FileRefusedError(InvalidInputError):
    def __init__(self, message: str) -> None:
        super().__init__(message, field="fichier")


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]


def read(filename: str, content: bytes) -> Table:
    """The file's header line and rows; a FileRefusedError saying why when it cannot be read."""
    if not content:
        raise FileRefusedError("Le fichier est vide.")
    if len(content) > MAX_BYTES:
        raise FileRefusedError(
            f"Le fichier dépasse {MAX_BYTES // (1024 * 1024)} Mo : découpez l'export en plusieurs fichiers."
        )
    name = filename.lower()
    if name.endswith(".xls"):
        raise FileRefusedError(
            "Le format .xls (Excel 97-2003) n'est pas lu : enregistrez le fichier au format .xlsx ou .csv."
        )
    if name.endswith(".xlsx"):
        table = _xlsx(content)
    elif name.endswith((".csv", ".txt")):
        table = _csv(content)
    else:
        raise FileRefusedError("Choisissez un fichier .csv ou .xlsx.")
    return _checked(table)


def _checked(table: Table) -> Table:
    headers = [header.strip() for header in table.headers]
    while headers and not headers[-1]:
        headers.pop()
    if not any(headers):
        raise FileRefusedError("La première ligne du fichier doit nommer les colonnes : elle est vide.")
    if len(headers) > MAX_COLUMNS:
        raise FileRefusedError(
            f"Le fichier a plus de {MAX_COLUMNS} colonnes : ce n'est pas un export de personnes."
        )
    named = [header or f"Colonne {index + 1}" for index, header in enumerate(headers)]
    if len(set(named)) != len(named):
        twice = sorted({header for header in named if named.count(header) > 1})
        raise FileRefusedError(f"Deux colonnes portent le même nom ({', '.join(twice)}) : renommez-en une.")
    rows = [_fitted(row, len(named)) for row in table.rows]
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise FileRefusedError("Le fichier ne contient aucune ligne sous la ligne des noms de colonnes.")
    if len(rows) > MAX_ROWS:
        raise FileRefusedError(
            f"Le fichier dépasse {MAX_ROWS} lignes : découpez l'export en plusieurs fichiers."
        )
    return Table(named, rows)


def _fitted(row: list[str], width: int) -> list[str]:
    cells = [cell[: MAX_CELL + 1] for cell in row[:width]]
    return cells + [""] * (width - len(cells))


def _decoded(content: bytes) -> str:
    if b"\x00" in content[:65536]:
        raise FileRefusedError(
            "Ce fichier n'est pas un texte CSV (il contient des octets nuls) : exportez-le en CSV ou en XLSX."
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRefusedError(
        "L'encodage du fichier n'est pas reconnu : enregistrez-le en CSV UTF-8 ou en CSV Windows "
        "(point-virgule)."
    )


def _csv(content: bytes) -> Table:
    text = _decoded(content)
    first_line = text.split("\n", 1)[0]
    separator = max(_SEPARATORS, key=first_line.count)
    if not first_line.count(separator):
        separator = ";"
    try:
        lines = list(_limited(csv.reader(io.StringIO(text, newline=""), delimiter=separator)))
    except csv.Error as error:
        raise FileRefusedError(
            f"Le fichier CSV est mal formé ({error}) : vérifiez les guillemets."
        ) from error
    if not lines:
        raise FileRefusedError("Le fichier est vide.")
    return Table(lines[0], lines[1:])


def _limited(reader: object) -> list[list[str]]:
    rows: list[list[str]] = []
    for row in reader:  # type: ignore[attr-defined]
        rows.append(row)
        if len(rows) > MAX_ROWS + 1:
            raise FileRefusedError(
                f"Le fichier dépasse {MAX_ROWS} lignes : découpez l'export en plusieurs fichiers."
            )
    return rows


def _xlsx(content: bytes) -> Table:
    if not content.startswith(b"PK"):
        raise FileRefusedError(
            "Ce fichier n'est pas un classeur .xlsx lisible : enregistrez-le à nouveau en .xlsx."
        )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
                raise FileRefusedError(
                    "Ce classeur décompressé est démesuré : ce n'est pas un export de personnes."
                )
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except FileRefusedError:
        raise
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as error:
        log.info("classeur illisible : %r", error)
        raise FileRefusedError(
            "Ce fichier n'est pas un classeur .xlsx lisible : enregistrez-le à nouveau en .xlsx."
        ) from error
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise FileRefusedError("Le classeur ne contient aucune feuille.")
        rows: list[list[str]] = []
        for values in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1):
            rows.append([_cell_text(value) for value in values])
            if len(rows) > MAX_ROWS + 1:
                raise FileRefusedError(
                    f"Le fichier dépasse {MAX_ROWS} lignes : découpez l'export en plusieurs fichiers."
                )
    except FileRefusedError:
        raise
    except Exception as error:  # openpyxl reports a damaged sheet in many ways: all are the same answer
        log.info("feuille illisible : %r", error)
        raise FileRefusedError(
            "La première feuille du classeur n'a pas pu être lue : enregistrez-le à nouveau."
        ) from error
    finally:
        workbook.close()
    if not rows:
        raise FileRefusedError("Le classeur est vide.")
    return Table(rows[0], rows[1:])


def _cell_text(value: object) -> str:
    """A cell as the agent would read it: dates as JJ/MM/AAAA, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y") if value.time() == time() else value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
