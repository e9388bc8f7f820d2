"""Demo data: a fictitious corporation to try the assistant with, the same on every run.

"Woonstichting De Linde" in the made-up town of Lindenburg has three complexes
(a gallery flat with a lift, a stairwell block and a row of family houses), 70 units,
tenants named "Demo <surname>", a few vacant units and past tenancies, and a
contractor for every trade.

Everything is recognisably fake:

- postcodes are all `9999 XA` to `9999 XD` (number 9999, letters starting with X);
- tenants' phone numbers are `06-12345000` to `06-12345999`, contractors'
  `06-12346000` to `06-12346999`; e-mail addresses end in the reserved `.example`;
- customer numbers are `DL-10001` and up.

`load_demo` only adds what is missing, so running it again changes nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.tenants import Complex, SharedArea, Tenant, TenantPhone, Unit
from bot.tickets import Contractor, Trade

CORPORATION = "Woonstichting De Linde"
TOWN = "Lindenburg"
SEED = 20260101
EMAIL_DOMAIN = "de-linde.example"
SURNAMES = (
    "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer",
    "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker",
    "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "Kok", "Jacobs",
)  # fmt: skip


@dataclass(frozen=True)
class DemoComplex:
    """A complex and its shared areas as (code, Dutch name) pairs."""

    code: str
    name: str
    building_type: str
    has_lift: bool
    shared_areas: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class DemoUnit:
    """A unit's address; the postcode without a space."""

    complex_code: str
    street: str
    postcode: str
    house_number: int
    addition: str = ""


@dataclass(frozen=True)
class DemoTenant:
    """A tenant and their tenancy of one unit."""

    customer_number: str
    last_name: str
    date_of_birth: date
    phones: tuple[str, ...]
    email: str | None
    unit: DemoUnit
    tenancy_start: date
    tenancy_end: date | None = None
    first_name: str = "Demo"


@dataclass(frozen=True)
class DemoContractor:
    """A contractor and the codes of the complexes it works for."""

    name: str
    trade: Trade
    phone: str
    on_call: bool
    complex_codes: tuple[str, ...]

    @property
    def email(self) -> str:
        return f"{self.trade.value.replace('_', '-')}@{EMAIL_DOMAIN}"


@dataclass(frozen=True)
class DemoDataset:
    """All demo data as plain values, in the order it is loaded."""

    complexes: tuple[DemoComplex, ...]
    units: tuple[DemoUnit, ...]
    tenants: tuple[DemoTenant, ...]
    contractors: tuple[DemoContractor, ...]


@dataclass
class DemoSummary:
    """How many rows of each kind `load_demo` added."""

    created: dict[str, int] = field(default_factory=dict)

    @property
    def changed_anything(self) -> bool:
        return any(self.created.values())

    def __str__(self) -> str:
        if not self.changed_anything:
            return "demo data already present"
        added = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in self.created.items() if n)
        return f"added demo data of {CORPORATION} ({TOWN}): {added}"


GALLERY = DemoComplex(
    code="DL-GAL",
    name="Galerijflat De Linde",
    building_type="gallery flat",
    has_lift=True,
    shared_areas=(
        ("lift", "lift"),
        ("gallery", "galerij"),
        ("stairwell", "trappenhuis"),
        ("entrance", "entree"),
        ("storage", "bergingen"),
        ("bin_room", "afvalruimte"),
    ),
)
STAIRWELL = DemoComplex(
    code="DL-POR",
    name="Portiekflat Beukenhof",
    building_type="stairwell block",
    has_lift=False,
    shared_areas=(
        ("stairwell", "trappenhuis"),
        ("entrance", "entree"),
        ("storage", "bergingen"),
        ("bicycle_shed", "fietsenstalling"),
    ),
)
HOUSES = DemoComplex(
    code="DL-EGW",
    name="Eengezinswoningen Kastanjestraat",
    building_type="family houses",
    has_lift=False,
    shared_areas=(("back_path", "achterpad"),),
)
COMPLEXES = (GALLERY, STAIRWELL, HOUSES)

CONTRACTORS = (
    ("Loodgietersbedrijf Demo Waterdicht", Trade.PLUMBER, True, None),
    ("Demo Elektro Lindenburg", Trade.ELECTRICIAN, True, None),
    ("Timmerbedrijf Demo Houtgoed", Trade.CARPENTER, False, None),
    ("Demo Slotenservice", Trade.LOCKSMITH, True, None),
    ("Demo CV-Service Warmtebron", Trade.HEATING, True, None),
    ("Glaszetterij Demo Helder", Trade.GLAZIER, True, None),
    ("Dakdekkersbedrijf Demo Droog", Trade.ROOFER, True, None),
    ("Demo Ongediertebestrijding", Trade.PEST_CONTROL, False, None),
    ("Demo Liftservice Noord", Trade.LIFT, True, (GALLERY.code,)),
    ("Demo Ventilatietechniek", Trade.VENTILATION, False, None),
    ("Schoonmaakbedrijf Demo Glans", Trade.CLEANER, False, (GALLERY.code, STAIRWELL.code)),
    ("Demo Onderhoud Lindenburg", Trade.GENERAL, True, None),
)


def _units() -> tuple[DemoUnit, ...]:
    gallery = [
        DemoUnit(GALLERY.code, "Lindenlaan", "9999XA" if number <= 14 else "9999XB", number)
        for number in range(1, 31)
    ]
    stairwell = [
        DemoUnit(STAIRWELL.code, "Beukenhof", "9999XC", entrance, str(door))
        for entrance in (2, 4, 6)
        for door in range(1, 9)
    ]
    houses = [DemoUnit(HOUSES.code, "Kastanjestraat", "9999XD", number) for number in range(1, 17)]
    return (*gallery, *stairwell, *houses)


