import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from bot.console.users import add_user
from bot.settings import load_settings
from bot.tickets import CallbackRequest, request_callback
from bot.web.app import create_app
from tests.db_fixtures import make_tenant
from tests.sanic_server import allow_several_apps, served

PASSWORD = "correct horse battery"


class Browser:
    """Cookies kept, redirects followed, like a browser; answers (status, final URL, body)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def open(self, path: str, form: dict | None = None):
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(f"{self.base}{path}", data=data, timeout=10) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.geturl(), error.read().decode()

    def csrf(self, path: str) -> str:
        return re.search(r'name="csrf_token" value="([^"]+)"', self.open(path)[2]).group(1)

    def log_in(self, username: str, password: str = PASSWORD):
        token = self.csrf("/console/login")
        return self.open("/console/login", {"csrf_token": token, "username": username, "password": password})


@contextmanager
def console(database_url):
    allow_several_apps()
    settings = load_settings(None, database_url=database_url, twilio_auth_token="t" * 20)
    with served(create_app(settings, name=f"console_{id(settings)}")) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
def base(db_session, migrated_url):
    add_user(db_session, username="agent1", password=PASSWORD, role="agent")
    db_session.commit()
    with console(migrated_url) as url:
        yield url


@pytest.mark.parametrize(
    "path", ["/console", "/console/callbacks", "/console/queue", "/console/conversations/1"]
)
def test_without_a_session_only_the_login_page_is_shown(base, path):
    status, url, body = Browser(base).open(path)
    assert status == 200 and url.endswith("/console/login") and "Inloggen" in body


def test_a_post_without_a_session_or_without_the_csrf_token_changes_nothing(base, db_session):
    tenant = make_tenant(db_session)
    request = request_callback(db_session, reason="huurachterstand", tenant=tenant)
    db_session.commit()
    stranger = Browser(base)
    assert stranger.open(f"/console/callbacks/{request.id}/done", {"csrf_token": "x"})[1].endswith(
        "/console/login"
    )
    agent = Browser(base)
    agent.log_in("agent1")
    assert agent.open(f"/console/callbacks/{request.id}/done", {"csrf_token": "forged"})[0] == 403
    db_session.expire_all()
    assert db_session.get(CallbackRequest, request.id).handled_at is None
    db_session.rollback()  # SQLite: release the lock, so the web app can stop


def test_a_wrong_password_says_nothing_about_which_part_was_wrong(base):
    wrong_password = Browser(base).log_in("agent1", "not the password")
    unknown_user = Browser(base).log_in("nobody", PASSWORD)
    assert wrong_password[0] == unknown_user[0] == 401
    assert "klopt niet" in wrong_password[2] and "klopt niet" in unknown_user[2]


def test_the_login_form_needs_its_own_csrf_token(base):
    status, _, _ = Browser(base).open(
        "/console/login", {"csrf_token": "x", "username": "agent1", "password": PASSWORD}
    )
    assert status == 403


def test_an_agent_sees_open_callbacks_with_phone_and_reason_and_marks_one_done(base, db_session):
    tenant = make_tenant(db_session, phones=("+31612345001",))
    first = request_callback(
        db_session,
        reason="<script>alert('x')</script> huur",
        tenant=tenant,
        now=datetime(2026, 11, 27, 21, 0, tzinfo=timezone.utc),
    )
    request_callback(db_session, reason="overlast buren", phone="0612345099")
    db_session.commit()
    agent = Browser(base)
    status, url, _ = agent.log_in("agent1")
    assert status == 200 and url.endswith("/console/queue")
    status, url, body = agent.open("/console/callbacks")
    assert "+31612345001" in body and "+31612345099" in body and "overlast buren" in body
    assert "<script>alert" not in body and "&lt;script&gt;alert" in body  # the tenant's words stay text
    assert "30-11 17:00" in body  # asked Friday night: we promised Monday, before closing
    token = re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)
    status, _, body = agent.open(f"/console/callbacks/{first.id}/done", {"csrf_token": token})
    assert status == 200 and "afgehandeld" in body and "&lt;script&gt;" not in body
    done = db_session.scalars(select(CallbackRequest).where(CallbackRequest.id == first.id)).one()
    db_session.refresh(done)
    assert done.handled_by == "agent1" and done.handled_at is not None
    db_session.rollback()  # SQLite: release the lock, so the web app can stop


def test_log_out_ends_the_session(base):
    agent = Browser(base)
    _, _, body = agent.log_in("agent1")
    token = re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)
    assert agent.open("/console/logout", {"csrf_token": token})[1].endswith("/console/login")
    assert agent.open("/console/callbacks")[1].endswith("/console/login")


def test_pages_forbid_framing_and_foreign_scripts(base):
    request = urllib.request.Request(f"{base}/console/login")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
        cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
