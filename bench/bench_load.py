"""Load benchmark: the production profile under N concurrent WhatsApp tenants, against bare Rasa.

Starts `python -m bot run` in the production profile (tracker store and app data on fresh
PostgreSQL databases, Redis lock store, RabbitMQ event broker on a queue of its own, two
Rasa replicas behind nginx, WhatsApp in local mode) and lets N demo tenants, each from
their own number, report a leak in the bathroom through the signed WhatsApp webhook at the
same time: triage questions, when they are home, the summary confirmed, verification,
a ticket. Each tenant sends its next message only when the webhook answered, after a think
time. Then it checks in the app database that every message got a reply in the outbox,
that the replies were delivered, and that every tenant got one ticket.

Then the same model in bare Rasa (`python -m rasa run --enable-api`, no endpoints file:
in-memory tracker store, no action server) gets the same texts from the same number of
tenants on its REST channel. Both stacks get two warm-up messages first, not measured.

Prints throughput, p50/p95/p99 latency, errors, lost messages and each process's memory
side by side, the ratio of the p95s and whether the issue's target was met (p95 at most
twice bare Rasa's, no message lost); writes results/bench-load.json, the processes' output
next to it, and the chart docs/bench-load.png. Run with `make bench-load`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))

DEFAULT_TENANTS = 50
QUICK_TENANTS = 10
DEFAULT_THINK_SECONDS = 1.0
LOCK_STORE_URL = "redis://127.0.0.1:6379/13"
EVENT_BROKER_URL = "amqp://guest:guest@127.0.0.1:5672/"
LOCAL_SENDER = "whatsapp:+31970000000"
WEBHOOK_PATH = "/webhooks/whatsapp/webhook"
REST_PATH = "/webhooks/rest/webhook"
READY_TIMEOUT = 300
REQUEST_TIMEOUT = 120
DELIVERY_TIMEOUT = 60
# Twilio gives up on a webhook after 15 s and retries it.
TWILIO_TIMEOUT = 15.0
TARGET_P95_RATIO = 2.0
SEED = 2026
RESULTS = PROJECT_DIR / "results" / "bench-load.json"
CHART = PROJECT_DIR / "docs" / "bench-load.png"
WARM_UP = ("hallo", "mag ik een kat houden?")
# Not a demo tenant's number, so the warm-up conversation stays out of the checks.
WARM_UP_PHONE = "+31687650000"

# A leak reported as in tests/test_runner.py: the water-leak script's three questions (near
# electricity? through the ceiling? flowing or dripping?), when the tenant is home, the
# summary confirmed; then verification (postcode, house number, birth date) opens a ticket.
REPORT = (
    "er lekt water in de badkamer",
    "nee",
    "nee",
    "het druppelt",
    "maandag en woensdag in de ochtend",
    "ja",
)


@dataclass(frozen=True)
class DemoTenant:
    """A current demo tenant: the number they write from and their answers to verification."""

    phone: str
    postcode: str
    house_number: str
    date_of_birth: date

    @property
    def sender(self) -> str:
        return f"whatsapp:{self.phone}"


@dataclass
class Sent:
    """One message of one tenant: when it left, how long the answer took, what came back."""

    tenant: int
    step: int
    started: datetime
    seconds: float
    status: int  # 0: no HTTP answer (timeout, connection refused)
    replies: int | None = None  # REST only: the bot messages in the answer


@dataclass
class StackFigures:
    """What one stack did under the load."""

    messages: int
    duration_s: float
    throughput: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    errors: int
    over_twilio_timeout: int
    # Messages without a reply in the outbox; None where there is no outbox (bare Rasa).
    lost: int | None
    checks: dict = field(default_factory=dict)
    memory_mib: dict = field(default_factory=dict)


# The pure parts: tenants, the flow, signatures, percentiles.


def demo_tenants(count: int) -> list[DemoTenant]:
    """The first `count` demo tenants who rent a home now, one per home, with their first number."""
    from bot.demo import demo_dataset

    current = [t for t in demo_dataset().tenants if t.tenancy_end is None]
    if count > len(current):
        raise SystemExit(f"the demo data has {len(current)} current tenants; asked for {count}")
    return [
        DemoTenant(
            phone=t.phones[0],
            postcode=f"{t.unit.postcode[:4]} {t.unit.postcode[4:]}",
            house_number=f"{t.unit.house_number}-{t.unit.addition}"
            if t.unit.addition
            else str(t.unit.house_number),
            date_of_birth=t.date_of_birth,
        )
        for t in current[:count]
    ]


def flow_messages(tenant: DemoTenant) -> list[str]:
    """What one tenant types, in order: the repair report, then postcode, house number, birth date."""
    return [*REPORT, tenant.postcode, tenant.house_number, tenant.date_of_birth.strftime("%d-%m-%Y")]


def whatsapp_fields(phone: str, text: str, message_sid: str) -> dict[str, str]:
    """The form Twilio posts for one WhatsApp text from `phone`."""
    return {
        "MessageSid": message_sid,
        "From": f"whatsapp:{phone}",
        "To": LOCAL_SENDER,
        "Body": text,
        "NumMedia": "0",
    }


def sign(url: str, fields: dict[str, str], auth_token: str) -> str:
    """The `X-Twilio-Signature` Twilio would send with `fields` posted to `url`."""
    from twilio.request_validator import RequestValidator

    return RequestValidator(auth_token).compute_signature(url, fields)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile by nearest rank: the smallest value with q% of the values at or below it."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = math.ceil(q / 100 * len(ordered))
    return ordered[min(max(rank, 1), len(ordered)) - 1]


def lost_messages(sent_at: list[datetime], replied_at: list[datetime]) -> int:
    """How many of one tenant's messages got no reply before the tenant's next message left."""
    bounds = [*sent_at[1:], datetime.max.replace(tzinfo=timezone.utc)]
    return sum(
        not any(start <= r < end for r in replied_at) for start, end in zip(sent_at, bounds, strict=True)
    )


def figures(sent: list[Sent], duration: float, lost: int | None) -> StackFigures:
    """Throughput, latency percentiles and errors of one stack's messages."""
    ms = [1000 * s.seconds for s in sent if s.status == 200]
    if not ms:
        ms = [math.nan]
    return StackFigures(
        messages=len(sent),
        duration_s=round(duration, 1),
        throughput=round(len(sent) / duration, 2),
        p50_ms=round(percentile(ms, 50)),
        p95_ms=round(percentile(ms, 95)),
        p99_ms=round(percentile(ms, 99)),
        max_ms=round(max(ms)),
        errors=sum(s.status != 200 for s in sent),
        over_twilio_timeout=sum(s.seconds > TWILIO_TIMEOUT for s in sent),
        lost=lost,
    )


