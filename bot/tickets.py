"""Tickets, their status history, contractors and callback requests.

A ticket gets a human number `R-<year>-<six digits>` from a per-year counter row that
is incremented inside the ticket's own transaction, so numbers are unique and gapless
even when tickets are opened concurrently (a unique constraint is the backstop).

Status changes that a tenant should hear about (planned, done, cancelled) record a
message in the outbox (`bot.outbox`) in the same transaction; when a ticket is done,
the reporters of its duplicates hear about it too. Finding duplicates is in
`bot.duplicates`; `open_ticket` stores the one it is given.

Not here yet, by design: routing a ticket to a trade and contractor (`trade`). Until
that exists, callers pass what they know and `open_ticket` stores it as given.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Enum,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, relationship

from bot.categories import Category
from bot.db import Base, UTCDateTime, utcnow
from bot.outbox import queue_message
from bot.tenants import Complex, SharedArea, Tenant, Unit, normalise_phone
from bot.ticket_messages import cancelled_message, done_message, planned_message
from bot.trades import Trade

TICKET_NUMBER_PREFIX = "R"
# Ticket numbers follow the calendar year where the tenants are, not UTC's.
LOCAL_TIMEZONE = ZoneInfo("Europe/Amsterdam")


class TicketStatus(str, enum.Enum):
    """Where a ticket is in its life; see `ALLOWED_TRANSITIONS`."""

    OPEN = "open"
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


ALLOWED_TRANSITIONS: dict[TicketStatus, frozenset[TicketStatus]] = {
    TicketStatus.OPEN: frozenset({TicketStatus.PLANNED, TicketStatus.CANCELLED}),
    TicketStatus.PLANNED: frozenset({TicketStatus.IN_PROGRESS, TicketStatus.CANCELLED}),
    TicketStatus.IN_PROGRESS: frozenset({TicketStatus.DONE, TicketStatus.CANCELLED}),
    TicketStatus.DONE: frozenset(),
    TicketStatus.CANCELLED: frozenset(),
}
FINAL_STATUSES = frozenset(status for status, targets in ALLOWED_TRANSITIONS.items() if not targets)


class Urgency(str, enum.Enum):
    """How fast a repair must happen: spoed (same day), urgent (within days), normal."""

    EMERGENCY = "emergency"
    URGENT = "urgent"
    NORMAL = "normal"


class PartOfDay(str, enum.Enum):
    """The part of the planned day in which the contractor comes."""

    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"


# Tenant-facing names of the parts of the day (dagdelen).
PART_OF_DAY_LABELS: dict[PartOfDay, str] = {
    PartOfDay.MORNING: "ochtend",
    PartOfDay.AFTERNOON: "middag",
    PartOfDay.EVENING: "avond",
}
# The channel whose recipients are phone numbers; on others it is the channel's user id.
WHATSAPP_CHANNEL = "whatsapp"


def _values(enum_class: type[enum.Enum]) -> list[str]:
    return [member.value for member in enum_class]


def _enum_column_type(enum_class: type[enum.Enum], name: str, *, constrained: bool) -> Enum:
    # VARCHAR on every backend; a CHECK constraint for value sets that are fixed by design.
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=constrained,
        length=32,
        values_callable=_values,
        validate_strings=True,
    )


class ForbiddenTransition(ValueError):
    """A status change that `ALLOWED_TRANSITIONS` does not allow."""

    def __init__(self, ticket: Ticket, to: TicketStatus) -> None:
        allowed = ", ".join(sorted(s.value for s in ALLOWED_TRANSITIONS[ticket.status])) or "none"
        super().__init__(
            f"ticket {ticket.number} cannot go from {ticket.status.value} to {to.value} "
            f"(allowed from {ticket.status.value}: {allowed})"
        )
        self.ticket = ticket
        self.from_status = ticket.status
        self.to_status = to


class TicketCounter(Base):
    """The last ticket number handed out in a year."""

    __tablename__ = "ticket_counters"

    year = Column(Integer, primary_key=True, autoincrement=False)
    last_number = Column(Integer, nullable=False)


class Ticket(Base):
    """A report from a tenant: a repair, nuisance, payment question, ..."""

    __tablename__ = "tickets"

    id = Column(Integer, primary_key=True)
    number = Column(String(16), nullable=False, unique=True)
    # A `bot.categories.Category` value.
    category = Column(String(32), nullable=False)
    # Triage's problem, object and room keys (`leak`, `tap`, `kitchen`), see `bot.summary`.
    problem = Column(String(64), nullable=False)
    object = Column(String(64), nullable=True)
    room = Column(String(64), nullable=True)
    description = Column(Text, nullable=False, default="")
    urgency = Column(_enum_column_type(Urgency, "urgency", constrained=True), nullable=False)
    trade = Column(_enum_column_type(Trade, "trade", constrained=False), nullable=True)
    status = Column(
        _enum_column_type(TicketStatus, "status", constrained=True),
        nullable=False,
        default=TicketStatus.OPEN,
        index=True,
    )
    # Where the report came in (`whatsapp`, `messenger`, ...) and Rasa's sender id there.
    channel = Column(String(32), nullable=False)
    conversation_id = Column(String(128), nullable=True, index=True)
    photos = Column(JSON, nullable=False, default=list)
    # When someone is home, as the dialogue collected it, e.g. {"weekdays": ["ma", "di"]}.
    availability = Column(JSON, nullable=True)
    someone_home_required = Column(Boolean, nullable=False, default=False)
    planned_date = Column(Date, nullable=True)
    planned_part_of_day = Column(
        _enum_column_type(PartOfDay, "part_of_day", constrained=False), nullable=True
    )
    duplicate_of_id = Column(ForeignKey("tickets.id", ondelete="SET NULL"), nullable=True, index=True)
    tenant_id = Column(ForeignKey("tenants.id", ondelete="SET NULL"), nullable=True, index=True)
    unit_id = Column(ForeignKey("units.id"), nullable=True, index=True)
    complex_id = Column(ForeignKey("complexes.id"), nullable=True, index=True)
    shared_area_id = Column(ForeignKey("shared_areas.id"), nullable=True, index=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    tenant = relationship(Tenant)
    unit = relationship(Unit)
    complex = relationship(Complex)
    shared_area = relationship(SharedArea)
    duplicate_of = relationship("Ticket", remote_side=[id])
    history = relationship(
        "TicketHistory",
        back_populates="ticket",
        cascade="all, delete-orphan",
        order_by="TicketHistory.id",
    )

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    def __repr__(self) -> str:
        return f"<Ticket {self.number} {self.status.value}>"


class TicketHistory(Base):
    """One status change of a ticket; the first row of every ticket is its opening."""

    __tablename__ = "ticket_history"

    id = Column(Integer, primary_key=True)
    ticket_id = Column(ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False, index=True)
    # None on the row that records the opening.
    from_status = Column(String(32), nullable=True)
    to_status = Column(String(32), nullable=False)
    at = Column(UTCDateTime, nullable=False, default=utcnow)
    # Who made the change: `bot`, `tenant`, an employee's or contractor's name.
    by = Column(String(100), nullable=False)
    note = Column(Text, nullable=True)

    ticket = relationship("Ticket", back_populates="history")


contractor_complexes = Table(
    "contractor_complexes",
    Base.metadata,
    Column("contractor_id", ForeignKey("contractors.id", ondelete="CASCADE"), primary_key=True),
    Column("complex_id", ForeignKey("complexes.id", ondelete="CASCADE"), primary_key=True),
)


class Contractor(Base):
    """A company that does one trade for some of the corporation's complexes."""

    __tablename__ = "contractors"

    id = Column(Integer, primary_key=True)
    name = Column(String(200), nullable=False, unique=True)
    trade = Column(_enum_column_type(Trade, "trade", constrained=False), nullable=False, index=True)
    phone = Column(String(16), nullable=False)
    email = Column(String(254), nullable=True)
    # Takes emergencies outside office hours.
    on_call = Column(Boolean, nullable=False, default=False)

    complexes = relationship(Complex, secondary=contractor_complexes, order_by=Complex.id)

    def __repr__(self) -> str:
        return f"<Contractor {self.name} ({self.trade.value})>"


