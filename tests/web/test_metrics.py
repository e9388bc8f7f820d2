import json
import socket
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from datetime import timedelta
from types import SimpleNamespace

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.access import is_local_request
from bot.db import utcnow
from bot.handoff.models import CLAIMED, CLOSED, QUEUED, Handoff
from bot.outbox import mark_failed, queue_message
from bot.settings import load_settings
from bot.tickets import TicketStatus, change_status, open_ticket, request_callback
from bot.web.app import create_app
from bot.web.metrics import DATABASE_READERS, DATABASE_TIMEOUT_SECONDS
from tests.db_fixtures import make_tenant
from tests.sanic_server import allow_several_apps, free_port, served

TOKEN = "metrics-token-0123456789"
PHONE = "+31612349876"


@contextmanager
def _serve(database_url):
    allow_several_apps()
    settings = load_settings(
        None, database_url=database_url, web_api_token=TOKEN, twilio_auth_token="sim-token-0123456789abcdef"
    )
    app = create_app(settings, name=f"web_{time.monotonic_ns()}")
    with served(app) as port:
        yield app, f"http://127.0.0.1:{port}"


def _get(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _health(base):
    started = time.monotonic()
    status, body = _get(f"{base}/health")
    return status, json.loads(body), time.monotonic() - started


def _scrape(base):
    """The samples of /metrics as {(name, ((label, value), ...)): value}, and the raw text."""
    status, body = _get(f"{base}/metrics")
    assert status == 200, body
    samples = {}
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples, body


def _one(samples, name, **labels):
    return samples[(name, tuple(sorted(labels.items())))]


@pytest.fixture
def unreachable_postgres_url():
    """A PostgreSQL URL on a port nothing listens on: every connection is refused at once."""
    return f"postgresql://postgres:geheim-wachtwoord@127.0.0.1:{free_port()}/test"


class SilentServer:
    """A TCP server that accepts connections and never says a word: a hung database."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen()
        self.port = self.listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                self.accepted.append(self.listener.accept()[0])
            except OSError:  # closed
                return

    def close(self) -> None:
        """Refuse new connections and end the hung ones, so the waiting reads fail."""
        self.listener.close()
        for connection in self.accepted:
            connection.close()


def _add_pending(session, *, channel="whatsapp", age=timedelta(0)):
    """A message that waits: its back-off keeps the delivery loop off it."""
    message = queue_message(
        session, ticket_id=None, tenant_id=None, channel=channel, recipient=PHONE, text="Hoi",
        now=utcnow() - age,
    )  # fmt: skip
    message.next_attempt_at = utcnow() + timedelta(hours=1)
    return message


def _add_handoff(session, status):
    session.add(Handoff(conversation_id=f"whatsapp:{PHONE}", channel="whatsapp", recipient=PHONE,
                        reason="asked_for_person", status=status))  # fmt: skip


def test_health_is_ok_with_the_backlog_and_the_age_of_the_oldest_waiting_message(db_session, migrated_url):
    _add_pending(db_session, age=timedelta(minutes=10))
    _add_pending(db_session, channel="messenger")
    db_session.commit()
    with _serve(migrated_url) as (_, base):
        status, report, _ = _health(base)
    assert status == 200
    assert report["status"] == "ok" and report["database"] == "ok" and report["delivery_loop"] == "running"
    assert report["outbox_backlog"] == 2
    assert 600 <= report["outbox_oldest_pending_seconds"] < 700


def test_health_is_503_within_the_timeout_when_the_database_refuses_connections(
    unreachable_postgres_url, caplog
):
    with _serve(unreachable_postgres_url) as (_, base):
        status, report, took = _health(base)
    logged = [record.getMessage() for record in caplog.records if record.name == "bot.web.metrics"]
    assert logged == ["health: the app database is unavailable (OperationalError)"]
    assert status == 503 and took < DATABASE_TIMEOUT_SECONDS + 0.5
    assert report["status"] == "unavailable" and report["database"] == "down"
    assert report["database_error"] == "OperationalError" and report["outbox_backlog"] is None
    # Only the kind of failure: neither the URL, its password nor the driver's message.
    assert "geheim" not in json.dumps(report) and "127.0.0.1" not in json.dumps(report)


def test_health_and_metrics_answer_within_the_timeout_when_the_database_hangs(caplog):
    database = SilentServer()
    with _serve(f"postgresql://postgres@127.0.0.1:{database.port}/test") as (_, base):
        try:
            # Each check leaves a reader thread hung; the scrape, a read more than there are
            # threads, waits for one within the same timeout.
            for _ in range(DATABASE_READERS):
                status, report, took = _health(base)
                assert status == 503 and report["database_error"] == "timeout"
                assert took < DATABASE_TIMEOUT_SECONDS + 0.5
            started = time.monotonic()
            samples, body = _scrape(base)
            assert time.monotonic() - started < DATABASE_TIMEOUT_SECONDS + 0.5
        finally:
            database.close()  # before the app stops: its delivery loop waits on the database too
    assert _one(samples, "huurder_web_database_up") == 0 and "huurder_tickets" not in body
    assert "health: the app database is unavailable (timeout)" in caplog.text


def test_health_is_503_when_the_delivery_loop_has_stopped(migrated_url):
    with _serve(migrated_url) as (app, base):
        task = app.ctx.delivery
        task.get_loop().call_soon_threadsafe(app.ctx.stop_delivery.set)
        for _ in range(50):
            if task.done():
                break
            time.sleep(0.05)
        status, report, _ = _health(base)
        samples, _ = _scrape(base)
    assert status == 503 and report["database"] == "ok" and report["delivery_loop"] == "stopped"
    assert _one(samples, "huurder_web_delivery_loop_up") == 0


def _add_work(session):
    """Outbox rows, handoffs, tickets and callbacks of every kind the metrics count."""
    _add_pending(session, age=timedelta(minutes=5))
    _add_pending(session)
    failing = queue_message(
        session, ticket_id=None, tenant_id=None, channel="messenger", recipient="psid-1", text="Hoi"
    )
    mark_failed(session, message=failing, error="HTTP 400 for +31612349876", retry=False)
    for status in (QUEUED, QUEUED, CLAIMED, CLOSED):
        _add_handoff(session, status)
    tenant = make_tenant(session, phones=(PHONE,))
    ticket = {"category": "repair", "problem": "leak", "channel": "whatsapp", "tenant": tenant}
    open_ticket(session, **ticket, urgency="urgent")
    planned = open_ticket(session, **ticket)
    change_status(session, ticket=planned, to=TicketStatus.PLANNED, by="agent1", notify=False)
    request_callback(session, reason="Vraag over huur", tenant=tenant)
    handled = request_callback(session, reason="Andere vraag", phone=PHONE)
    handled.handled_at = utcnow()
    session.commit()


def test_the_figures_follow_the_database(db_session, migrated_url):
    with _serve(migrated_url) as (_, base):
        before, _ = _scrape(base)
        _add_work(db_session)
        after, body = _scrape(base)
    assert _one(before, "huurder_web_database_up") == _one(after, "huurder_web_database_up") == 1
    assert _one(before, "huurder_outbox_backlog", channel="whatsapp") == 0
    assert _one(after, "huurder_outbox_backlog", channel="whatsapp") == 2
    assert _one(after, "huurder_outbox_backlog", channel="messenger") == 0
    assert _one(before, "huurder_outbox_oldest_pending_seconds") == 0
    assert 300 <= _one(after, "huurder_outbox_oldest_pending_seconds") < 400
    assert _one(after, "huurder_outbox_messages", channel="messenger", status="refused") == 1
    assert _one(after, "huurder_outbox_messages", channel="whatsapp", status="given_up") == 0
    assert _one(before, "huurder_handoff_queue") == 0 and _one(after, "huurder_handoff_queue") == 2
    assert _one(before, "huurder_handoff_active") == 0 and _one(after, "huurder_handoff_active") == 1
    assert _one(after, "huurder_handoffs", status="closed") == 1
    assert _one(after, "huurder_handoffs", status="callback") == 0
    assert _one(before, "huurder_tickets", status="open", urgency="urgent") == 0
    assert _one(after, "huurder_tickets", status="open", urgency="urgent") == 1
    assert _one(after, "huurder_tickets", status="planned", urgency="normal") == 1
    assert _one(after, "huurder_tickets", status="done", urgency="emergency") == 0
    assert _one(before, "huurder_callbacks_open") == 0 and _one(after, "huurder_callbacks_open") == 1
    # Counts, never who: no phone number, no user id, no error text.
    assert "612349876" not in body and "psid-1" not in body and "HTTP 400" not in body


def test_metrics_answer_with_database_up_0_when_the_database_refuses_connections(unreachable_postgres_url):
    with _serve(unreachable_postgres_url) as (_, base):
        samples, body = _scrape(base)
    assert _one(samples, "huurder_web_database_up") == 0
    assert "huurder_outbox_backlog" not in body and "geheim" not in body


def test_requests_are_counted_by_route_name_not_by_path(migrated_url):
    with _serve(migrated_url) as (_, base):
        for name in ("een.jpg", "twee.jpg", "drie.jpg"):
            assert _get(f"{base}/simulator/media/{name}")[0] == 404
        assert _get(f"{base}/bestaat/niet")[0] == 404
        _health(base)
        _health(base)
        samples, body = _scrape(base)
    requests = {labels: n for (name, labels), n in samples.items() if name == "huurder_web_requests_total"}
    assert requests[(("route", "media"), ("status", "404"))] == 3
    assert requests[(("route", "health"), ("status", "200"))] == 2
    assert requests[(("route", "unmatched"), ("status", "404"))] == 1
    assert _one(samples, "huurder_web_request_seconds_count", route="health") == 2
    assert "een.jpg" not in body and "/bestaat" not in body and 'route="web_' not in body


def test_metrics_need_the_token_unless_the_request_comes_straight_from_this_machine(migrated_url):
    with _serve(migrated_url) as (_, base):
        assert _get(f"{base}/metrics")[0] == 200
        proxied = {"X-Forwarded-For": "203.0.113.9"}
        assert _get(f"{base}/metrics", proxied)[0] == 401
        assert _get(f"{base}/metrics", {**proxied, "Authorization": "Bearer wrong-token-012345"})[0] == 401
        assert _get(f"{base}/metrics", {**proxied, "Authorization": f"Bearer {TOKEN}"})[0] == 200


@pytest.mark.parametrize(
    ("ip", "headers", "local"),
    [
        ("127.0.0.1", {}, True),
        ("::1", {}, True),
        ("::ffff:127.0.0.1", {}, True),
        ("10.0.0.5", {}, False),
        ("2001:db8::1", {}, False),
        ("", {}, False),
        ("127.0.0.1", {"forwarded": "for=203.0.113.9"}, False),
        ("127.0.0.1", {"x-real-ip": "203.0.113.9"}, False),
    ],
)
def test_is_local_request(ip, headers, local):
    assert is_local_request(SimpleNamespace(ip=ip, headers=headers)) is local


def test_two_apps_in_one_process_count_their_own_requests(migrated_url):
    with _serve(migrated_url) as (_, first), _serve(migrated_url) as (_, second):
        _health(first)
        _health(first)
        first_samples, _ = _scrape(first)
        second_samples, _ = _scrape(second)
    assert _one(first_samples, "huurder_web_requests_total", route="health", status="200") == 2
    assert ("huurder_web_requests_total", (("route", "health"), ("status", "200"))) not in second_samples