# The load: N tenants, one message at a time each.

Send = Callable[[object, int, int, str], Awaitable[tuple[int, int | None]]]


async def run_load(send: Send, conversations: list[list[str]], think: float) -> tuple[list[Sent], float]:
    """Every conversation at once, each message after the previous answer and `think` seconds.

    Tenants start within the first think time (the same offsets for every stack), so they
    do not all type in step.
    """
    import aiohttp

    offsets = random.Random(SEED).choices([think * i / 100 for i in range(100)], k=len(conversations))
    sent: list[Sent] = []
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=0)) as session:

        async def tenant(index: int) -> None:
            await asyncio.sleep(offsets[index])
            for step, text in enumerate(conversations[index]):
                started, clock = datetime.now(timezone.utc), time.perf_counter()
                try:
                    status, replies = await send(session, index, step, text)
                except (aiohttp.ClientError, asyncio.TimeoutError):
                    status, replies = 0, None
                sent.append(Sent(index, step, started, time.perf_counter() - clock, status, replies))
                await asyncio.sleep(think)

        began = time.perf_counter()
        await asyncio.gather(*(tenant(i) for i in range(len(conversations))))
    return sent, time.perf_counter() - began


def whatsapp_sender(rasa_url: str, auth_token: str, phones: list[str]) -> Send:
    """Posts one tenant's message to the signed WhatsApp webhook; (status, None)."""
    url = rasa_url + WEBHOOK_PATH
    run = uuid.uuid4().hex[:8]

    async def send(session, index: int, step: int, text: str) -> tuple[int, int | None]:
        fields = whatsapp_fields(phones[index], text, f"SM{run}{index:03d}{step:02d}")
        headers = {"X-Twilio-Signature": sign(url, fields, auth_token)}
        async with session.post(url, data=fields, headers=headers) as response:
            await response.read()
            return response.status, None

    return send