def _random_date(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def _tenants(units: tuple[DemoUnit, ...], rng: random.Random) -> tuple[DemoTenant, ...]:
    vacant = set(rng.sample(range(len(units)), 6))
    with_past_tenancy = set(rng.sample(range(len(units)), 8))
    tenants: list[DemoTenant] = []

    def add(unit: DemoUnit, start: date, end: date | None) -> None:
        n = len(tenants)
        born = _random_date(rng, date(1940, 1, 1), min(date(2004, 12, 31), start - timedelta(days=18 * 366)))
        phones = (f"+31612345{n:03d}",) + ((f"+31612345{500 + n:03d}",) if n % 10 == 9 else ())
        email = f"demo.{n + 1}@{EMAIL_DOMAIN}" if n % 3 == 0 else None
        surname = SURNAMES[n % len(SURNAMES)]
        tenants.append(DemoTenant(f"DL-{10001 + n}", surname, born, phones, email, unit, start, end))

    for index, unit in enumerate(units):
        current_start = _random_date(rng, date(2000, 1, 1), date(2025, 6, 30))
        if index in with_past_tenancy:
            # The past tenant left the day before the current one moved in (if vacant: in 2025).
            end = date(2025, 8, 31) if index in vacant else current_start - timedelta(days=1)
            add(unit, _random_date(rng, date(1985, 1, 1), end - timedelta(days=365)), end)
        if index not in vacant:
            add(unit, current_start, None)
    return tuple(tenants)


def _contractors() -> tuple[DemoContractor, ...]:
    every_complex = tuple(c.code for c in COMPLEXES)
    return tuple(
        DemoContractor(name, trade, f"+31612346{index:03d}", on_call, codes or every_complex)
        for index, (name, trade, on_call, codes) in enumerate(CONTRACTORS, start=1)
    )


def demo_dataset() -> DemoDataset:
    """The demo data as plain values; the same on every call."""
    units = _units()
    return DemoDataset(COMPLEXES, units, _tenants(units, random.Random(SEED)), _contractors())


def load_demo(session: Session, dataset: DemoDataset | None = None) -> DemoSummary:
    """Add the demo data that is not in the database yet; never changes existing rows."""
    dataset = dataset or demo_dataset()
    summary = DemoSummary()
    complexes = _load_complexes(session, dataset, summary)
    units = _load_units(session, dataset, complexes, summary)
    _load_tenants(session, dataset, units, summary)
    _load_contractors(session, dataset, complexes, summary)
    session.flush()
    return summary


def _load_complexes(session: Session, dataset: DemoDataset, summary: DemoSummary) -> dict[str, Complex]:
    existing = {c.code: c for c in session.scalars(select(Complex))}
    added_complexes = added_areas = 0
    for demo in dataset.complexes:
        complex = existing.get(demo.code)
        if complex is None:
            complex = Complex(
                code=demo.code,
                name=demo.name,
                town=TOWN,
                building_type=demo.building_type,
                has_lift=demo.has_lift,
            )
            session.add(complex)
            existing[demo.code] = complex
            added_complexes += 1
        area_codes = {area.code for area in complex.shared_areas}
        for code, name in demo.shared_areas:
            if code not in area_codes:
                complex.shared_areas.append(SharedArea(code=code, name=name))
                added_areas += 1
    summary.created.update(complexes=added_complexes, shared_areas=added_areas)
    return existing


def _load_units(
    session: Session, dataset: DemoDataset, complexes: dict[str, Complex], summary: DemoSummary
) -> dict[DemoUnit, Unit]:
    existing = {(u.postcode, u.house_number, u.addition): u for u in session.scalars(select(Unit))}
    units: dict[DemoUnit, Unit] = {}
    added = 0
    for demo in dataset.units:
        unit = existing.get((demo.postcode, demo.house_number, demo.addition))
        if unit is None:
            unit = Unit(
                complex=complexes[demo.complex_code],
                street=demo.street,
                postcode=demo.postcode,
                house_number=demo.house_number,
                addition=demo.addition,
            )
            session.add(unit)
            added += 1
        units[demo] = unit
    summary.created["units"] = added
    return units


def _load_tenants(
    session: Session, dataset: DemoDataset, units: dict[DemoUnit, Unit], summary: DemoSummary
) -> None:
    existing = set(session.scalars(select(Tenant.customer_number)))
    added = 0
    for demo in dataset.tenants:
        if demo.customer_number in existing:
            continue
        session.add(
            Tenant(
                customer_number=demo.customer_number,
                first_name=demo.first_name,
                last_name=demo.last_name,
                date_of_birth=demo.date_of_birth,
                email=demo.email,
                unit=units[demo.unit],
                tenancy_start=demo.tenancy_start,
                tenancy_end=demo.tenancy_end,
                phones=[TenantPhone(number=number) for number in demo.phones],
            )
        )
        added += 1
    summary.created["tenants"] = added


def _load_contractors(
    session: Session, dataset: DemoDataset, complexes: dict[str, Complex], summary: DemoSummary
) -> None:
    existing = set(session.scalars(select(Contractor.name)))
    added = 0
    for demo in dataset.contractors:
        if demo.name in existing:
            continue
        session.add(
            Contractor(
                name=demo.name,
                trade=demo.trade,
                phone=demo.phone,
                email=demo.email,
                on_call=demo.on_call,
                complexes=[complexes[code] for code in demo.complex_codes],
            )
        )
        added += 1
    summary.created["contractors"] = added
