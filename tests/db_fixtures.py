"""Database fixtures and factories for the data-layer tests.

`db_engine` is a migrated database on each backend (a SQLite file and a PostgreSQL
database created for this test session), with empty tables at the start of every
test. PostgreSQL is required: if it is unreachable the tests fail, they do not skip.
Point TEST_POSTGRES_URL at another server's maintenance database if needed.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from bot import db
from bot.tenants import Complex, SharedArea, Tenant, TenantPhone, Unit

POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = ("sqlite", "postgresql")


def _admin_connection():
    import psycopg2

    try:
        connection = psycopg2.connect(POSTGRES_ADMIN_URL, connect_timeout=5)
    except psycopg2.OperationalError as error:
        problem = str(error).strip()
    else:
        connection.autocommit = True
        return connection
    shown = make_url(POSTGRES_ADMIN_URL).render_as_string(hide_password=True)
    pytest.fail(
        f"PostgreSQL is not reachable at {shown}: {problem}\n"
        "The data-layer tests need a real PostgreSQL (set TEST_POSTGRES_URL to use another server).",
        pytrace=False,
    )


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """A new, empty, uniquely named PostgreSQL database, dropped afterwards."""
    name = f"huurder_test_{uuid.uuid4().hex[:12]}"
    connection = _admin_connection()
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.close()


@contextmanager
def fresh_database(backend: str, tmp_dir) -> Iterator[str]:
    """The URL of a new, empty database on `backend`."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_dir / f'{uuid.uuid4().hex[:8]}.db'}"
    else:
        with fresh_postgres_database() as url:
            yield url


@pytest.fixture(scope="session")
def engine_cache() -> Iterator[Callable[[str], Engine]]:
    """One engine per URL for the whole session, disposed at the end."""
    engines: dict[str, Engine] = {}

    def get(url: str) -> Engine:
        if url not in engines:
            engines[url] = db.create_engine_from_url(url)
        return engines[url]

    yield get
    for engine in engines.values():
        engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def migrated_url(request, tmp_path_factory, engine_cache) -> Iterator[str]:
    """A database migrated to head, shared by the session's tests on that backend."""
    with fresh_database(request.param, tmp_path_factory.mktemp("db")) as url:
        db.migrate(url)
        yield url
        # Close pooled connections before the database is dropped.
        engine_cache(url).dispose()


@pytest.fixture
def db_engine(migrated_url: str, engine_cache) -> Engine:
    """The migrated database of the current backend, with every table emptied."""
    engine = engine_cache(migrated_url)
    _empty_tables(engine)
    return engine


def _empty_tables(engine: Engine) -> None:
    tables = db.load_models().sorted_tables
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(table.name for table in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                connection.execute(table.delete())


@pytest.fixture
def db_session_factory(db_engine: Engine):
    return db.session_factory(db_engine)


@pytest.fixture
def db_session(db_session_factory) -> Iterator[Session]:
    with db_session_factory() as session:
        yield session


# Factories: the smallest valid objects, with overrides for what a test is about.


_numbers = itertools.count(1)


def _next(prefix: str) -> str:
    return f"{prefix}{next(_numbers)}"


def make_complex(session: Session, **overrides) -> Complex:
    values = {"code": _next("C-"), "name": "Testflat", "town": "Lindenburg", "building_type": "gallery flat"}
    complex = Complex(**{**values, **overrides})
    session.add(complex)
    session.flush()
    return complex


def make_shared_area(
    session: Session, *, complex: Complex, code: str = "lift", name: str = "lift"
) -> SharedArea:
    area = SharedArea(complex=complex, code=code, name=name)
    session.add(area)
    session.flush()
    return area


def make_unit(session: Session, *, complex: Complex | None = None, **overrides) -> Unit:
    values = {"postcode": "9999XA", "house_number": next(_numbers), "addition": "", "street": "Lindenlaan"}
    unit = Unit(complex=complex or make_complex(session), **{**values, **overrides})
    session.add(unit)
    session.flush()
    return unit


def make_tenant(
    session: Session, *, unit: Unit | None = None, phones: tuple[str, ...] = ("+31612345678",), **overrides
) -> Tenant:
    values = {
        "customer_number": _next("T-"),
        "first_name": "Demo",
        "last_name": "Jansen",
        "date_of_birth": date(1980, 1, 1),
        "tenancy_start": date(2020, 1, 1),
    }
    tenant = Tenant(
        unit=unit or make_unit(session),
        phones=[TenantPhone(number=number) for number in phones],
        **{**values, **overrides},
    )
    session.add(tenant)
    session.flush()
    return tenant


def run_concurrently(work: Callable[[], None], *, threads: int) -> None:
    """Run `work` in `threads` threads that start together; fail with the first error any raised."""
    import threading

    start = threading.Barrier(threads)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            work()
        except BaseException as error:  # noqa: BLE001 - re-raised below, in the test's thread
            errors.append(error)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    if errors:
        raise errors[0]


def make_verified_tenant(
    session: Session, *, conversation_id: str, house_number: int = 7, date_of_birth: date = date(1970, 1, 16)
) -> Tenant:
    """A tenant at 9999XA `house_number` whose conversation has passed verification."""
    from bot.verification import VerificationService

    tenant = make_tenant(
        session,
        unit=make_unit(session, postcode="9999XA", house_number=house_number),
        date_of_birth=date_of_birth,
    )
    session.commit()
    result = VerificationService(session).check(
        conversation_id, None, postcode="9999XA", house_number=str(house_number),
        date_of_birth=date_of_birth, customer_number=None,
    )  # fmt: skip
    session.commit()
    assert result.status.value == "verified"
    return tenant