class CallbackRequest(Base):
    """A request for an employee to call back, from a known tenant or an unknown number."""

    __tablename__ = "callback_requests"
    __table_args__ = (CheckConstraint("tenant_id IS NOT NULL OR phone IS NOT NULL", name="tenant_or_phone"),)

    id = Column(Integer, primary_key=True)
    tenant_id = Column(ForeignKey("tenants.id", ondelete="SET NULL"), nullable=True, index=True)
    phone = Column(String(16), nullable=True)
    reason = Column(Text, nullable=False)
    requested_at = Column(UTCDateTime, nullable=False, default=utcnow)
    handled_at = Column(UTCDateTime, nullable=True)
    # The console user who marked it done.
    handled_by = Column(String(40), nullable=True)

    tenant = relationship(Tenant)


def format_ticket_number(*, year: int, sequence: int) -> str:
    """`R-2026-000123` for the 123rd ticket of 2026."""
    return f"{TICKET_NUMBER_PREFIX}-{year:04d}-{sequence:06d}"


def next_ticket_number(session: Session, *, year: int) -> str:
    """Take the next ticket number of `year`; it is only used up if the transaction commits.

    The counter row stays locked until the transaction ends, so concurrent callers wait
    for each other: PostgreSQL through the row lock of the upsert, SQLite through its
    single writer (every transaction starts `BEGIN IMMEDIATE`, see `bot.db`).
    """
    return format_ticket_number(year=year, sequence=_increment_counter(session, year))


