"""Complexes, units and tenants: the models, input normalisation and look-ups.

Phone numbers are stored in E.164 (`+31612345678`), postcodes without a space
(`1234AB`), house numbers as a number plus an upper-case addition (`12`, `A`);
an empty addition means none. A tenancy runs from `tenancy_start` up to and
including `tenancy_end`; no end means it is current.
"""

from __future__ import annotations

import re
from datetime import date

import phonenumbers
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    or_,
    select,
)
from sqlalchemy.orm import Session, relationship

from bot.db import Base

DEFAULT_REGION = "NL"
WHATSAPP_PREFIX = "whatsapp:"
# Four digits (no leading zero) and two letters; SA, SD and SS are never issued.
POSTCODE_PATTERN = re.compile(r"([1-9][0-9]{3})\s?([A-Z]{2})")
UNUSED_POSTCODE_LETTERS = {"SA", "SD", "SS"}
# `12`, `12a`, `12 A`, `12-1`, `12-hs`, `12a-1`: a number (all its digits), then an optional
# addition of letters and digits in groups divided by spaces, dashes or slashes.
HOUSE_NUMBER_PATTERN = re.compile(r"([1-9][0-9]{0,4})(?![0-9])(?:[\s/-]*([A-Z0-9]+(?:[\s/-]+[A-Z0-9]+)*))?")
MAX_ADDITION_LENGTH = 6


class Complex(Base):
    """A building or group of homes the corporation manages as one, e.g. a gallery flat."""

    __tablename__ = "complexes"

    id = Column(Integer, primary_key=True)
    code = Column(String(32), nullable=False, unique=True)
    name = Column(String(200), nullable=False)
    town = Column(String(100), nullable=False)
    # Free text for people: gallery flat, stairwell block, family houses, ...
    building_type = Column(String(50), nullable=False)
    has_lift = Column(Boolean, nullable=False, default=False)

    shared_areas = relationship(
        "SharedArea", back_populates="complex", cascade="all, delete-orphan", order_by="SharedArea.id"
    )
    units = relationship("Unit", back_populates="complex", order_by="Unit.id")

    def __repr__(self) -> str:
        return f"<Complex {self.code}>"


class SharedArea(Base):
    """A part of a complex all its tenants share: lift, gallery, stairwell, storage, ..."""

    __tablename__ = "shared_areas"
    __table_args__ = (UniqueConstraint("complex_id", "code"),)

    id = Column(Integer, primary_key=True)
    complex_id = Column(ForeignKey("complexes.id", ondelete="CASCADE"), nullable=False, index=True)
    code = Column(String(32), nullable=False)
    # Dutch, as tenants call it: "lift", "galerij", "trappenhuis".
    name = Column(String(100), nullable=False)

    complex = relationship("Complex", back_populates="shared_areas")

    def __repr__(self) -> str:
        return f"<SharedArea {self.code} of complex {self.complex_id}>"


class Unit(Base):
    """One rented home (verhuureenheid), identified by postcode, house number and addition."""

    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("postcode", "house_number", "addition"),)

    id = Column(Integer, primary_key=True)
    complex_id = Column(ForeignKey("complexes.id"), nullable=False, index=True)
    street = Column(String(200), nullable=True)
    postcode = Column(String(6), nullable=False)
    house_number = Column(Integer, nullable=False)
    addition = Column(String(MAX_ADDITION_LENGTH), nullable=False, default="")

    complex = relationship("Complex", back_populates="units")
    tenants = relationship("Tenant", back_populates="unit", order_by="Tenant.tenancy_start")

    @property
    def address(self) -> str:
        """The address as written on a letter: `Lindenlaan 12-A, 9999 XA`."""
        number = f"{self.house_number}-{self.addition}" if self.addition else str(self.house_number)
        street = f"{self.street} {number}" if self.street else number
        return f"{street}, {self.postcode[:4]} {self.postcode[4:]}"

    def __repr__(self) -> str:
        return f"<Unit {self.postcode} {self.house_number}{self.addition}>"


