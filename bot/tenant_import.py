"""Import tenants from a CSV file exported by the corporation (see docs/import-tenants.md).

The whole file is checked before anything is written: every problem is reported as
a `RowError` with its line in the file (the header is line 1), and one bad row means
nothing is imported. A valid file is applied in the caller's transaction; tenants are
matched by customer number, so importing the same file twice changes nothing.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.tenants import (
    Complex,
    Tenant,
    TenantPhone,
    Unit,
    normalise_phone,
    normalise_postcode,
    parse_house_number,
)

COLUMNS = (
    "customer_number",
    "first_name",
    "last_name",
    "date_of_birth",
    "phone",
    "email",
    "postcode",
    "house_number",
    "complex_code",
    "tenancy_start",
    "tenancy_end",
)
OPTIONAL_COLUMNS = frozenset({"email", "tenancy_end"})
PHONE_SEPARATOR = ";"
MAX_NAME_LENGTH = 100
CUSTOMER_NUMBER_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,31}")
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True)
class RowError:
    """A problem in the file, at a line as an editor shows it (the header is line 1)."""

    line: int
    message: str

    def format(self, path: str | Path) -> str:
        return f"{path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class TenantRow:
    """One valid row of the file, normalised."""

    line: int
    customer_number: str
    first_name: str
    last_name: str
    date_of_birth: date
    phones: tuple[str, ...]
    email: str | None
    postcode: str
    house_number: int
    addition: str
    complex_code: str
    tenancy_start: date
    tenancy_end: date | None

    @property
    def address(self) -> tuple[str, int, str]:
        return self.postcode, self.house_number, self.addition


@dataclass
class ImportResult:
    """What an import did, or why it did nothing."""

    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return f"{self.created} new, {self.updated} updated, {self.unchanged} unchanged"


def import_tenants(session: Session, path: str | Path) -> ImportResult:
    """Check the whole file, then import it in `session` if it has no errors at all."""
    rows, errors = read_tenant_rows(Path(path))
    errors += check_against_database(session, rows)
    if errors:
        return ImportResult(errors=sorted(errors, key=lambda error: error.line))
    return apply_rows(session, rows)


def read_tenant_rows(path: Path) -> tuple[list[TenantRow], list[RowError]]:
    """Parse and check the file without a database: formats, required values, duplicates."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return [], [RowError(line, "not UTF-8 text: save the file as CSV UTF-8")]
    return parse_tenant_rows(text)


def parse_tenant_rows(text: str) -> tuple[list[TenantRow], list[RowError]]:
    """Parse and check CSV text; comma or semicolon separated, as spreadsheets export it."""
    text = text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        return [], [RowError(1, f"empty file: the first line must name the columns {', '.join(COLUMNS)}")]
    columns = [name.strip().lower() for name in header]
    errors = _check_header(columns)
    if errors:
        return [], errors
    rows: list[TenantRow] = []
    first_line_of: dict[str, int] = {}
    line = reader.line_num + 1
    for values in reader:
        if any(value.strip() for value in values):
            row, row_errors = _parse_row(line, columns, values)
            errors += row_errors
            if row is not None:
                errors += _check_duplicate(row, first_line_of)
                rows.append(row)
        line = reader.line_num + 1
    return rows, errors


def _check_header(columns: list[str]) -> list[RowError]:
    errors = [
        RowError(1, f"missing column {name!r}")
        for name in COLUMNS
        if name not in columns and name not in OPTIONAL_COLUMNS
    ]
    errors += [
        RowError(1, f"unknown column {name!r} (expected: {', '.join(COLUMNS)})")
        for name in columns
        if name not in COLUMNS
    ]
    errors += [
        RowError(1, f"column {name!r} appears twice")
        for name in sorted(set(columns))
        if columns.count(name) > 1
    ]
    return errors


def _check_duplicate(row: TenantRow, first_line_of: dict[str, int]) -> list[RowError]:
    first = first_line_of.setdefault(row.customer_number, row.line)
    if first == row.line:
        return []
    return [RowError(row.line, f"customer_number {row.customer_number!r} is already on line {first}")]


class _RowParser:
    """Collects every problem of one row instead of stopping at the first."""

    def __init__(self, line: int, values: dict[str, str]) -> None:
        self.line = line
        self.values = values
        self.errors: list[RowError] = []

    def error(self, message: str) -> None:
        self.errors.append(RowError(self.line, message))

    def text(self, column: str, *, required: bool = True, max_length: int = MAX_NAME_LENGTH) -> str:
        value = self.values.get(column, "")
        if required and not value:
            self.error(f"{column} is empty")
        elif len(value) > max_length:
            self.error(f"{column} is longer than {max_length} characters")
        return value

    def date(self, column: str, *, required: bool = True) -> date | None:
        value = self.values.get(column, "")
        if not value:
            if required:
                self.error(f"{column} is empty")
            return None
        try:
            if not DATE_PATTERN.fullmatch(value):
                raise ValueError
            return date.fromisoformat(value)
        except ValueError:
            self.error(f"{column}: {value!r} is not a date as YYYY-MM-DD")
            return None