def _increment_counter(session: Session, year: int) -> int:
    table = TicketCounter.__table__
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        insert = postgresql.insert(table)
    elif dialect == "sqlite":
        insert = sqlite.insert(table)
    else:
        raise NotImplementedError(f"ticket numbers need PostgreSQL or SQLite, not {dialect}")
    upsert = insert.values(year=year, last_number=1).on_conflict_do_update(
        index_elements=[table.c.year], set_={"last_number": table.c.last_number + 1}
    )
    if dialect == "postgresql":
        return session.execute(upsert.returning(table.c.last_number)).scalar_one()
    session.execute(upsert)
    return session.execute(select(table.c.last_number).where(table.c.year == year)).scalar_one()


def open_ticket(
    session: Session,
    *,
    category: Category | str,
    problem: str,
    channel: str,
    object_: str | None = None,
    description: str = "",
    urgency: Urgency | str = Urgency.NORMAL,
    tenant: Tenant | None = None,
    unit: Unit | None = None,
    complex: Complex | None = None,
    shared_area: SharedArea | None = None,
    room: str | None = None,
    conversation_id: str | None = None,
    photos: Iterable[str] = (),
    availability: dict | list | None = None,
    someone_home_required: bool = False,
    trade: Trade | str | None = None,
    duplicate_of: Ticket | None = None,
    by: str = "bot",
    now: datetime | None = None,
) -> Ticket:
    """Open a ticket with the next number and record the opening in its history.

    The location is completed from what is given: a tenant's own unit (unless the
    report is about a shared area), and the complex of the unit or shared area.
    `duplicate_of` is the ticket this report repeats, usually from
    `bot.duplicates.find_duplicate`; it is stored as given.

    Raises:
        ValueError: for an unknown category, urgency or trade, or a location that
            contradicts itself (e.g. a unit that is not in the given complex).
    """
    now = now or utcnow()
    if unit is None and shared_area is None and tenant is not None:
        unit = tenant.unit
    complex = _consistent_complex(tenant=tenant, unit=unit, complex=complex, shared_area=shared_area)
    ticket = Ticket(
        number=next_ticket_number(session, year=now.astimezone(LOCAL_TIMEZONE).year),
        category=Category(category).value,
        problem=problem,
        object=object_,
        room=room,
        description=description,
        urgency=Urgency(urgency),
        trade=Trade(trade) if trade is not None else None,
        status=TicketStatus.OPEN,
        channel=channel,
        conversation_id=conversation_id,
        photos=list(photos),
        availability=availability,
        someone_home_required=someone_home_required,
        duplicate_of=duplicate_of,
        tenant=tenant,
        unit=unit,
        complex=complex,
        shared_area=shared_area,
        created_at=now,
        updated_at=now,
    )
    ticket.history.append(TicketHistory(from_status=None, to_status=TicketStatus.OPEN.value, at=now, by=by))
    session.add(ticket)
    session.flush()
    return ticket


