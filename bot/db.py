"""The app database: declarative base, engine and session factories, migrations.

Nothing is opened at import: callers build an engine with `create_engine_from_url`
and sessions with `session_factory`, usually from `Settings.database_url`.

SQLite (development, demos, tests) and PostgreSQL (production) are both supported.
On SQLite every transaction starts with `BEGIN IMMEDIATE`: it takes the single write
lock up front, so concurrent writers queue on the busy timeout instead of failing with
"database is locked" when a reading transaction later wants to write.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from sqlalchemy import MetaData, event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.engine import create_engine as _create_engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, declarative_base, sessionmaker
from sqlalchemy.types import DateTime, TypeDecorator

PROJECT_DIR = Path(__file__).resolve().parents[1]
ALEMBIC_INI = PROJECT_DIR / "alembic.ini"
SQLITE_BUSY_TIMEOUT_MS = 30_000
# How long a transaction waits for a PostgreSQL server that does not answer (a restart).
DATABASE_RETRY_SECONDS = 10.0
logger = logging.getLogger(__name__)

# Stable constraint names, so migrations can refer to them on both backends.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Base = declarative_base(metadata=MetaData(naming_convention=NAMING_CONVENTION))


class UTCDateTime(TypeDecorator):
    """A timestamp that is stored as UTC and always comes back timezone-aware (UTC).

    SQLite keeps no time zone, PostgreSQL converts to the session's; this type makes
    both return the same aware UTC values. Naive datetimes are refused.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass an aware datetime (UTC)")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(timezone.utc)


def error_kind(error: BaseException) -> str:
    """The class of an error and of its cause, never its message.

    SQL errors carry their parameters (a tenant's words, a phone number), which must not
    reach the logs.
    """
    cause = getattr(error, "orig", None) or error.__cause__
    if cause is not None and cause is not error:
        return f"{type(error).__name__} ({type(cause).__name__})"
    return type(error).__name__


def load_models() -> MetaData:
    """Import every model module and return the complete metadata."""
    import bot.channels.inbound  # noqa: F401
    import bot.console.sessions  # noqa: F401
    import bot.console.users  # noqa: F401
    import bot.escalation  # noqa: F401
    import bot.handoff.models  # noqa: F401
    import bot.nuisance  # noqa: F401
    import bot.outbox  # noqa: F401
    import bot.outcomes  # noqa: F401
    import bot.review.models  # noqa: F401
    import bot.tenants  # noqa: F401
    import bot.tickets  # noqa: F401
    import bot.verification  # noqa: F401

    return Base.metadata


def create_engine_from_url(url: str) -> Engine:
    """Create an engine for a SQLite or PostgreSQL URL, configured for the app.

    SQLite: foreign keys on, a busy timeout, `BEGIN IMMEDIATE` transactions, and the
    database file's directory created if needed. PostgreSQL: `pool_pre_ping`, so a
    connection dropped by a restart or a firewall is replaced instead of failing a request.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = _create_engine(parsed, future=True)
        _configure_sqlite(engine)
        return engine
    return _create_engine(parsed, future=True, pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, connection_record) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def session_factory(engine: Engine) -> sessionmaker:
    """A session factory bound to `engine`.

    Objects stay usable after commit (`expire_on_commit=False`), so callers can read
    what they created once the transaction is over.
    """
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker) -> Iterator[Session]:
    """A session in one transaction: committed on success, rolled back on error, then closed."""
    with factory() as session, session.begin():
        yield session


def wait_for_database(engine: Engine, seconds: float | None = None) -> None:
    """Return once the database accepts a connection; raise its error after `seconds`.

    A tenant's message waits here (up to `DATABASE_RETRY_SECONDS`) while PostgreSQL restarts,
    instead of failing. SQLite needs no wait.
    """
    if engine.dialect.name == "sqlite":
        return
    deadline = time.monotonic() + (DATABASE_RETRY_SECONDS if seconds is None else seconds)
    delay = 0.25
    while True:
        try:
            with engine.connect():
                return
        except OperationalError as error:
            if time.monotonic() + delay > deadline:
                raise
            logger.warning("the app database does not answer (%s); trying again", error_kind(error))
            time.sleep(delay)
            delay = min(delay * 2, 2.0)


@lru_cache(maxsize=4)
def engine_for(url: str) -> Engine:
    """One engine per database URL and process, created when first needed."""
    return create_engine_from_url(url)


@contextmanager
def app_transaction(database_url: str) -> Iterator[Session]:
    """One transaction on the app database at `database_url` (for actions and commands)."""
    with transaction(session_factory(engine_for(database_url))) as session:
        yield session


def _alembic_config(connection: Connection):
    from alembic.config import Config

    config = Config(str(ALEMBIC_INI))
    config.attributes["connection"] = connection
    return config


def _run_alembic(url: str, direction: str, revision: str) -> None:
    """Run `alembic upgrade|downgrade REVISION` on the database at `url`, in one transaction."""
    from alembic import command

    engine = create_engine_from_url(url)
    try:
        with engine.begin() as connection:
            getattr(command, direction)(_alembic_config(connection), revision)
    finally:
        engine.dispose()


def migrate(url: str, revision: str = "head") -> None:
    """Upgrade the database at `url` to `revision` (`alembic upgrade head`)."""
    _run_alembic(url, "upgrade", revision)


def downgrade(url: str, revision: str) -> None:
    """Downgrade the database at `url` to `revision` (`base` drops every table)."""
    _run_alembic(url, "downgrade", revision)


def is_up_to_date(engine: Engine) -> bool:
    """Whether the database behind `engine` is migrated to the latest revision."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
        heads = set(ScriptDirectory.from_config(_alembic_config(connection)).get_heads())
    return current == heads


@contextmanager
def migrated_engine(url: str) -> Iterator[Engine | None]:
    """An engine on the database at `url`, or None (after saying so on stderr) if it is not migrated.

    For commands: the engine is disposed of when the block ends.
    """
    engine = create_engine_from_url(url)
    try:
        if not is_up_to_date(engine):
            print("The database schema is not up to date: run `python -m bot db-upgrade`.", file=sys.stderr)
            yield None
        else:
            yield engine
    finally:
        engine.dispose()