def rest_sender(rasa_url: str) -> Send:
    """Posts one tenant's message to Rasa's REST channel; (status, bot messages in the answer)."""
    url = rasa_url + REST_PATH

    async def send(session, index: int, step: int, text: str) -> tuple[int, int | None]:
        async with session.post(url, json={"sender": f"tenant-{index}", "message": text}) as response:
            body = await response.read()
            replies = len(json.loads(body)) if response.status == 200 else None
            return response.status, replies

    return send


# Infrastructure: databases, the broker queue, ports, processes.


def _fresh_database():
    """A new PostgreSQL database, dropped afterwards (the tests' own helper)."""
    from tests.db_fixtures import fresh_postgres_database

    return fresh_postgres_database()


def free_ports(count: int) -> int:
    """Free ports below the ephemeral range (the stack tests' own helper)."""
    from tests.stack import free_ports as pick

    return pick(count)


@contextmanager
def broker_queue(url: str) -> Iterator[dict]:
    """A queue name of our own for Rasa's events; afterwards its event count, and it is deleted."""
    found: dict = {"name": f"bench_load_{uuid.uuid4().hex[:8]}"}
    try:
        yield found
    finally:
        found["events"] = asyncio.run(_delete_queue(url, found["name"]))


async def _delete_queue(url: str, name: str) -> int | None:
    """Delete the queue; the number of events it held (None if Rasa never declared it)."""
    import aio_pika

    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel()
        try:
            queue = await channel.declare_queue(name, passive=True)
        except aio_pika.exceptions.ChannelClosed:
            return None
        events = queue.declaration_result.message_count
        await queue.delete(if_unused=False, if_empty=False)
        return events


def process_mib(pid: int, *, with_children: bool = False) -> float:
    """Resident memory of a process, with its children for nginx (master and worker)."""
    import psutil

    try:
        process = psutil.Process(pid)
        tree = [process, *process.children(recursive=True)] if with_children else [process]
        return round(sum(p.memory_info().rss for p in tree) / 2**20)
    except psutil.NoSuchProcess:
        return math.nan


def kill_group(pid: int) -> None:
    """SIGKILL a process group we started, if it is still there."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


class ProductionStack:
    """`python -m bot run` in the production profile, its output in a log file."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.rasa_url = f"http://127.0.0.1:{env['RASA_PORT']}"
        self.process: subprocess.Popen | None = None

    def start(self) -> float:
        """Start it and wait until `[run] ready`; the seconds it took."""
        from bot.runner import quiet_library_env

        started = time.perf_counter()
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                cwd=PROJECT_DIR,
                env={**os.environ, **quiet_library_env(), **self.env},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        while time.perf_counter() - started < READY_TIMEOUT:
            output = self.output()
            if "[run] ready" in output:
                return time.perf_counter() - started
            if self.process.poll() is not None or "[run] not all services answered" in output:
                break
            time.sleep(0.5)
        raise SystemExit("the production stack did not become ready:\n" + "".join(self.output()[-3000:]))

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def pids(self) -> dict[str, int]:
        """The supervisor and each service's process id, as `[run] started NAME (pid N)` said."""
        found = dict(re.findall(r"\[run\] started (\S+) \(pid (\d+)\)", self.output()))
        pids = {name: int(pid) for name, pid in found.items()}
        return {"run (supervisor)": self.process.pid, **pids} if self.process else pids

    def stop(self) -> None:
        """Ctrl-C as an operator would; whatever is left after 40 s is killed."""
        if self.process is None:
            return
        children = [pid for name, pid in self.pids().items() if name != "run (supervisor)"]
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                kill_group(self.process.pid)
                self.process.wait()
        for pid in children:
            kill_group(pid)


