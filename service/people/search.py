"""Search that forgives: accents, case, one or two wrong letters, first and last names swapped; also by date
of birth and by phone; ranked by similarity, within the searching centre only.

On PostgreSQL with pg_trgm (migration 0015) the database finds the candidates: the keys ("last first",
normalised) most similar by words to the query, through a GiST index that starts with the centre. Elsewhere
(SQLite, or a PostgreSQL where the extension could not be created) the candidates are the centre's keys, at
most CANDIDATES of them. Either way rapidfuzz scores them in Python, keeps the close ones and ranks them.
"""

from __future__ import annotations

import bisect
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


def find_each(centre_id: int, queries: Sequence[Query]) -> list[Sequence[Person]]:
    """`find` for many queries at once (an import's rows), each answered exactly as `find` answers it.

    On PostgreSQL with pg_trgm each query goes to the index, as at the front desk. Elsewhere the centre's
    candidates are read once for the whole batch instead of once per query, then each query is ranked among
    them by the same score: a batch of rows costs one read of the centre, not one per row.
    """
    if _has_trigrams():
        return [find(centre_id, query) for query in queries]
    rows = db.session.execute(
        select(Person.id, Person.search_key, Person.birth_date, _phone_digits(Person.phone))
        .where(Person.centre_id == centre_id)
        .order_by(Person.id)
        .limit(CANDIDATES)
    ).all()
    wanted: list[list[int]] = []
    for query in queries:
        if query.empty or not query.name:
            wanted.append([])
            continue
        keys = {
            person_id: key
            for person_id, key, birth, phone in rows
            if (query.birth_date is None or birth == query.birth_date)
            and (query.phone is None or phone == query.phone)
        }
        ranked = process.extract(
            query.name,
            keys,
            scorer=_score,
            processor=utils.default_process,
            limit=LIMIT,
            score_cutoff=MIN_SCORE,
        )
        wanted.append([person_id for _, _, person_id in ranked])
    every = {i for ids in wanted for i in ids}
    found = {p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_(every)))} if every else {}
    return [[found[i] for i in ids if i in found] for ids in wanted]


def close_pairs(names: Sequence[str]) -> list[tuple[int, int]]:
    """Among normalised names (an import's rows), the pairs (i, j), i < j, that the search would match:
    one of them, typed at the front desk, finds the other by the same score as `find`.

    Not every pair of a long file is scored in Python: the score is the better of two, and each has its
    candidates. The whole name in any order (token_sort_ratio) is the plain ratio of the sorted words, which
    rapidfuzz compares in C for all the names at once; each word typed within the name needs at least three
    quarters of the words close to one of the other name (one or two edits, or its beginning), found through
    an index of the words. Only those candidates are scored.
    """
    words_of = [name.split() for name in names]
    vocabulary = sorted({word for words in words_of for word in words})
    known = set(vocabulary)
    holders: dict[str, list[int]] = {}
    for index, words in enumerate(words_of):
        for word in set(words):
            holders.setdefault(word, []).append(index)
    near: dict[str, list[int]] = {}
    for word in vocabulary:
        near[word] = sorted({i for other in _close_words(word, vocabulary, known) for i in holders[other]})
    processed = [utils.default_process(name) for name in names]
    # The whole names, their words sorted, each distinct one compared once with those after it, in C.
    rows_of: dict[str, list[int]] = {}
    for index, name in enumerate(processed):
        rows_of.setdefault(" ".join(sorted(name.split())), []).append(index)
    distinct = sorted(rows_of)
    candidates: dict[int, set[int]] = {}
    for position, name in enumerate(distinct):
        same = rows_of[name]
        for other, _, _ in process.extract_iter(
            name, distinct[position + 1 :], scorer=fuzz.ratio, processor=None, score_cutoff=MIN_SCORE
        ):
            for i in same:
                candidates.setdefault(i, set()).update(rows_of[other])
        for i in same:
            candidates.setdefault(i, set()).update(same)
    pairs: set[tuple[int, int]] = set()
    for i, words in enumerate(words_of):
        counts: dict[int, int] = {}
        for word in set(words):
            for j in near[word]:
                counts[j] = counts.get(j, 0) + 1
        needed = max(1, -(-3 * len(set(words)) // 4))
        found = candidates.get(i, set()) | {j for j, count in counts.items() if count >= needed}
        for j in found:
            pair = (min(i, j), max(i, j))
            if (
                j != i
                and pair not in pairs
                and (
                    _score(processed[i], processed[j]) >= MIN_SCORE
                    or _score(processed[j], processed[i]) >= MIN_SCORE
                )
            ):
                pairs.add(pair)
    return sorted(pairs)


def _close_words(word: str, vocabulary: Sequence[str], known: set[str]) -> set[str]:
    """The words of the (sorted) vocabulary `_word_score` finds close to this one, in either direction:
    within one or two edits, or beginning one another."""
    close = {
        other for other, _, _ in process.extract_iter(word, vocabulary, scorer=OSA.distance, score_cutoff=2)
    }
    start = bisect.bisect_left(vocabulary, word)
    for other in vocabulary[start:]:  # the words this one begins
        if not other.startswith(word):
            break
        close.add(other)
    close.update(word[:length] for length in range(1, len(word)) if word[:length] in known)
    return close