def _parse_row(line: int, columns: list[str], values: list[str]) -> tuple[TenantRow | None, list[RowError]]:
    if len(values) > len(columns):
        return None, [RowError(line, f"{len(values)} values, but the header has {len(columns)} columns")]
    parser = _RowParser(line, {name: value.strip() for name, value in zip(columns, values, strict=False)})
    customer_number = parser.text("customer_number", max_length=32)
    if customer_number and not CUSTOMER_NUMBER_PATTERN.fullmatch(customer_number):
        parser.error(f"customer_number: {customer_number!r} may only have letters, digits and . _ / -")
    first_name = parser.text("first_name")
    last_name = parser.text("last_name")
    date_of_birth = parser.date("date_of_birth")
    if date_of_birth and date_of_birth > date.today():
        parser.error(f"date_of_birth: {date_of_birth} is in the future")
    phones = _parse_phones(parser)
    email = parser.text("email", required=False, max_length=254) or None
    if email and not EMAIL_PATTERN.fullmatch(email):
        parser.error(f"email: {email!r} is not an e-mail address")
    postcode = _parse_postcode(parser)
    house_number = _parse_house_number(parser)
    complex_code = parser.text("complex_code", max_length=32)
    tenancy_start = parser.date("tenancy_start")
    tenancy_end = parser.date("tenancy_end", required=False)
    if tenancy_start and tenancy_end and tenancy_end < tenancy_start:
        parser.error(f"tenancy_end {tenancy_end} is before tenancy_start {tenancy_start}")
    if parser.errors:
        return None, parser.errors
    return (
        TenantRow(
            line=line,
            customer_number=customer_number,
            first_name=first_name,
            last_name=last_name,
            date_of_birth=date_of_birth,
            phones=phones,
            email=email,
            postcode=postcode,
            house_number=house_number[0],
            addition=house_number[1],
            complex_code=complex_code,
            tenancy_start=tenancy_start,
            tenancy_end=tenancy_end,
        ),
        [],
    )


def _parse_phones(parser: _RowParser) -> tuple[str, ...]:
    raw = [part.strip() for part in parser.values.get("phone", "").split(PHONE_SEPARATOR) if part.strip()]
    if not raw:
        parser.error("phone is empty")
    phones: list[str] = []
    for value in raw:
        number = normalise_phone(value)
        if number is None:
            parser.error(f"phone: {value!r} is not a valid phone number")
        elif number not in phones:
            phones.append(number)
    return tuple(phones)


def _parse_postcode(parser: _RowParser) -> str:
    value = parser.values.get("postcode", "")
    postcode = normalise_postcode(value)
    if postcode is None:
        parser.error(
            f"postcode: {value!r} is not a Dutch postcode like 1234 AB" if value else "postcode is empty"
        )
    return postcode or ""


def _parse_house_number(parser: _RowParser) -> tuple[int, str]:
    value = parser.values.get("house_number", "")
    parsed = parse_house_number(value)
    if parsed is None:
        parser.error(
            f"house_number: {value!r} is not a house number like 12, 12a or 12-1"
            if value
            else "house_number is empty"
        )
    return parsed or (0, "")


def check_against_database(session: Session, rows: Iterable[TenantRow]) -> list[RowError]:
    """Problems that need the database: unknown complexes, units in another complex."""
    known = set(session.scalars(select(Complex.code)))
    units = {
        (unit.postcode, unit.house_number, unit.addition): code
        for unit, code in session.execute(select(Unit, Complex.code).join(Complex))
    }
    errors: list[RowError] = []
    for row in rows:
        if row.complex_code not in known:
            errors.append(RowError(row.line, f"complex_code: unknown complex {row.complex_code!r}"))
            continue
        # setdefault: a new address takes the complex of its first row in the file.
        complex_code = units.setdefault(row.address, row.complex_code)
        if complex_code != row.complex_code:
            address = f"{row.postcode} {row.house_number}{row.addition}"
            errors.append(
                RowError(row.line, f"unit {address} is in complex {complex_code}, not {row.complex_code}")
            )
    return errors


def apply_rows(session: Session, rows: Iterable[TenantRow]) -> ImportResult:
    """Create or update the tenants (and any new units) of rows that were checked."""
    complexes = {c.code: c for c in session.scalars(select(Complex))}
    units = {(u.postcode, u.house_number, u.addition): u for u in session.scalars(select(Unit))}
    tenants = {t.customer_number: t for t in session.scalars(select(Tenant))}
    result = ImportResult()
    for row in rows:
        unit = units.get(row.address)
        if unit is None:
            unit = units[row.address] = Unit(
                complex=complexes[row.complex_code],
                postcode=row.postcode,
                house_number=row.house_number,
                addition=row.addition,
            )
            session.add(unit)
        tenant = tenants.get(row.customer_number)
        if tenant is None:
            tenant = Tenant(customer_number=row.customer_number)
            session.add(tenant)
            _update_tenant(tenant, row, unit)
            result.created += 1
        elif _update_tenant(tenant, row, unit):
            result.updated += 1
        else:
            result.unchanged += 1
    session.flush()
    return result


def _update_tenant(tenant: Tenant, row: TenantRow, unit: Unit) -> bool:
    """Make `tenant` match `row`; whether anything changed."""
    wanted = {
        "first_name": row.first_name,
        "last_name": row.last_name,
        "date_of_birth": row.date_of_birth,
        "email": row.email,
        "unit": unit,
        "tenancy_start": row.tenancy_start,
        "tenancy_end": row.tenancy_end,
    }
    changed = False
    for name, value in wanted.items():
        if getattr(tenant, name) != value:
            setattr(tenant, name, value)
            changed = True
    if set(tenant.phone_numbers) != set(row.phones):
        kept = {phone.number: phone for phone in tenant.phones}
        tenant.phones = [kept.get(number) or TenantPhone(number=number) for number in row.phones]
        changed = True
    return changed
