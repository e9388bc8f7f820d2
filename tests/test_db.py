import sqlite3
from datetime import datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, Table, inspect, select, text

from bot import db
from bot.tenants import Complex
from bot.tickets import TicketHistory
from tests.db_fixtures import BACKENDS, fresh_database, make_complex

APP_TABLES = {
    "complexes",
    "shared_areas",
    "units",
    "tenants",
    "tenant_phones",
    "tickets",
    "ticket_history",
    "conversation_outcomes",
    "escalations",
    "console_users",
    "console_sessions",
    "handoffs",
    "agent_messages",
    "handoff_notes",
    "review_decisions",
    "review_flags",
    "inbound_messages",
    "satisfaction_scores",
    "nuisance_reports",
    "ticket_counters",
    "contractors",
    "contractor_complexes",
    "callback_requests",
    "outbox_messages",
    "verification_attempts",
    "verifications",
}


@pytest.fixture(params=BACKENDS)
def fresh_url(request, tmp_path):
    with fresh_database(request.param, tmp_path) as url:
        yield url


def test_sqlite_engine_enables_foreign_keys_and_busy_timeout(tmp_path):
    engine = db.create_engine_from_url(f"sqlite:///{tmp_path}/app.db")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == db.SQLITE_BUSY_TIMEOUT_MS
    engine.dispose()


def test_sqlite_engine_creates_the_directory_of_the_file(tmp_path):
    engine = db.create_engine_from_url(f"sqlite:///{tmp_path}/var/sub/app.db")
    with engine.connect() as connection:
        connection.exec_driver_sql("SELECT 1")
    assert (tmp_path / "var" / "sub" / "app.db").exists()
    engine.dispose()


def test_sqlite_transactions_take_the_write_lock_when_they_begin(tmp_path):
    path = tmp_path / "app.db"
    engine = db.create_engine_from_url(f"sqlite:///{path}")
    with engine.connect() as connection:
        connection.exec_driver_sql("SELECT 1")  # only reads, yet holds the write lock
        other = sqlite3.connect(path, timeout=0)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()
    engine.dispose()


def test_postgresql_engine_pings_connections_before_use():
    engine = db.create_engine_from_url("postgresql://postgres@127.0.0.1:5432/test")
    assert engine.pool._pre_ping
    engine.dispose()


def test_transaction_commits_on_success(db_session_factory):
    with db.transaction(db_session_factory) as session:
        make_complex(session, code="C-COMMIT")
    with db_session_factory() as session:
        assert session.scalars(select(Complex.code)).all() == ["C-COMMIT"]


def test_transaction_rolls_back_on_error(db_session_factory):
    with pytest.raises(RuntimeError), db.transaction(db_session_factory) as session:
        make_complex(session, code="C-ROLLBACK")
        raise RuntimeError("boom")
    with db_session_factory() as session:
        assert session.scalars(select(Complex)).all() == []


def test_foreign_keys_are_enforced(db_session):
    db_session.add(TicketHistory(ticket_id=12345, to_status="open", by="test"))
    with pytest.raises(Exception, match="(?i)foreign key"):
        db_session.flush()


def test_utc_datetime_returns_aware_utc_on_every_backend(db_engine):
    table = Table("stamps", MetaData(), Column("id", Integer, primary_key=True), Column("at", db.UTCDateTime))
    amsterdam = timezone(timedelta(hours=1))
    table.create(db_engine)
    try:
        with db_engine.begin() as connection:
            connection.execute(table.insert().values(id=1, at=datetime(2026, 1, 1, 12, 0, tzinfo=amsterdam)))
            stored = connection.execute(select(table.c.at)).scalar_one()
    finally:
        table.drop(db_engine)
    assert stored == datetime(2026, 1, 1, 11, 0, tzinfo=timezone.utc)
    assert stored.tzinfo == timezone.utc


def test_utc_datetime_refuses_naive_datetimes():
    with pytest.raises(ValueError, match="naive"):
        db.UTCDateTime().process_bind_param(datetime(2026, 1, 1), dialect=None)


def test_migrate_creates_every_table_and_matches_the_models(fresh_url):
    db.migrate(fresh_url)
    engine = db.create_engine_from_url(fresh_url)
    try:
        assert db.is_up_to_date(engine)
        assert set(inspect(engine).get_table_names()) == APP_TABLES | {"alembic_version"}
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, db.load_models()) == []
    finally:
        engine.dispose()