class BareRasa:
    """`python -m rasa run --enable-api` with the same model, no endpoints file, the REST channel."""

    def __init__(self, model: Path, work_dir: Path, log: Path) -> None:
        self.model, self.work_dir, self.log = model, work_dir, log
        self.port = free_ports(1)
        self.rasa_url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> float:
        import urllib.error
        import urllib.request

        from bot.runner import quiet_library_env

        # Its own directory, so Rasa finds no endpoints.yml and only this credentials file.
        self.work_dir.mkdir(parents=True, exist_ok=True)
        (self.work_dir / "credentials.yml").write_text("rest:\n")
        command = [sys.executable, "-m", "rasa", "run", "--enable-api", "--model", str(self.model)]
        command += ["--interface", "127.0.0.1", "--port", str(self.port), "--credentials", "credentials.yml"]
        env = {**os.environ, **quiet_library_env(), "PYTHONPATH": str(PROJECT_DIR)}
        started = time.perf_counter()
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                command,
                cwd=self.work_dir,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        while time.perf_counter() - started < READY_TIMEOUT and self.process.poll() is None:
            try:
                with urllib.request.urlopen(f"{self.rasa_url}/status", timeout=2) as response:
                    if response.status == 200:
                        return time.perf_counter() - started
            except (urllib.error.URLError, OSError):
                time.sleep(0.5)
        raise SystemExit("bare Rasa did not become ready:\n" + self.log.read_text(errors="replace")[-3000:])

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
        kill_group(self.process.pid)


def production_env(var_dir: Path, tracker_url: str, database_url: str, queue: str) -> dict[str, str]:
    """The environment of `python -m bot run` in the production profile, on ports of its own."""
    return {
        "ENVIRONMENT": "test",
        "HOST": "127.0.0.1",
        "RASA_PORT": str(free_ports(3)),
        "ACTION_PORT": str(free_ports(1)),
        "WEB_PORT": str(free_ports(1)),
        "VAR_DIR": str(var_dir),
        "RASA_AUTH_TOKEN": secrets.token_urlsafe(24),
        "WEB_API_TOKEN": secrets.token_urlsafe(24),
        "TRACKER_STORE_URL": tracker_url,
        "DATABASE_URL": database_url,
        "LOCK_STORE_URL": LOCK_STORE_URL,
        "EVENT_BROKER_URL": EVENT_BROKER_URL,
        "EVENT_BROKER_QUEUE": queue,
        "RASA_REPLICAS": "2",
        # Local mode: no Twilio account, replies stay in the outbox (the simulator shows them).
        "TWILIO_ACCOUNT_SID": "",
        "TWILIO_AUTH_TOKEN": secrets.token_urlsafe(24),
        "PUBLIC_BASE_URL": "",
        "LOG_LEVEL": "INFO",
    }


# Checks in the app database after the load.


def outbox_check(database_url: str, tenants: list[DemoTenant], sent: list[Sent]) -> dict:
    """Lost messages, undelivered replies and tickets per tenant, from the app database."""
    from sqlalchemy import func, select

    from bot.db import create_engine_from_url, session_factory
    from bot.outbox import OutboxMessage
    from bot.tickets import Ticket

    senders = [t.sender for t in tenants]
    engine = create_engine_from_url(database_url)
    try:
        sessions = session_factory(engine)
        undelivered = _wait_for_delivery(sessions, senders)
        with sessions() as session:
            rows = session.execute(
                select(OutboxMessage.conversation_id, OutboxMessage.created_at, OutboxMessage.text)
                .where(OutboxMessage.conversation_id.in_(senders))
                .order_by(OutboxMessage.id)
            ).all()
            tickets = dict(
                session.execute(
                    select(Ticket.conversation_id, func.count())
                    .where(Ticket.conversation_id.in_(senders))
                    .group_by(Ticket.conversation_id)
                ).all()
            )
    finally:
        engine.dispose()
    lost = 0
    for index, tenant in enumerate(tenants):
        started = sorted(s.started for s in sent if s.tenant == index)
        lost += lost_messages(started, [created for sender, created, _ in rows if sender == tenant.sender])
    counts = [tickets.get(sender, 0) for sender in senders]
    return {
        "lost": lost,
        "replies_in_outbox": len(rows),
        "undelivered": undelivered,
        "tenants_with_one_ticket": sum(n == 1 for n in counts),
        "tenants_without_ticket": sum(n == 0 for n in counts),
        "tenants_with_more_tickets": sum(n > 1 for n in counts),
        "first_conversation": transcript(tenants[0], [s for s in sent if s.tenant == 0], rows),
    }


