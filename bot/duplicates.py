"""Whether a new report repeats a ticket we already have, and what the tenant may hear.

Two rules, tried in this order:

1. A problem in a shared area of a complex (lift, stairwell, gallery, entrance, bin
   room, ... as in the complex's `SharedArea` rows) repeats the oldest open repair
   ticket (open, planned or in progress) about the same problem in that shared area.
   Only repairs: a nuisance report about a shared area is the reporter's own business.
2. A tenant reporting the same problem at the same place again within
   `DUPLICATE_WINDOW` repeats their earlier ticket, unless that was cancelled.

"Same problem" means the same problem key, and the same object and room where both
reports know them: a detail one report lacks does not tell the two apart. A duplicate
is still opened as a ticket of its own (`open_ticket(..., duplicate_of=...)`), so the
back office sees every report; the found ticket is always an original, never a
duplicate itself. A neighbour's ticket is about them too: tell the tenant only what
`duplicate_notice` gives.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select, true
from sqlalchemy.orm import Session

from bot.categories import Category
from bot.db import utcnow
from bot.tenants import Complex, SharedArea, Tenant, Unit
from bot.ticket_messages import duplicate_message
from bot.tickets import PART_OF_DAY_LABELS, Ticket, TicketStatus

DUPLICATE_WINDOW = timedelta(days=14)
OPEN_STATUSES = (TicketStatus.OPEN, TicketStatus.PLANNED, TicketStatus.IN_PROGRESS)
# Statuses in which a ticket has a date a tenant may be told.
SCHEDULED_STATUSES = (TicketStatus.PLANNED, TicketStatus.IN_PROGRESS)
# Guards against a cycle of duplicates written by hand in the database.
MAX_CHAIN = 20


@dataclass(frozen=True)
class DuplicateNotice:
    """All a tenant may be told about the ticket their report repeats: nothing personal."""

    number: str
    status: TicketStatus
    planned_date: date | None
    text: str


def find_duplicate(
    session: Session,
    *,
    tenant: Tenant | None,
    problem: str,
    unit: Unit | None = None,
    complex: Complex | None = None,
    shared_area: SharedArea | None = None,
    object_: str | None = None,
    room: str | None = None,
    now: datetime | None = None,
) -> Ticket | None:
    """The original ticket a new report repeats, or None; see the module's rules.

    The location is given as to `open_ticket`: a shared area, or else a unit (by default
    the tenant's own). Without a tenant only the shared-area rule applies.

    Raises:
        ValueError: if the shared area is not in the given complex.
    """
    if shared_area is not None and complex is not None and shared_area.complex is not complex:
        raise ValueError("the shared area of a report must be in its complex")
    if shared_area is not None:
        found = _open_shared_area_ticket(session, shared_area=shared_area, problem=problem, object_=object_)
        if found is not None:
            return found
    if tenant is None:
        return None
    if shared_area is None and unit is None:
        unit = tenant.unit
    return _recent_report(
        session,
        tenant=tenant,
        where=_location(unit=unit, shared_area=shared_area),
        problem=problem,
        object_=object_,
        room=room,
        now=now or utcnow(),
    )


def _compatible(column, value: str | None):
    """The column matches `value`, or one of them is unknown."""
    return true() if value is None else or_(column.is_(None), column == value)


def _location(*, unit: Unit | None, shared_area: SharedArea | None):
    if shared_area is not None:
        return Ticket.shared_area_id == shared_area.id
    if unit is not None:
        return (Ticket.unit_id == unit.id) & Ticket.shared_area_id.is_(None)
    return Ticket.unit_id.is_(None) & Ticket.shared_area_id.is_(None)


def _open_shared_area_ticket(
    session: Session, *, shared_area: SharedArea, problem: str, object_: str | None
) -> Ticket | None:
    query = (
        select(Ticket)
        .where(
            Ticket.shared_area_id == shared_area.id,
            # Only a defect is common knowledge; a neighbour's nuisance report is theirs.
            Ticket.category == Category.REPAIR.value,
            Ticket.problem == problem,
            _compatible(Ticket.object, object_),
            Ticket.status.in_(OPEN_STATUSES),
            Ticket.duplicate_of_id.is_(None),
        )
        .order_by(Ticket.created_at, Ticket.id)
        .limit(1)
    )
    return session.scalars(query).first()


def _recent_report(
    session: Session,
    *,
    tenant: Tenant,
    where,
    problem: str,
    object_: str | None,
    room: str | None,
    now: datetime,
) -> Ticket | None:
    query = (
        select(Ticket)
        .where(
            Ticket.tenant_id == tenant.id,
            where,
            Ticket.problem == problem,
            _compatible(Ticket.object, object_),
            _compatible(Ticket.room, room),
            Ticket.status != TicketStatus.CANCELLED,
            Ticket.created_at >= now - DUPLICATE_WINDOW,
            Ticket.created_at <= now,
        )
        .order_by(Ticket.created_at, Ticket.id)
    )
    for earlier in session.scalars(query):
        original = original_of(earlier)
        if original.status != TicketStatus.CANCELLED:
            return original
    return None


def original_of(ticket: Ticket) -> Ticket:
    """The ticket at the start of a chain of duplicates (`ticket` itself if it is none)."""
    for _ in range(MAX_CHAIN):
        if ticket.duplicate_of is None:
            return ticket
        ticket = ticket.duplicate_of
    raise ValueError(f"ticket {ticket.number} is in a chain of more than {MAX_CHAIN} duplicates")


def duplicate_notice(ticket: Ticket) -> DuplicateNotice:
    """What the tenant may be told about `ticket`, the one their report repeats.

    Only its number, status and planned date, and a Dutch sentence built from them:
    never who reported it, where they live, how to reach them or what they wrote.

    Raises:
        ValueError: for a cancelled ticket, which nothing should be pointed at.
    """
    if ticket.status == TicketStatus.CANCELLED:
        raise ValueError(f"ticket {ticket.number} is cancelled: a new report does not repeat it")
    scheduled = ticket.status in SCHEDULED_STATUSES
    part_of_day = ticket.planned_part_of_day
    text = duplicate_message(
        finished=ticket.status == TicketStatus.DONE,
        planned_date=ticket.planned_date if scheduled else None,
        part_of_day=PART_OF_DAY_LABELS[part_of_day] if part_of_day else None,
    )
    return DuplicateNotice(
        number=ticket.number,
        status=ticket.status,
        planned_date=ticket.planned_date if scheduled else None,
        text=text,
    )