def _consistent_complex(
    *, tenant: Tenant | None, unit: Unit | None, complex: Complex | None, shared_area: SharedArea | None
) -> Complex | None:
    if tenant is not None and unit is not None and shared_area is None and tenant.unit is not unit:
        raise ValueError(f"tenant {tenant.customer_number} does not rent {unit.address}")
    candidates = [c for c in (complex, unit and unit.complex, shared_area and shared_area.complex) if c]
    if any(candidate is not candidates[0] for candidate in candidates):
        raise ValueError("the unit, shared area and complex of a ticket must belong together")
    return candidates[0] if candidates else None


def change_status(
    session: Session,
    *,
    ticket: Ticket,
    to: TicketStatus | str,
    by: str,
    note: str | None = None,
    planned_date: date | None = None,
    part_of_day: PartOfDay | str | None = None,
    notify: bool = True,
) -> TicketHistory:
    """Move `ticket` to status `to` and record who did it and why.

    When planning, `planned_date` and `part_of_day` set when the contractor comes
    (a date set on the ticket before is kept if none is given). With `notify`, the
    tenant's message about the change is recorded in the outbox in the same
    transaction; see `queue_status_update`. Pass `notify=False` when the tenant
    already heard it, e.g. because they cancelled in the chat themselves.

    Raises:
        ForbiddenTransition: if `ALLOWED_TRANSITIONS` does not allow the change.
        ValueError: for an unknown status or part of the day, or a planned date or
            part of the day given for another status than planned.
    """
    to = TicketStatus(to)
    part_of_day = PartOfDay(part_of_day) if part_of_day is not None else None
    if to != TicketStatus.PLANNED and (planned_date is not None or part_of_day is not None):
        raise ValueError(f"a planned date or part of the day only goes with status planned, not {to.value}")
    # Lock the row (PostgreSQL) and re-read the status, so two concurrent changes
    # cannot both pass the check against the same stale status.
    session.flush()
    session.refresh(ticket, with_for_update=True)
    if to not in ALLOWED_TRANSITIONS[ticket.status]:
        raise ForbiddenTransition(ticket, to)
    now = utcnow()
    entry = TicketHistory(from_status=ticket.status.value, to_status=to.value, at=now, by=by, note=note)
    ticket.history.append(entry)
    ticket.status = to
    ticket.updated_at = now
    if planned_date is not None:
        ticket.planned_date = planned_date
    if part_of_day is not None:
        ticket.planned_part_of_day = part_of_day
    session.flush()
    if notify:
        queue_status_update(session, ticket=ticket, now=now)
    return entry


def queue_status_update(session: Session, *, ticket: Ticket, now: datetime | None = None) -> int:
    """Record the messages about the ticket's current status in the outbox; returns how many.

    Planned, done and cancelled tickets have a message for their reporter; when a ticket
    is done, the reporters of its open duplicates get one too (each address once). A
    reporter we cannot reach (no chat address, no phone) gets none. The messages are
    only recorded here: nothing sends them yet (see `bot.outbox`).
    """
    now = now or utcnow()
    text = _status_text(ticket)
    if text is None:
        return 0
    messages = [(ticket, text)]
    if ticket.status == TicketStatus.DONE:
        messages += [
            (duplicate, done_message(number=duplicate.number, original_number=ticket.number))
            for duplicate in _open_duplicates(session, ticket)
        ]
    addressed: set[tuple[str, str]] = set()
    for target, text in messages:
        address = recipient_of(target)
        if address is None or address in addressed:
            continue
        addressed.add(address)
        channel, recipient = address
        queue_message(
            session,
            ticket_id=target.id,
            tenant_id=target.tenant_id,
            channel=channel,
            recipient=recipient,
            text=text,
            now=now,
        )
    return len(addressed)