def transcript(tenant: DemoTenant, sent: list[Sent], rows: list) -> list[str]:
    """One tenant's conversation, what they typed and what the bot queued, in time order."""
    texts = flow_messages(tenant)
    lines = [(s.started, f"tenant: {texts[s.step]}") for s in sent]
    lines += [(created, f"bot:    {text}") for sender, created, text in rows if sender == tenant.sender]
    return [line for _, line in sorted(lines, key=lambda pair: pair[0])]


def _wait_for_delivery(sessions, senders: list[str]) -> int:
    """Wait for the delivery loop to send every reply; how many were still unsent at the end."""
    from sqlalchemy import func, select

    from bot.outbox import OutboxMessage

    query = select(func.count()).where(
        OutboxMessage.conversation_id.in_(senders), OutboxMessage.sent_at.is_(None)
    )
    deadline = time.monotonic() + DELIVERY_TIMEOUT
    while True:
        with sessions() as session:
            unsent = session.scalar(query)
        if not unsent or time.monotonic() > deadline:
            return unsent
        time.sleep(0.5)


def log_problems(*logs: Path) -> list[str]:
    """The distinct ERROR, CRITICAL and Traceback lines of the processes' output, timestamps removed."""
    seen: dict[str, int] = {}
    for log in logs:
        if not log.exists():
            continue
        for line in log.read_text(errors="replace").splitlines():
            if re.search(r"\b(ERROR|CRITICAL|Traceback|\[error\]|\[crit\]|\[alert\])", line):
                key = re.sub(r"^[\d\-/: ,.]+", "", line).strip()[:200]
                seen[key] = seen.get(key, 0) + 1
    return [f"{count}x {line}" for line, count in seen.items()]


# The two runs.


def warm_up(send: Send) -> None:
    """Two messages in one conversation, not measured: the first one loads the actions' data."""
    asyncio.run(run_load(send, [list(WARM_UP)], think=0))


