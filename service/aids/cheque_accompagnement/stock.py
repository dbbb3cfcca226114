"""Use cases of the cheque stock (L1611-6 CGCT): books received, cheques issued and handed over.

A cheque number leaves stock once: the book row is locked while numbers are taken, and the database
refuses a second row for the same book and number whatever happens.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select

from service import clock
from service.audit import service as audit
from service.audit.actions import AuditAction
from service.errors import InvalidInputError, NotFoundError
from service.extensions import db
from service.models import ChequeBook, ChequeNature, Dossier, IssuedCheque, Role, User
from service.money import euros
from service.permissions import require_role
from service.unit_of_work import use_case

STOCK_ROLES = (Role.SECRETARIAT, Role.REGISSEUR, Role.RESPONSABLE)


@dataclass(frozen=True)
class BookStock:
    book: ChequeBook
    issued: int
    handed_over: int

    @property
    def available(self) -> int:
        return self.book.size - self.issued


@use_case
def register_book(
    *,
    actor: User,
    series: str,
    first_number: int,
    last_number: int,
    face_value_cents: int,
    nature: ChequeNature,
) -> ChequeBook:
    """A cheque book enters stock; its series is unique in the centre."""
    require_role(actor, Role.SECRETARIAT, Role.REGISSEUR)
    series = series.strip().upper()
    if not series:
        raise InvalidInputError("Indiquez la série du carnet.")
    if first_number < 1 or last_number < first_number:
        raise InvalidInputError("Le dernier numéro doit suivre le premier.")
    if face_value_cents <= 0:
        raise InvalidInputError("La valeur faciale doit être positive.")
    if db.session.scalar(select(ChequeBook.id).where(ChequeBook.series == series)) is not None:
        raise InvalidInputError(f"Un carnet de la série {series} est déjà en stock.")
    book = ChequeBook(
        centre_id=actor.centre_id, series=series, first_number=first_number, last_number=last_number,
        face_value_cents=face_value_cents, nature=nature, received_at=clock.now(), received_by_id=actor.id,
    )  # fmt: skip
    db.session.add(book)
    db.session.flush()
    audit.record(
        action=AuditAction.CHEQUES_ENTREE_STOCK, subject_type="carnet", subject_id=book.id, actor=actor,
        details={"série": series, "de": first_number, "à": last_number, "valeur": face_value_cents},
    )  # fmt: skip
    return book


def stock(*, actor: User) -> list[BookStock]:
    """Every book with what left it: the stock page of the secretariat and the régisseur."""
    require_role(actor, *STOCK_ROLES)
    return _rows()


def movements(*, actor: User, limit: int = 50) -> Sequence[tuple[IssuedCheque, str]]:
    """The last cheques out of stock, with their dossier's number."""
    require_role(actor, *STOCK_ROLES)
    return [
        (cheque, number)
        for cheque, number in db.session.execute(
            select(IssuedCheque, Dossier.number)
            .join(Dossier, Dossier.id == IssuedCheque.dossier_id)
            .order_by(IssuedCheque.issued_at.desc(), IssuedCheque.id.desc())
            .limit(limit)
        ).all()
    ]


def books_for(nature: str) -> list[BookStock]:
    """Books of a nature that still hold cheques, for the issuing form."""
    return [row for row in _rows() if row.book.nature == nature and row.available > 0]


def _rows() -> list[BookStock]:
    counts = (
        select(
            IssuedCheque.book_id,
            func.count().label("issued"),
            func.count(IssuedCheque.handed_over_at).label("handed_over"),
        )
        .group_by(IssuedCheque.book_id)
        .subquery()
    )
    rows = db.session.execute(
        select(ChequeBook, func.coalesce(counts.c.issued, 0), func.coalesce(counts.c.handed_over, 0))
        .outerjoin(counts, counts.c.book_id == ChequeBook.id)
        .order_by(ChequeBook.nature, ChequeBook.series)
    ).all()
    return [BookStock(book, int(issued), int(handed)) for book, issued, handed in rows]


def issue(
    *, dossier: Dossier, book_id: int, count: int, actor: User, limit_cents: int, nature: str
) -> list[IssuedCheque]:
    """Take `count` cheques of a nature from a book for a dossier, lowest numbers first; caller commits."""
    book = db.session.scalars(
        select(ChequeBook).where(ChequeBook.id == book_id).with_for_update()
    ).one_or_none()  # PostgreSQL: the next issuer waits here; SQLite: the write transaction already does
    if book is None or book.centre_id != dossier.centre_id:
        raise NotFoundError("Ce carnet n'existe pas dans votre centre.")
    if book.nature != nature:
        raise InvalidInputError("Ce carnet n'est pas de la nature accordée.")
    if count < 1:
        raise InvalidInputError("Indiquez le nombre de chèques à délivrer.")
    if count * book.face_value_cents > limit_cents:
        raise InvalidInputError(
            f"{count} chèques de {euros(book.face_value_cents)} dépassent "
            f"le montant accordé ({euros(limit_cents)})."
        )
    taken = set(db.session.scalars(select(IssuedCheque.number).where(IssuedCheque.book_id == book.id)))
    free = [n for n in range(book.first_number, book.last_number + 1) if n not in taken][:count]
    if len(free) < count:
        raise InvalidInputError(f"Le carnet {book.series} ne contient plus que {len(free)} chèque(s).")
    now = clock.now()
    cheques = [
        IssuedCheque(
            centre_id=dossier.centre_id, book_id=book.id, number=number, dossier_id=dossier.id, issued_at=now,
            issued_by_id=actor.id,
        )
        for number in free
    ]  # fmt: skip
    db.session.add_all(cheques)
    db.session.flush()
    return cheques


def cheques_of(dossier: Dossier) -> list[IssuedCheque]:
    return list(
        db.session.scalars(
            select(IssuedCheque).where(IssuedCheque.dossier_id == dossier.id).order_by(IssuedCheque.number)
        )
    )


def hand_over(*, dossier: Dossier, actor: User) -> list[IssuedCheque]:
    """The person received the dossier's cheques: they leave the régie; the caller commits."""
    cheques = [cheque for cheque in cheques_of(dossier) if cheque.handed_over_at is None]
    if not cheques:
        raise InvalidInputError("Aucun chèque n'attend d'être remis pour ce dossier.")
    now = clock.now()
    for cheque in cheques:
        cheque.handed_over_at, cheque.handed_over_by_id = now, actor.id
    return cheques