class Tenant(Base):
    """A tenant (huurder) of one unit for one tenancy period."""

    __tablename__ = "tenants"
    __table_args__ = (
        CheckConstraint("tenancy_end IS NULL OR tenancy_end >= tenancy_start", name="tenancy_period"),
    )

    id = Column(Integer, primary_key=True)
    customer_number = Column(String(32), nullable=False, unique=True)
    first_name = Column(String(100), nullable=False)
    last_name = Column(String(100), nullable=False)
    date_of_birth = Column(Date, nullable=False)
    email = Column(String(254), nullable=True)
    unit_id = Column(ForeignKey("units.id"), nullable=False, index=True)
    tenancy_start = Column(Date, nullable=False)
    tenancy_end = Column(Date, nullable=True)

    unit = relationship("Unit", back_populates="tenants")
    phones = relationship(
        "TenantPhone", back_populates="tenant", cascade="all, delete-orphan", order_by="TenantPhone.id"
    )

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def phone_numbers(self) -> list[str]:
        return [phone.number for phone in self.phones]

    def is_current(self, on: date) -> bool:
        """Whether the tenancy runs on `on` (start and end day included)."""
        return self.tenancy_start <= on and (self.tenancy_end is None or on <= self.tenancy_end)

    def __repr__(self) -> str:
        return f"<Tenant {self.customer_number}>"


class TenantPhone(Base):
    """A phone number of a tenant, in E.164; one tenant may have several."""

    __tablename__ = "tenant_phones"
    __table_args__ = (UniqueConstraint("tenant_id", "number"),)

    id = Column(Integer, primary_key=True)
    tenant_id = Column(ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False)
    number = Column(String(16), nullable=False, index=True)

    tenant = relationship("Tenant", back_populates="phones")


def normalise_phone(raw: str | None) -> str | None:
    """A phone number in E.164, or None if it is not a valid number.

    Accepts Dutch national (`06-12345678`), international (`+31 6 12345678`, `0031612345678`)
    and WhatsApp sender (`whatsapp:+31612345678`) notations.
    """
    if not raw:
        return None
    text = raw.strip()
    if text.lower().startswith(WHATSAPP_PREFIX):
        text = text[len(WHATSAPP_PREFIX) :].strip()
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_postcode(raw: str | None) -> str | None:
    """A Dutch postcode as `1234AB`, or None if `raw` is not one (`1234 ab` is fine)."""
    if not raw:
        return None
    match = POSTCODE_PATTERN.fullmatch(raw.strip().upper())
    if match is None or match.group(2) in UNUSED_POSTCODE_LETTERS:
        return None
    return match.group(1) + match.group(2)


def parse_house_number(raw: str | int | None) -> tuple[int, str] | None:
    """Split a house number into number and addition, or None if it is not one.

    `12` -> (12, ""), `12a` and `12 A` -> (12, "A"), `12-1` -> (12, "1"), `12a-1` -> (12, "A1").
    """
    if raw is None:
        return None
    match = HOUSE_NUMBER_PATTERN.fullmatch(str(raw).strip().upper())
    if match is None:
        return None
    addition = normalise_addition(match.group(2))
    if len(addition) > MAX_ADDITION_LENGTH:
        return None
    return int(match.group(1)), addition


def normalise_addition(raw: str | None) -> str:
    """A house-number addition without separators, upper case; `""` for none."""
    return re.sub(r"[\s\-/]", "", raw or "").upper()


def _current_on(on: date):
    return (Tenant.tenancy_start <= on) & or_(Tenant.tenancy_end.is_(None), Tenant.tenancy_end >= on)


def find_tenants_by_phone(session: Session, *, phone: str, on: date | None = None) -> list[Tenant]:
    """The tenants with this phone number whose tenancy runs on `on` (default: today).

    Usually one; several when housemates share a number. Ended tenancies never match.
    """
    number = normalise_phone(phone)
    if number is None:
        return []
    query = (
        select(Tenant)
        .join(TenantPhone)
        .where(TenantPhone.number == number, _current_on(on or date.today()))
        .order_by(Tenant.id)
    )
    return list(session.scalars(query))


def find_unit(
    session: Session, *, postcode: str, house_number: int, addition: str | None = None
) -> Unit | None:
    """The unit at this address, or None; the postcode and addition may be in any notation."""
    normalised = normalise_postcode(postcode)
    if normalised is None:
        return None
    query = select(Unit).where(
        Unit.postcode == normalised,
        Unit.house_number == house_number,
        Unit.addition == normalise_addition(addition),
    )
    return session.scalars(query).one_or_none()


def current_tenant(session: Session, *, unit: Unit, on: date | None = None) -> Tenant | None:
    """The tenant whose tenancy of `unit` runs on `on` (default: today), or None if vacant."""
    query = (
        select(Tenant)
        .where(Tenant.unit_id == unit.id, _current_on(on or date.today()))
        .order_by(Tenant.tenancy_start.desc(), Tenant.id.desc())
        .limit(1)
    )
    return session.scalars(query).first()
