"""Ticket lists for the back office: select tickets and write them as a table, CSV or JSON lines.

Every format has the same columns (`COLUMNS`). The export is about the work, not the
people: no tenant names, phone numbers, e-mail addresses or descriptions (tenants
write personal details there); the address is the unit's postcode and house number.
Times are shown in Dutch local time; `since` and `until` are local calendar days.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from bot.tenants import Complex, Unit
from bot.tickets import LOCAL_TIMEZONE, Ticket, TicketStatus, Urgency

COLUMNS = (
    "number",
    "created_at",
    "status",
    "urgency",
    "category",
    "trade",
    "problem",
    "room",
    "complex",
    "address",
    "duplicate_of",
)
TABLE_EMPTY = "-"
TABLE_GAP = "  "

Row = dict[str, Any]


def select_tickets(
    session: Session,
    *,
    statuses: Iterable[TicketStatus | str] = (),
    urgency: Urgency | str | None = None,
    complex_code: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[Ticket]:
    """The tickets that pass every given filter, oldest first.

    `since` and `until` are days in Dutch local time, both included, on `created_at`.

    Raises:
        ValueError: for an unknown status, urgency or complex, or `since` after `until`.
    """
    if since is not None and until is not None and since > until:
        raise ValueError(f"--since {since.isoformat()} is after --until {until.isoformat()}")
    query = (
        select(Ticket)
        .options(joinedload(Ticket.complex), joinedload(Ticket.unit), joinedload(Ticket.duplicate_of))
        .order_by(Ticket.created_at, Ticket.id)
    )
    wanted = [TicketStatus(status) for status in statuses]
    if wanted:
        query = query.where(Ticket.status.in_(wanted))
    if urgency is not None:
        query = query.where(Ticket.urgency == Urgency(urgency))
    if complex_code is not None:
        query = query.where(Ticket.complex_id == _complex_id(session, complex_code))
    if since is not None:
        query = query.where(Ticket.created_at >= _local_midnight(since))
    if until is not None:
        query = query.where(Ticket.created_at < _local_midnight(until + timedelta(days=1)))
    return list(session.scalars(query).unique())


def _complex_id(session: Session, code: str) -> int:
    complex_id = session.scalar(select(Complex.id).where(Complex.code == code))
    if complex_id is None:
        raise ValueError(f"unknown complex {code!r}")
    return complex_id


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=LOCAL_TIMEZONE)


def ticket_row(ticket: Ticket) -> Row:
    """A ticket's export values, in `COLUMNS` order; None where nothing is known."""
    return {
        "number": ticket.number,
        "created_at": ticket.created_at.astimezone(LOCAL_TIMEZONE),
        "status": ticket.status.value,
        "urgency": ticket.urgency.value,
        "category": ticket.category,
        "trade": ticket.trade.value if ticket.trade else None,
        "problem": ticket.problem,
        "room": ticket.room,
        "complex": ticket.complex.code if ticket.complex else None,
        "address": unit_address(ticket.unit) if ticket.unit else None,
        "duplicate_of": ticket.duplicate_of.number if ticket.duplicate_of else None,
    }


def unit_address(unit: Unit) -> str:
    """Postcode and house number, as the back office searches them: `9999XA 12-A`."""
    number = f"{unit.house_number}-{unit.addition}" if unit.addition else str(unit.house_number)
    return f"{unit.postcode} {number}"


def write_table(rows: Sequence[Row], out: IO[str]) -> None:
    """Aligned columns with a header, for reading in a terminal."""
    cells = [list(COLUMNS)] + [[_table_cell(row[column]) for column in COLUMNS] for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    for line in cells:
        out.write(
            TABLE_GAP.join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
            + "\n"
        )


def _table_cell(value: Any) -> str:
    if value is None:
        return TABLE_EMPTY
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def write_csv(rows: Sequence[Row], out: IO[str]) -> None:
    """CSV with a header row; times in ISO 8601 with their UTC offset, empty cells for unknown."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(["" if row[c] is None else _iso(row[c]) for c in COLUMNS])


def json_row(row: Row) -> dict[str, Any]:
    """A row as JSON values: times in ISO 8601 with their UTC offset, None for unknown."""
    return {column: _iso(row[column]) for column in COLUMNS}


def write_jsonl(rows: Sequence[Row], out: IO[str]) -> None:
    """One JSON object per ticket and line; times in ISO 8601, null for unknown."""
    for row in rows:
        out.write(json.dumps(json_row(row), ensure_ascii=False) + "\n")


def _iso(value: Any) -> Any:
    return value.isoformat(timespec="seconds") if isinstance(value, datetime) else value


FORMATS: dict[str, Callable[[Sequence[Row], IO[str]], None]] = {
    "table": write_table,
    "csv": write_csv,
    "jsonl": write_jsonl,
}


def export_tickets(session: Session, out: IO[str], *, format: str = "table", **filters: Any) -> int:
    """Write the tickets that pass `filters` (see `select_tickets`) to `out`; returns how many.

    Raises:
        ValueError: for an unknown format or filter value.
    """
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r} (choose from {', '.join(FORMATS)})")
    rows = [ticket_row(ticket) for ticket in select_tickets(session, **filters)]
    FORMATS[format](rows, out)
    return len(rows)
