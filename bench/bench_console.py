"""Console benchmark: how fast the queue and a transcript render with 1,000 conversations in the store.

Builds a throw-away app database (migrated, 1,000 tenants with tickets, 1,000 handed-over
conversations of which a quarter still wait or are with an agent) and a Rasa tracker
store with the 1,000 conversations (40 messages each, Rasa's own schema), starts the web
app as `make run` does, logs an agent in, and times full page loads over HTTP: the queue,
its live rows, a conversation page with its transcript, and the live transcript poll.
Prints p50/p95/max per page. Run with `make bench-console`; `--conversations N` to vary.
"""

from __future__ import annotations

import argparse
import asyncio
import http.cookiejar
import json
import os
import random
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))

MESSAGES_PER_CONVERSATION = 40
ACTIVE_SHARE = 0.25
REQUESTS = 60
REASONS = ("asked_for_person", "payment_arrears", "nuisance_serious", "distress", "anger", "bereavement")
PASSWORD = "correct horse battery"
SUMMARY = "Onderwerp: Reparatie\nBegrepen: lekkende kraan in de keuken\nLaatste berichten: “help”"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sender(number: int) -> str:
    return f"whatsapp:+316{20000000 + number}"


def build_app_data(url: str, conversations: int) -> None:
    """Tenants with tickets, handoffs (a quarter active) and an agent, in the migrated database."""
    from bot.console.users import add_user
    from bot.db import create_engine_from_url, migrate, session_factory, transaction
    from bot.handoff.models import CLOSED, QUEUED, Handoff
    from bot.tenants import Complex, Tenant, TenantPhone, Unit
    from bot.tickets import open_ticket

    migrate(url)
    engine = create_engine_from_url(url)
    now = datetime.now(timezone.utc)
    randomly = random.Random(2026)
    with transaction(session_factory(engine)) as session:
        add_user(session, username="agent", password=PASSWORD, role="agent")
        complex_ = Complex(code="BENCH", name="Benchmarkhof", town="Lindenburg", building_type="galerijflat")
        session.add(complex_)
        for number in range(conversations):
            unit = Unit(complex=complex_, street="Benchstraat", house_number=number + 1, postcode="9999ZZ")
            tenant = Tenant(
                unit=unit,
                customer_number=f"B-{number:05d}",
                first_name="Test",
                last_name=f"Huurder {number}",
                date_of_birth=datetime(1980, 1, 1).date(),
                tenancy_start=datetime(2020, 1, 1).date(),
                phones=[TenantPhone(number=f"+316{20000000 + number}")],
            )
            session.add(tenant)
            session.flush()
            for _ in range(2):
                open_ticket(
                    session,
                    category="repair",
                    problem="water_leak",
                    channel="whatsapp",
                    tenant=tenant,
                    description="De kraan in de keuken lekt al een week.",
                    now=now,
                )
            active = number < conversations * ACTIVE_SHARE
            session.add(
                Handoff(
                    conversation_id=sender(number),
                    channel="whatsapp",
                    recipient=f"+316{20000000 + number}",
                    reason=randomly.choice(REASONS),
                    detail="Ik weet het niet meer, help alstublieft",
                    category="repair",
                    urgency=randomly.choice(["urgent", "normal", None]),
                    priority=randomly.randint(1, 4),
                    summary=SUMMARY,
                    tenant=tenant,
                    status=QUEUED if active else CLOSED,
                    created_at=now - timedelta(minutes=randomly.randint(1, 600)),
                )
            )
    engine.dispose()


def build_tracker_store(path: Path, conversations: int) -> None:
    """Rasa's SQL tracker store (its own schema), with MESSAGES_PER_CONVERSATION messages each."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain

    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(path))
    store.engine.dispose()
    start = time.time() - 3600
    rows = []
    for number in range(conversations):
        for index in range(MESSAGES_PER_CONVERSATION):
            at = start + index * 10
            if index % 2 == 0:
                data = {
                    "event": "user",
                    "timestamp": at,
                    "text": f"Bericht {index} van de huurder <b>met opmaak</b>",
                    "parse_data": {"intent": {"name": "inform", "confidence": 0.9}},
                    "input_channel": "whatsapp",
                }
            else:
                data = {
                    "event": "bot",
                    "timestamp": at,
                    "text": "Dank u, wij helpen u verder.",
                    "data": {"buttons": [{"title": "Ja", "payload": "/affirm"}]},
                }
            rows.append((sender(number), data["event"], at, json.dumps(data)))
    with sqlite3.connect(path) as connection:
        connection.executemany(
            "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, ?, ?, ?)", rows
        )


class Agent:
    """A logged-in browser session (cookies kept)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str, data: dict | None = None) -> str:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        with self.opener.open(f"{self.base}{path}", data=body, timeout=30) as response:
            return response.read().decode()

    def log_in(self) -> None:
        token = re.search(r'name="csrf_token" value="([^"]+)"', self.get("/console/login")).group(1)
        page = self.get("/console/login", {"csrf_token": token, "username": "agent", "password": PASSWORD})
        assert "Wachtrij" in page, "log-in failed"


def timed(agent: Agent, path: str) -> list[float]:
    agent.get(path)  # warm up
    times = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        agent.get(path)
        times.append((time.perf_counter() - started) * 1000)
    return times


def report(name: str, times: list[float]) -> None:
    ordered = sorted(times)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    print(
        f"{name:<38} p50 {statistics.median(ordered):6.1f} ms   p95 {p95:6.1f} ms   max {ordered[-1]:6.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        var_dir = Path(temporary)
        url = f"sqlite:///{var_dir / 'app.db'}"
        started = time.perf_counter()
        build_app_data(url, args.conversations)
        build_tracker_store(var_dir / "rasa_tracker.db", args.conversations)
        print(
            f"built {args.conversations} conversations in {time.perf_counter() - started:.1f} s "
            f"({int(args.conversations * ACTIVE_SHARE)} in the queue, "
            f"{MESSAGES_PER_CONVERSATION} messages each)"
        )
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "VAR_DIR": str(var_dir),
            "WEB_PORT": str(port),
            "TWILIO_ACCOUNT_SID": "",
            "ENVIRONMENT": "development",
        }
        web = subprocess.Popen([sys.executable, "-m", "bot.web"], cwd=PROJECT_DIR, env=env)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(f"{base}/health", timeout=2).read()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            agent = Agent(base)
            agent.log_in()
            queue = agent.get("/console/queue")
            first = re.search(r'href="/console/conversations/(\d+)"', queue).group(1)
            print(f"queue page: {queue.count('data-handoff=')} conversations listed")
            report("GET /console/queue", timed(agent, "/console/queue"))
            report("GET /console/queue/rows (live)", timed(agent, "/console/queue/rows"))
            report("GET /console/conversations/<id>", timed(agent, f"/console/conversations/{first}"))
            report(
                "GET .../lines?after=<cursor> (live)",
                timed(agent, f"/console/conversations/{first}/lines?after=0.0"),
            )
        finally:
            web.terminate()
            web.wait(timeout=20)


if __name__ == "__main__":
    asyncio.set_event_loop(asyncio.new_event_loop())
    main()
