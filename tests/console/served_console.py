"""The web app served for console tests, on the test database, with the users a test needs."""

from collections.abc import Iterator
from contextlib import contextmanager

from bot.console.users import add_user
from bot.settings import load_settings
from bot.web.app import create_app
from tests.sanic_server import allow_several_apps, served

PASSWORD = "correct horse battery"


@contextmanager
def served_console(db_session, database_url: str, users: dict[str, str], **settings) -> Iterator[str]:
    """Add `users` (name -> role), serve the web app with these settings; yields its base URL."""
    allow_several_apps()
    for name, role in users.items():
        add_user(db_session, username=name, password=PASSWORD, role=role)
    db_session.commit()
    configured = load_settings(None, database_url=database_url, twilio_auth_token="t" * 20, **settings)
    with served(create_app(configured, name=f"console_{id(configured)}")) as port:
        yield f"http://127.0.0.1:{port}"
        db_session.rollback()  # SQLite: release the lock, so the web app can stop
