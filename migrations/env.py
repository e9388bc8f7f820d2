"""Alembic environment: migrates the app database.

The database comes from, in this order: `config.attributes["connection"]` (an open
connection, set by `bot.db.migrate` and the tests), the `sqlalchemy.url` option if
code set one, or the settings' DATABASE_URL. SQLite runs in batch mode, so later
ALTER TABLE migrations work there too.
"""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection

from bot.db import create_engine_from_url, load_models

config = context.config
target_metadata = load_models()


def _database_url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from bot.settings import PROJECT_DIR, load_settings

    return load_settings(PROJECT_DIR / ".env").database_url


def _configure(**options) -> None:
    context.configure(
        target_metadata=target_metadata,
        compare_type=True,
        **options,
    )


def run_migrations_offline() -> None:
    """Write the SQL to standard output instead of running it (`alembic upgrade head --sql`)."""
    url = _database_url()
    _configure(
        url=url,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_on(connection: Connection) -> None:
    _configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_on(connection)
        return
    engine = create_engine_from_url(_database_url())
    try:
        with engine.connect() as connection:
            _run_on(connection)
    finally:
        engine.dispose()


if config.config_file_name is not None and "connection" not in config.attributes:
    fileConfig(config.config_file_name)

if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
