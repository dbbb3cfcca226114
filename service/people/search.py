"""Search that forgives: accents, case, one or two wrong letters, first and last names swapped; also by date
of birth and by phone; ranked by similarity, within the searching centre only.

On PostgreSQL with pg_trgm (migration 0015) the database finds the candidates: the keys ("last first",
normalised) most similar by words to the query, through a GiST index that starts with the centre. Elsewhere
(SQLite, or a PostgreSQL where the extension could not be created) the candidates are the centre's keys, at
most CANDIDATES of them. Either way rapidfuzz scores them in Python, keeps the close ones and ranks them.
"""

from __future__ import annotations

import contextlib
import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from rapidfuzz import fuzz, process, utils
from rapidfuzz.distance import OSA
from sqlalchemy import ColumnElement, func, literal, select, text

from service.extensions import db
from service.models import Person

LIMIT = 50
CANDIDATES = 50_000  # the most keys of one centre ranked in Python
MIN_SCORE = 75  # out of 100: a whole name 75 % alike, or each word typed within two edits of one of the key
# pg_trgm's thresholds for the candidates, which are then scored as in Python (only the close ones are kept):
# 0.3 first, through the index; 0.15 when nothing close came back ("mbrtim" is 0.2 from "martin": two wrong
# letters in a six-letter name), which reads more of the centre's people.
WORD_SIMILARITY = 0.3
WIDER_SIMILARITY = 0.15
TRIGRAM_CANDIDATES = 200

_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$|^(\d{4})-(\d{2})-(\d{2})$")
_PHONE_PART = re.compile(r"^\+?[\d.\-()]+$")


def normalise(text_: str) -> str:
    """'Élodie  D'Arc-Müller' → 'elodie d arc muller': no accents, no case, no punctuation."""
    decomposed = unicodedata.normalize("NFKD", text_)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", bare).split())


@dataclass(frozen=True)
class Query:
    name: str  # normalised words of a name, "" if none
    birth_date: date | None = None
    phone: str | None = None  # digits only, national form (0…)

    @property
    def empty(self) -> bool:
        return not self.name and self.birth_date is None and self.phone is None


def parse(typed: str) -> Query:
    """What the agent typed: a date is a date of birth, digits a phone number, the rest a name."""
    words: list[str] = []
    digits = ""
    birth: date | None = None
    for token in typed.split():
        found = _DATE.match(token)
        if found:
            day, month, year = (found[1], found[2], found[3]) if found[1] else (found[6], found[5], found[4])
            with contextlib.suppress(ValueError):  # 31/02: not a date, not a name either
                birth = date(int(year), int(month), int(day))
            continue
        if _PHONE_PART.match(token) and any(char.isdigit() for char in token):
            digits += re.sub(r"\D", "", token)
            continue
        words.append(token)
    return Query(normalise(" ".join(words)), birth, national_phone(digits) if len(digits) >= 6 else None)


def national_phone(digits: str) -> str:
    """'33612345678' → '0612345678': the French number as the front desk writes it."""
    if digits.startswith("33") and len(digits) == 11:
        return "0" + digits[2:]
    return digits


def _phone_digits(column: Any) -> ColumnElement[str]:
    """The phone as stored, without its separators, in SQL both databases understand."""
    stripped: ColumnElement[str] = column
    for separator in (" ", ".", "-", "(", ")"):
        stripped = func.replace(stripped, separator, "")
    return func.replace(stripped, "+33", "0")


def find(centre_id: int, query: Query) -> Sequence[Person]:
    """The centre's people matching the query, the most similar first (at most LIMIT)."""
    if query.empty:
        return []
    criteria: list[ColumnElement[bool]] = [Person.centre_id == centre_id]
    if query.birth_date is not None:
        criteria.append(Person.birth_date == query.birth_date)
    if query.phone is not None:
        criteria.append(_phone_digits(Person.phone) == query.phone)
    if not query.name:
        return db.session.scalars(
            select(Person).where(*criteria).order_by(Person.search_key, Person.id).limit(LIMIT)
        ).all()
    if _has_trigrams():
        return _ranked_by_database(query.name, criteria)
    return _ranked_in_python(query.name, criteria)


def _ranked_by_database(name: str, criteria: list[ColumnElement[bool]]) -> Sequence[Person]:
    """The centre's closest keys by trigrams (the index), then kept and ordered as elsewhere; only when none
    is close enough are the candidates looked for again, more widely (two wrong letters in a short name)."""
    typed = literal(name)
    typed_key = utils.default_process(name)
    for threshold in (WORD_SIMILARITY, WIDER_SIMILARITY):
        db.session.execute(text(f"SET LOCAL pg_trgm.word_similarity_threshold = {threshold}"))
        statement = (
            select(Person)
            .where(*criteria, Person.search_key.op("%>")(typed))
            .order_by(Person.search_key.op("<->>")(typed), Person.id)
            .limit(TRIGRAM_CANDIDATES)
        )
        found = db.session.scalars(statement).all()
        scored = [(_score(typed_key, utils.default_process(person.search_key)), person) for person in found]
        kept = [(score, person) for score, person in scored if score >= MIN_SCORE]
        if kept:
            kept.sort(key=lambda pair: -pair[0])  # stable: equal scores keep the database's order
            return [person for _, person in kept[:LIMIT]]
    return []


def _ranked_in_python(name: str, criteria: list[ColumnElement[bool]]) -> Sequence[Person]:
    rows = db.session.execute(
        select(Person.id, Person.search_key).where(*criteria).order_by(Person.id).limit(CANDIDATES)
    ).all()
    keys: dict[int, str] = {person_id: key for person_id, key in rows}
    ranked = process.extract(
        name, keys, scorer=_score, processor=utils.default_process, limit=LIMIT, score_cutoff=MIN_SCORE
    )
    ids = [person_id for _, _, person_id in ranked]
    if not ids:
        return []
    found = {person.id: person for person in db.session.scalars(select(Person).where(Person.id.in_(ids)))}
    return [found[person_id] for person_id in ids if person_id in found]


def _score(query: Any, key: Any, **_: Any) -> float:
    """How close a key is to the query: the whole name in any order, or each word typed within it."""
    return max(fuzz.token_sort_ratio(query, key), _words_within(query, key))


def _words_within(query: str, key: str) -> float:
    """Each word typed against its closest word of the key, averaged: the beginning of a word scores full,
    a word one edit away (two from six letters on: a letter missing, wrong or two swapped) nearly so."""
    key_words = key.split()
    typed = query.split()
    if not key_words or not typed:
        return 0.0
    return sum(max(_word_score(word, candidate) for candidate in key_words) for word in typed) / len(typed)


def _word_score(word: str, candidate: str) -> float:
    if candidate.startswith(word):
        return 100.0
    allowed = 1 if len(word) < 6 else 2
    edits = OSA.distance(word, candidate, score_cutoff=allowed)
    return 100.0 - 10.0 * edits if edits <= allowed else 0.0


@functools.cache
def _trigrams_in(database_url: str) -> bool:
    return bool(db.session.scalar(text("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'")))


def _has_trigrams() -> bool:
    """PostgreSQL with pg_trgm: asked once per process and database."""
    if db.engine.dialect.name != "postgresql":
        return False
    return _trigrams_in(db.engine.url.render_as_string(hide_password=True))