def test_migrate_down_to_base_and_up_again(fresh_url):
    db.migrate(fresh_url)
    db.downgrade(fresh_url, "base")
    engine = db.create_engine_from_url(fresh_url)
    try:
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        assert not db.is_up_to_date(engine)
        db.migrate(fresh_url)
        assert db.is_up_to_date(engine)
    finally:
        engine.dispose()


def test_migrate_twice_changes_nothing(fresh_url):
    db.migrate(fresh_url)
    db.migrate(fresh_url)
    engine = db.create_engine_from_url(fresh_url)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
    finally:
        engine.dispose()


def test_is_up_to_date_is_false_for_an_empty_database(tmp_path):
    engine = db.create_engine_from_url(f"sqlite:///{tmp_path}/empty.db")
    assert not db.is_up_to_date(engine)
    engine.dispose()


def test_migrated_engine_opens_a_migrated_database(tmp_path):
    url = f"sqlite:///{tmp_path}/app.db"
    db.migrate(url)
    with db.migrated_engine(url) as engine:
        assert engine is not None and db.is_up_to_date(engine)


def test_migrated_engine_refuses_an_unmigrated_database(tmp_path, capsys):
    with db.migrated_engine(f"sqlite:///{tmp_path}/empty.db") as engine:
        assert engine is None
    assert "python -m bot db-upgrade" in capsys.readouterr().err


def _schema(engine) -> dict[str, dict[str, list]]:
    """Tables with their columns, indexes, foreign keys and checks, as the database reports them."""
    inspector = inspect(engine)
    return {
        table: {
            "columns": [(c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)],
            "indexes": sorted(index["name"] for index in inspector.get_indexes(table)),
            "foreign_keys": sorted(str(fk["name"]) for fk in inspector.get_foreign_keys(table)),
            "checks": sorted(str(check["name"]) for check in inspector.get_check_constraints(table)),
        }
        for table in sorted(inspector.get_table_names())
    }


def test_migration_0002_adds_the_outbox_and_goes_back_cleanly(fresh_url):
    db.migrate(fresh_url, "0001")
    engine = db.create_engine_from_url(fresh_url)
    try:
        before = _schema(engine)
        with engine.begin() as connection:
            tickets = Table("tickets", MetaData(), autoload_with=connection)
            now = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
            connection.execute(
                tickets.insert().values(
                    number="R-2026-000001",
                    category="repair",
                    problem="leak",
                    description="",
                    urgency="normal",
                    status="open",
                    channel="whatsapp",
                    photos=[],
                    someone_home_required=False,
                    created_at=now,
                    updated_at=now,
                )
            )

        db.migrate(fresh_url, "0002")
        after = _schema(engine)
        assert set(after) - set(before) == {"outbox_messages"}
        added = [
            column[0] for column in after["tickets"]["columns"] if column not in before["tickets"]["columns"]
        ]
        assert added == ["object", "planned_part_of_day"]
        assert after["outbox_messages"]["foreign_keys"] == [
            "fk_outbox_messages_tenant_id_tenants",
            "fk_outbox_messages_ticket_id_tickets",
        ]
        with engine.connect() as connection:
            kept = connection.execute(text("SELECT number, object, planned_part_of_day FROM tickets")).all()
        assert [tuple(row) for row in kept] == [("R-2026-000001", None, None)]

        db.downgrade(fresh_url, "0001")
        assert _schema(engine) == before
        with engine.connect() as connection:
            assert connection.execute(text("SELECT number FROM tickets")).scalars().all() == ["R-2026-000001"]
    finally:
        engine.dispose()


def test_a_message_waits_for_a_restarting_postgresql_instead_of_failing():
    import threading
    import time

    from sqlalchemy import text

    from bot import db as db_module
    from tests.services import private_postgres

    with private_postgres() as server:
        engine = db_module.create_engine_from_url(server.url)
        sessions = db_module.session_factory(engine)
        with db_module.transaction(sessions) as session:
            session.execute(text("CREATE TABLE notes (body text)"))
        server.stop()
        threading.Timer(1.5, server.start).start()
        started = time.monotonic()
        db_module.wait_for_database(engine)
        with db_module.transaction(sessions) as session:
            session.execute(text("INSERT INTO notes VALUES ('de kraan lekt')"))
        assert time.monotonic() - started >= 1.0
        server.stop()
        with pytest.raises(db_module.OperationalError):
            db_module.wait_for_database(engine, seconds=1.0)
        server.start()
        with db_module.transaction(sessions) as session:
            assert session.execute(text("SELECT body FROM notes")).scalars().all() == ["de kraan lekt"]
        engine.dispose()
