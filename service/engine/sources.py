"""Reading the files of a workflows folder or an upload: size, encoding, folders that look like files.

A file is read as UTF-8, unless its XML declaration names another encoding, which is then honoured; the
text kept declares UTF-8 from then on, so that the stored source and its declaration agree.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from service.engine.problems import Problem

PATTERNS = ("*.bpmn", "*.dmn", "forms/*.json")
DEFAULT_MAX_BYTES = 1024 * 1024
_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")
_TEXT_DECLARATION = re.compile(r"^(\s*<\?xml[^>]*?\bencoding\s*=\s*[\"'])([A-Za-z0-9._:-]+)([\"'])")


class SourceError(ValueError):
    """A file that cannot be read as a source; the message is French."""


def read_folder(folder: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[dict[str, str], list[Problem]]:
    """The sources of a folder {relative name: text}, and the problems of the files that are refused."""
    label = folder.name or str(folder)
    if not folder.is_dir():
        return {}, [Problem(label, "", "ce dossier n'existe pas")]
    sources: dict[str, str] = {}
    problems: list[Problem] = []
    for pattern in PATTERNS:
        for path in sorted(folder.glob(pattern)):
            name = path.relative_to(folder).as_posix()
            if path.is_dir():
                refusal = "c'est un dossier, pas un fichier : renommez-le ou retirez-le"
                problems.append(Problem(name, "", refusal))
                continue
            try:
                sources[name] = decode(name, _read(path, max_bytes), max_bytes=max_bytes)
            except SourceError as exc:
                problems.append(Problem(name, "", str(exc)))
    if not any(name.endswith(".bpmn") for name in sources) and not problems:
        empty = "le dossier ne contient aucun diagramme (*.bpmn) : rien à déployer"
        problems.append(Problem(label, "", empty))
    return sources, problems


def _read(path: Path, max_bytes: int) -> bytes:
    try:
        with path.open("rb") as file:
            data = file.read(max_bytes + 1)  # never more than the limit, whatever the file's size
    except OSError as exc:
        raise SourceError(f"fichier illisible ({exc.strerror or 'erreur de lecture'})") from None
    return data


def decode(name: str, data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The text of a file: UTF-8, or the encoding its XML declaration names; SourceError otherwise."""
    if len(data) > max_bytes:
        raise SourceError(
            f"fichier trop volumineux : plus de {max_bytes // 1024} Kio (réglage WORKFLOW_FILE_MAX_KIB)"
        )
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return _declare_utf8(_decoded(data, encoding, declared=True))
    data = data.removeprefix(codecs.BOM_UTF8)
    declared = _DECLARATION.match(data) if not name.endswith(".json") else None
    if declared is None:
        return _decoded(data, "utf-8", declared=False)
    encoding = declared.group(1).decode("ascii")
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise SourceError(f"encodage inconnu dans la déclaration XML : « {encoding} »") from None
    return _declare_utf8(_decoded(data, encoding, declared=True))


def _decoded(data: bytes, encoding: str, *, declared: bool) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        if declared:
            raise SourceError(
                f"ce n'est pas un texte {encoding} valide, comme le dit sa déclaration XML "
                f"(octet invalide à la position {exc.start})"
            ) from None
        raise SourceError(
            f"ce n'est pas un texte UTF-8 valide (octet invalide à la position {exc.start}) et sa "
            'déclaration XML ne nomme pas d\'autre encodage (<?xml version="1.0" encoding="…"?>)'
        ) from None
    if "\0" in text:
        raise SourceError("le fichier contient un caractère nul : ce n'est pas un texte")
    return text


def _declare_utf8(text: str) -> str:
    return _TEXT_DECLARATION.sub(r"\g<1>UTF-8\g<3>", text.removeprefix("\ufeff"), count=1)
