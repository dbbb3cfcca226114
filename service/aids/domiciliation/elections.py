"""Elections of domicile: the one of a dossier, its validity and the instants the diagram waits for."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from service import clock
from service.audit import service as audit
from service.audit.actions import AuditAction
from service.config import local_zone
from service.engine.durations import Duration, parse_duration
from service.errors import InvalidInputError
from service.extensions import db
from service.models import Domiciliation, Dossier, DossierStatus, EndReason, User

DAY_START = time(9, 0)  # the renewal task and the contact check fall at the start of a working day


def of_dossier(dossier_id: int) -> Domiciliation:
    election = db.session.scalars(
        select(Domiciliation).where(Domiciliation.dossier_id == dossier_id)
    ).one_or_none()
    if election is None:
        raise InvalidInputError("La demande de domiciliation n'a pas été enregistrée.")
    return election


def morning(day: date) -> datetime:
    return datetime.combine(day, DAY_START, tzinfo=local_zone())


def validity(start: date, delay: str) -> tuple[date, date]:
    """From `start` for the delay (one year), the last day included."""
    end = parse_duration(delay).after(morning(start)).date() - timedelta(days=1)
    return start, end


def renewal_instant(valid_until: date, notice_delay: str) -> datetime:
    """`notice_delay` (one month) before the day after the last valid one: when the renewal task opens."""
    notice = parse_duration(notice_delay)
    back = Duration(months=-notice.months, delta=-notice.delta)
    return back.after(morning(valid_until + timedelta(days=1)))


def contact_check(election: Domiciliation, no_contact_delay: str) -> datetime:
    """When the election lapses unless the person comes or is heard from before: the morning after the delay
    has run, so that the person has been without contact for more than it (« plus de trois mois », L264-5)."""
    last = election.last_contact_at or morning(election.requested_on)
    run_out = parse_duration(no_contact_delay).after(last.astimezone(local_zone()))
    return morning(run_out.astimezone(local_zone()).date() + timedelta(days=1))


def touch(election: Domiciliation) -> None:
    """A contact: a visit, a letter handed over, a renewal."""
    election.last_contact_at = clock.now()


def end(
    election: Domiciliation,
    dossier: Dossier,
    *,
    reason: EndReason,
    details: str = "",
    oriented_to: str = "",
    actor: User | None,
) -> None:
    """The election ends today; the dossier closes. The caller issues the notice."""
    if election.ended_on is not None:
        raise InvalidInputError("Cette élection de domicile a déjà pris fin.")
    election.ended_on = clock.now().astimezone(local_zone()).date()
    election.end_reason = reason.value
    election.end_details = details.strip()
    election.oriented_to = oriented_to.strip() or election.oriented_to
    dossier.status = DossierStatus.CLOS
    audit.record(
        action=AuditAction.DOMICILIATION_FIN, subject_type="dossier", subject_id=dossier.id, actor=actor,
        centre_id=dossier.centre_id, details={"motif": reason.value},
    )  # fmt: skip