def run_production(model: Path, tenants: list[DemoTenant], think: float, work: Path) -> dict:
    """The production profile under the load: its figures, checks, memory and start-up time."""
    log = RESULTS.parent / "bench-load-stack.log"
    with ExitStack() as stack:
        tracker_url = stack.enter_context(_fresh_database())
        database_url = stack.enter_context(_fresh_database())
        queue = stack.enter_context(broker_queue(EVENT_BROKER_URL))
        env = production_env(work / "var", tracker_url, database_url, queue["name"])
        running = ProductionStack(env, log)
        stack.callback(running.stop)
        ready_s = running.start()
        print(f"production stack ready after {ready_s:.0f} s", flush=True)
        token = env["TWILIO_AUTH_TOKEN"]
        warm_up(whatsapp_sender(running.rasa_url, token, [WARM_UP_PHONE]))
        load_before = os.getloadavg()[0]
        sent, duration = asyncio.run(
            run_load(
                whatsapp_sender(running.rasa_url, token, [t.phone for t in tenants]),
                [flow_messages(t) for t in tenants],
                think,
            )
        )
        checks = outbox_check(database_url, tenants, sent)
        checks["load_average"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
        memory = {
            name: process_mib(pid, with_children=name == "nginx") for name, pid in running.pids().items()
        }
    nginx_log = work / "var" / "nginx" / "nginx-error.log"
    checks["broker_events"] = queue.get("events")
    checks["log_problems"] = log_problems(log, nginx_log)
    result = figures(sent, duration, checks["lost"])
    result.checks, result.memory_mib = checks, memory
    return {"ready_s": round(ready_s, 1), "figures": result, "sent": sent}


def run_bare(model: Path, tenants: list[DemoTenant], think: float, work: Path) -> dict:
    """Bare Rasa under the same load: its figures, memory and start-up time."""
    log = RESULTS.parent / "bench-load-bare.log"
    rasa = BareRasa(model, work / "bare", log)
    try:
        ready_s = rasa.start()
        print(f"bare Rasa ready after {ready_s:.0f} s", flush=True)
        warm_up(rest_sender(rasa.rasa_url))
        load_before = os.getloadavg()[0]
        sent, duration = asyncio.run(
            run_load(rest_sender(rasa.rasa_url), [flow_messages(t) for t in tenants], think)
        )
        load_after = os.getloadavg()[0]
        memory = {"rasa": process_mib(rasa.process.pid)}
    finally:
        rasa.stop()
    no_reply = sum(s.status == 200 and not s.replies for s in sent)
    result = figures(sent, duration, None)
    result.checks = {
        "answers_without_bot_message": no_reply,
        "load_average": [round(load_before, 2), round(load_after, 2)],
        "log_problems": log_problems(log),
    }
    result.memory_mib = memory
    return {"ready_s": round(ready_s, 1), "figures": result, "sent": sent}


# Output.


def report(
    model: Path, args: argparse.Namespace, per_tenant: int, ours: StackFigures, bare: StackFigures
) -> dict:
    """Print both stacks side by side and the verdict; the same as a dict for the JSON file."""
    ratio = ours.p95_ms / bare.p95_ms if bare.p95_ms else math.inf
    met = ratio <= TARGET_P95_RATIO and ours.lost == 0 and ours.errors == 0
    rows = [
        ("messages", "messages", "{:.0f}"),
        ("load duration (s)", "duration_s", "{:.1f}"),
        ("throughput (messages/s)", "throughput", "{:.2f}"),
        ("latency p50 (ms)", "p50_ms", "{:.0f}"),
        ("latency p95 (ms)", "p95_ms", "{:.0f}"),
        ("latency p99 (ms)", "p99_ms", "{:.0f}"),
        ("latency max (ms)", "max_ms", "{:.0f}"),
        ("errors (not 200)", "errors", "{:.0f}"),
        (f"answered after {TWILIO_TIMEOUT:.0f} s", "over_twilio_timeout", "{:.0f}"),
        ("lost (no reply in outbox)", "lost", "{:.0f}"),
    ]
    print(
        f"\nmodel {model.name}; {args.tenants} tenants, {per_tenant} messages each, "
        f"think time {args.think:g} s"
    )
    print(f"{'':28}{'production (2 replicas)':>24}{'bare Rasa':>12}")
    for label, key, form in rows:
        values = [getattr(stack, key) for stack in (ours, bare)]
        shown = ["n/a" if value is None else form.format(value) for value in values]
        print(f"{label:28}{shown[0]:>24}{shown[1]:>12}")
    print(
        f"\nours: replies in outbox {ours.checks['replies_in_outbox']}, "
        f"undelivered {ours.checks['undelivered']}, "
        f"tenants with one ticket {ours.checks['tenants_with_one_ticket']} of {args.tenants} "
        f"(none: {ours.checks['tenants_without_ticket']}, more: {ours.checks['tenants_with_more_tickets']}), "
        f"events in the broker queue {ours.checks['broker_events']}"
    )
    if ours.checks["tenants_with_one_ticket"] < args.tenants:
        print("the first tenant's conversation:")
        for line in ours.checks["first_conversation"]:
            print("  " + line.replace("\n", " / ")[:160])
    print(
        f"bare Rasa: answers without a bot message {bare.checks['answers_without_bot_message']} "
        "(no action server: action_session_start and every custom action fail, so it answers with "
        "nothing; its latency is NLU, policies and the failed action calls)"
    )
    print(
        "machine load (1-minute average) before and after the load: "
        f"production {ours.checks['load_average']}, bare Rasa {bare.checks['load_average']} "
        f"({os.cpu_count()} cores)"
    )
    print("\nmemory at the end (RSS, MiB):")
    for name, mib in [*ours.memory_mib.items(), *(("bare " + n, m) for n, m in bare.memory_mib.items())]:
        print(f"  {name:20}{mib:8.0f}")
    print(f"  {'ours in total':20}{sum(ours.memory_mib.values()):8.0f}")
    for name, stack in (("production", ours), ("bare Rasa", bare)):
        problems = stack.checks["log_problems"]
        print(f"\n{name} output: {len(problems)} distinct error line(s)")
        for line in problems[:12]:
            print(f"  {line}")
    print(f"\np95 ratio ours / bare Rasa: {ratio:.2f} (target at most {TARGET_P95_RATIO:g})")
    print(
        f"target (p95 at most {TARGET_P95_RATIO:g}x bare Rasa's, no lost message, no error): "
        f"{'met' if met else 'NOT met'}"
    )
    return {"p95_ratio": round(ratio, 2), "target_met": met}


def write_chart(ours: StackFigures, bare: StackFigures, tenants: int, think: float) -> None:
    """Latency percentiles of both stacks as grouped bars."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels, width = ["p50", "p95", "p99"], 0.38
    figure, axes = plt.subplots(figsize=(7, 4), dpi=120)
    for offset, (name, stack, color) in enumerate(
        (("production profile (2 replicas, nginx)", ours, "#1f6f8b"), ("bare Rasa", bare, "#b0b0b0"))
    ):
        values = [stack.p50_ms, stack.p95_ms, stack.p99_ms]
        xs = [i + (offset - 0.5) * width for i in range(len(labels))]
        bars = axes.bar(xs, values, width, label=name, color=color)
        axes.bar_label(bars, labels=[f"{v:,.0f}" for v in values], fontsize=8, padding=2)
    axes.set_xticks(range(len(labels)), labels)
    axes.set_ylabel("reply latency (ms)")
    axes.set_ylim(0, 1.3 * max(ours.p99_ms, bare.p99_ms))  # room for the legend above the bars
    axes.set_title(f"{tenants} concurrent tenants, think time {think:g} s")
    axes.legend(frameon=False, loc="upper left")
    axes.spines[["top", "right"]].set_visible(False)
    note = "bare Rasa: the same model without endpoints (in-memory tracker store, no action server)"
    figure.text(0.01, 0.01, note, fontsize=7, color="#555555")
    figure.tight_layout(rect=(0, 0.04, 1, 1))
    CHART.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(CHART)
    plt.close(figure)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--tenants", type=int, default=None, help=f"concurrent tenants (default {DEFAULT_TENANTS})"
    )
    parser.add_argument(
        "--think", type=float, default=DEFAULT_THINK_SECONDS, help="seconds between answer and next message"
    )
    parser.add_argument("--quick", action="store_true", help=f"a smoke run with {QUICK_TENANTS} tenants")
    args = parser.parse_args(argv)
    if args.tenants is None:
        args.tenants = QUICK_TENANTS if args.quick else DEFAULT_TENANTS
    return args


def main(argv: list[str] | None = None) -> None:
    from bot.model.store import ModelStore

    args = parse_args(argv)
    model = ModelStore(PROJECT_DIR / "models").served()
    if model is None:
        sys.exit("no trained model: run `make model` first")
    # A `kill` stops the run like Ctrl-C does: the `finally` blocks stop every process.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    tenants = demo_tenants(args.tenants)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-load-") as work:
        ours = run_production(model, tenants, args.think, Path(work))
        bare = run_bare(model, tenants, args.think, Path(work))
    verdict = report(model, args, len(flow_messages(tenants[0])), ours["figures"], bare["figures"])
    write_chart(ours["figures"], bare["figures"], args.tenants, args.think)
    total = time.perf_counter() - began
    RESULTS.write_text(
        json.dumps(
            {
                "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "model": model.name,
                "tenants": args.tenants,
                "think_s": args.think,
                "messages_per_tenant": len(flow_messages(tenants[0])),
                "ready_s": {"production": ours["ready_s"], "bare": bare["ready_s"]},
                "production": asdict(ours["figures"]),
                "bare_rasa": asdict(bare["figures"]),
                **verdict,
                "total_s": round(total),
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    print(
        f"\nwritten {RESULTS.relative_to(PROJECT_DIR)} and {CHART.relative_to(PROJECT_DIR)}; "
        f"the whole run took {total:.0f} s"
    )


if __name__ == "__main__":
    main()