def _status_text(ticket: Ticket) -> str | None:
    if ticket.status == TicketStatus.PLANNED:
        part_of_day = ticket.planned_part_of_day
        return planned_message(
            number=ticket.number,
            planned_date=ticket.planned_date,
            part_of_day=PART_OF_DAY_LABELS[part_of_day] if part_of_day else None,
            someone_home_required=ticket.someone_home_required,
        )
    if ticket.status == TicketStatus.DONE:
        return done_message(number=ticket.number)
    if ticket.status == TicketStatus.CANCELLED:
        return cancelled_message(number=ticket.number)
    return None


def _open_duplicates(session: Session, ticket: Ticket) -> list[Ticket]:
    """The tickets that repeat `ticket`, also through other duplicates, not done or cancelled."""
    found: dict[int, Ticket] = {}
    frontier = [ticket.id]
    while frontier:
        query = select(Ticket).where(Ticket.duplicate_of_id.in_(frontier)).order_by(Ticket.id)
        children = [child for child in session.scalars(query) if child.id not in found]
        found.update((child.id, child) for child in children)
        frontier = [child.id for child in children]
    return [duplicate for duplicate in found.values() if not duplicate.is_final]


def recipient_of(ticket: Ticket) -> tuple[str, str] | None:
    """Where to send a message about `ticket`: (channel, recipient), or None if nowhere.

    WhatsApp: the phone number the report came from, else the tenant's first number.
    Other channels: the conversation's user id on that channel.
    """
    if ticket.channel != WHATSAPP_CHANNEL:
        return (ticket.channel, ticket.conversation_id) if ticket.conversation_id else None
    phone = phone_from_sender(ticket.conversation_id)
    if phone is None and ticket.tenant is not None:
        phone = next(iter(ticket.tenant.phone_numbers), None)
    return (WHATSAPP_CHANNEL, phone) if phone else None


def phone_from_sender(sender_id: str | None) -> str | None:
    """The phone number in a channel's sender id (WhatsApp), or None (Messenger, the simulator)."""
    # Twilio's sender ids look like `whatsapp:+31612345678`, Meta's like `31612345678`.
    if not sender_id:
        return None
    return normalise_phone(sender_id) or (normalise_phone(f"+{sender_id}") if sender_id.isdigit() else None)


def open_tickets_for_tenant(session: Session, *, tenant: Tenant) -> list[Ticket]:
    """The tenant's tickets that are not done or cancelled yet, oldest first."""
    query = (
        select(Ticket)
        .where(Ticket.tenant_id == tenant.id, Ticket.status.not_in(list(FINAL_STATUSES)))
        .order_by(Ticket.created_at, Ticket.id)
    )
    return list(session.scalars(query))


def request_callback(
    session: Session,
    *,
    reason: str,
    tenant: Tenant | None = None,
    phone: str | None = None,
    now: datetime | None = None,
) -> CallbackRequest:
    """Record that someone wants to be called back, by tenant, by phone number or both.

    Raises:
        ValueError: if neither a tenant nor a valid phone number is given.
    """
    number = normalise_phone(phone) if phone else None
    if phone and number is None:
        raise ValueError(f"not a valid phone number: {phone!r}")
    if tenant is None and number is None:
        raise ValueError("a callback request needs a tenant or a phone number")
    request = CallbackRequest(tenant=tenant, phone=number, reason=reason, requested_at=now or utcnow())
    session.add(request)
    session.flush()
    return request
