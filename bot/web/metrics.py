"""Health and Prometheus metrics of the web app: `GET /health` and `GET /metrics` (`bot.web.app`).

`/health` is a readiness check for the supervisor and load balancers: one trivial query
and the outbox's backlog from the app database, and whether the outbox delivery loop
still runs. 200 when both are fine; 503 when the database does not answer (or errs) or
the loop has stopped. A hung database gives its answer after `DATABASE_TIMEOUT_SECONDS`.

`/metrics` is in the Prometheus text format. The figures about the work (outbox, handoffs,
tickets, callbacks) are read from the database at scrape time, so they are right however
many web processes run; the request counts and latencies are this process's own. When
the database does not answer, the scrape still succeeds with `huurder_web_database_up 0`.

| metric | type | meaning |
|---|---|---|
| `huurder_web_database_up` | gauge | 1 when the database answered this scrape |
| `huurder_web_delivery_loop_up` | gauge | 1 while this process's outbox delivery loop runs |
| `huurder_web_requests_total{route,status}` | counter | requests served, by route name and HTTP status |
| `huurder_web_request_seconds{route}` | histogram | time to answer a request, by route name |
| `huurder_outbox_backlog{channel}` | gauge | messages waiting to be sent (`pending`) |
| `huurder_outbox_oldest_pending_seconds` | gauge | age of the oldest waiting message (0 if none) |
| `huurder_outbox_messages{channel,status}` | gauge | outbox rows by status (failures: `FINAL_FAILURES`) |
| `huurder_handoff_queue` | gauge | handed-over conversations waiting for an agent (`queued`) |
| `huurder_handoff_active` | gauge | handed-over conversations an agent is serving (`claimed`) |
| `huurder_handoffs{status}` | gauge | handoffs recorded, by status |
| `huurder_tickets{status,urgency}` | gauge | tickets by status and urgency |
| `huurder_callbacks_open` | gauge | callback requests nobody has marked done |

Labels never carry personal data: channels, statuses and route names only (a route's
name, not its path, so ids in paths do not multiply the series). Failures are logged by
the exception's class name only: SQLAlchemy's messages carry SQL parameters.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from bot.db import utcnow
from bot.handoff.models import CLAIMED, CLOSED, HANDED_BACK, QUEUED, Handoff
from bot.handoff.service import CALLBACK, REPLYABLE_CHANNELS
from bot.outbox import FINAL_FAILURES, OutboxMessage
from bot.tickets import CallbackRequest, Ticket, TicketStatus, Urgency

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Health answers within about 3 s even when the database hangs.
DATABASE_TIMEOUT_SECONDS = 2.5
# Database reads of health checks and scrapes at the same time; a hung read keeps its
# thread, so at most this many threads wait on a hung database.
DATABASE_READERS = 2
OUTBOX_STATUSES = ("pending", "sent", "delivered", "read", *FINAL_FAILURES)
HANDOFF_STATUSES = (QUEUED, CLAIMED, CALLBACK, HANDED_BACK, CLOSED)
UNMATCHED_ROUTE = "unmatched"


class DatabaseUnavailable(Exception):
    """The database did not answer in time, or a read failed; `kind` is safe to show and log."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


class DatabaseReader:
    """Blocking database reads off the event loop, each awaited at most `timeout` seconds.

    Threads of their own (not the default executor), so reads stuck on a hung database
    cannot starve the delivery loop; a read waits for a free thread within its timeout.
    """

    def __init__(
        self, sessions: Callable[[], sessionmaker], *, timeout: float = DATABASE_TIMEOUT_SECONDS
    ) -> None:
        self.sessions = sessions
        self.timeout = timeout
        self._executor: ThreadPoolExecutor | None = None
        self._threads: asyncio.Semaphore | None = None

    def start(self) -> None:
        self._executor = ThreadPoolExecutor(DATABASE_READERS, thread_name_prefix="web-db-read")
        self._threads = asyncio.Semaphore(DATABASE_READERS)

    def stop(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)

    async def read(self, work: Callable[[Session], T]) -> T:
        """`work(session)` in a thread, its result within the timeout.

        Raises:
            DatabaseUnavailable: on a timeout (`timeout`) or an error (its class name).
        """
        assert self._executor is not None and self._threads is not None, "start() first"
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        try:
            await asyncio.wait_for(self._threads.acquire(), self.timeout)
        except asyncio.TimeoutError:
            raise DatabaseUnavailable("timeout") from None
        future = loop.run_in_executor(self._executor, self._in_session, work)
        future.add_done_callback(self._finished)
        try:
            # Shielded: on a timeout the thread keeps its slot until it really ends.
            return await asyncio.wait_for(asyncio.shield(future), max(deadline - loop.time(), 0.01))
        except asyncio.TimeoutError:
            raise DatabaseUnavailable("timeout") from None
        except Exception as error:  # noqa: BLE001 - any failure means the database is not usable
            raise DatabaseUnavailable(type(error).__name__) from None

    def _in_session(self, work: Callable[[Session], T]) -> T:
        factory = self.sessions()
        with factory() as session:
            return work(session)

    def _finished(self, future: asyncio.Future) -> None:
        assert self._threads is not None
        self._threads.release()
        if not future.cancelled():
            future.exception()  # retrieved, so a late failure is not logged as "never retrieved"


@dataclass(frozen=True)
class OutboxState:
    """What health tells of the outbox: messages waiting, and how long the oldest has waited."""

    backlog: int
    oldest_pending_seconds: float | None


def pending_age(session: Session, now: datetime) -> float | None:
    """Seconds since the oldest waiting outbox message was queued; None when nothing waits."""
    query = select(func.min(OutboxMessage.created_at)).where(OutboxMessage.status == "pending")
    oldest = session.scalar(query)
    return None if oldest is None else max((now - oldest).total_seconds(), 0.0)


def read_outbox_state(session: Session, now: datetime | None = None) -> OutboxState:
    """A trivial query first (the database answers), then the outbox's backlog."""
    from bot.outbox import backlog

    session.execute(text("SELECT 1"))
    return OutboxState(backlog(session), pending_age(session, now or utcnow()))


@dataclass(frozen=True)
class Figures:
    """The database's figures for one scrape."""

    outbox: dict[tuple[str, str], int]  # (channel, status) -> messages
    oldest_pending_seconds: float | None
    handoffs: dict[str, int]  # status -> handoffs
    tickets: dict[tuple[str, str], int]  # (status, urgency) -> tickets
    callbacks_open: int


def _value(column_value: Any) -> str:
    return str(getattr(column_value, "value", column_value))


def read_figures(session: Session, now: datetime | None = None) -> Figures:
    """Count outbox messages, handoffs, tickets and open callbacks, grouped as the metrics show them."""
    outbox = select(OutboxMessage.channel, OutboxMessage.status, func.count()).group_by(
        OutboxMessage.channel, OutboxMessage.status
    )
    handoffs = select(Handoff.status, func.count()).group_by(Handoff.status)
    tickets = select(Ticket.status, Ticket.urgency, func.count()).group_by(Ticket.status, Ticket.urgency)
    callbacks = select(func.count()).select_from(CallbackRequest).where(CallbackRequest.handled_at.is_(None))
    return Figures(
        outbox={(channel, status): count for channel, status, count in session.execute(outbox)},
        oldest_pending_seconds=pending_age(session, now or utcnow()),
        handoffs={status: count for status, count in session.execute(handoffs)},
        tickets={
            (_value(status), _value(urgency)): count for status, urgency, count in session.execute(tickets)
        },
        callbacks_open=session.scalar(callbacks) or 0,
    )


class DatabaseCollector:
    """The metric families of one scrape's `Figures`; only `huurder_web_database_up 0` without them.

    Every known status (and channel) is shown, with 0 when there is none, so a series does
    not vanish when its last row goes and alerts see a 0 rather than no data.
    """

    def __init__(self, figures: Figures | None) -> None:
        self.figures = figures

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("huurder_web_database_up", "1 when the app database answered this scrape")
        up.add_metric([], 0.0 if self.figures is None else 1.0)
        yield up
        if self.figures is not None:
            yield from self._outbox(self.figures)
            yield from self._handoffs(self.figures)
            yield from self._tickets(self.figures)

    @staticmethod
    def _outbox(figures: Figures) -> Iterator[Metric]:
        channels = sorted(set(REPLYABLE_CHANNELS) | {channel for channel, _ in figures.outbox})
        statuses = sorted(set(OUTBOX_STATUSES) | {status for _, status in figures.outbox})
        backlog = GaugeMetricFamily(
            "huurder_outbox_backlog", "Outbox messages waiting to be sent, by channel", labels=["channel"]
        )
        messages = GaugeMetricFamily(
            "huurder_outbox_messages", "Outbox messages by channel and status", labels=["channel", "status"]
        )
        for channel in channels:
            backlog.add_metric([channel], figures.outbox.get((channel, "pending"), 0))
            for status in statuses:
                messages.add_metric([channel, status], figures.outbox.get((channel, status), 0))
        oldest = GaugeMetricFamily(
            "huurder_outbox_oldest_pending_seconds",
            "Seconds the oldest waiting outbox message has waited (0 when none waits)",
        )
        oldest.add_metric([], figures.oldest_pending_seconds or 0.0)
        yield from (backlog, oldest, messages)

    @staticmethod
    def _handoffs(figures: Figures) -> Iterator[Metric]:
        queue = GaugeMetricFamily("huurder_handoff_queue", "Handed-over conversations waiting for an agent")
        queue.add_metric([], figures.handoffs.get(QUEUED, 0))
        active = GaugeMetricFamily("huurder_handoff_active", "Handed-over conversations an agent is serving")
        active.add_metric([], figures.handoffs.get(CLAIMED, 0))
        by_status = GaugeMetricFamily("huurder_handoffs", "Handoffs recorded, by status", labels=["status"])
        for status in sorted(set(HANDOFF_STATUSES) | set(figures.handoffs)):
            by_status.add_metric([status], figures.handoffs.get(status, 0))
        yield from (queue, active, by_status)

    @staticmethod
    def _tickets(figures: Figures) -> Iterator[Metric]:
        tickets = GaugeMetricFamily(
            "huurder_tickets", "Tickets by status and urgency", labels=["status", "urgency"]
        )
        known = {(status.value, urgency.value) for status in TicketStatus for urgency in Urgency}
        for status, urgency in sorted(known | set(figures.tickets)):
            tickets.add_metric([status, urgency], figures.tickets.get((status, urgency), 0))
        callbacks = GaugeMetricFamily("huurder_callbacks_open", "Callback requests nobody has marked done")
        callbacks.add_metric([], figures.callbacks_open)
        yield from (tickets, callbacks)


def delivery_loop_state(app: Sanic) -> str:
    """`running`, `stopped` (the task ended: finished, failed or cancelled) or `not_started`."""
    task = getattr(app.ctx, "delivery", None)
    if task is None:
        return "not_started"
    return "stopped" if task.done() else "running"


def route_label(request: Request, app_name: str) -> str:
    """The route's name without the app's prefix (`health`, `media`); `unmatched` without a route."""
    if request.route is None:
        return UNMATCHED_ROUTE
    return request.route.name.removeprefix(f"{app_name}.")


class WebMetrics:
    """One web app's registry, request metrics and database reader; `install` wires them in."""

    def __init__(self, app: Sanic, reader: DatabaseReader) -> None:
        self.app = app
        self.reader = reader
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "huurder_web_requests",
            "Requests served by this web process, by route name and HTTP status",
            ["route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "huurder_web_request_seconds",
            "Time this web process took to answer a request, by route name",
            ["route"],
            registry=self.registry,
        )
        loop_up = Gauge(
            "huurder_web_delivery_loop_up",
            "1 while this web process's outbox delivery loop runs",
            registry=self.registry,
        )
        loop_up.set_function(lambda: 1.0 if delivery_loop_state(app) == "running" else 0.0)

    async def health(self) -> tuple[dict[str, Any], bool]:
        """The health report and whether all is well (database answers, delivery loop runs)."""
        report: dict[str, Any] = {"database": "ok", "delivery_loop": delivery_loop_state(self.app)}
        try:
            outbox = await self.reader.read(read_outbox_state)
        except DatabaseUnavailable as problem:
            logger.error("health: the app database is unavailable (%s)", problem.kind)
            report.update(database="down", database_error=problem.kind)
            report.update(outbox_backlog=None, outbox_oldest_pending_seconds=None)
        else:
            report.update(
                outbox_backlog=outbox.backlog,
                outbox_oldest_pending_seconds=_rounded(outbox.oldest_pending_seconds),
            )
        healthy = report["database"] == "ok" and report["delivery_loop"] == "running"
        return {"status": "ok" if healthy else "unavailable", **report}, healthy

    async def exposition(self) -> bytes:
        """The process's own metrics and the database's figures, in the Prometheus text format."""
        try:
            figures: Figures | None = await self.reader.read(read_figures)
        except DatabaseUnavailable as problem:
            logger.error("metrics: the app database is unavailable (%s)", problem.kind)
            figures = None
        return generate_latest(self.registry) + generate_latest(DatabaseCollector(figures))

    async def start_timer(self, request: Request) -> None:
        request.ctx.metrics_started = time.perf_counter()

    async def count_request(self, request: Request, response: HTTPResponse) -> None:
        route = route_label(request, self.app.name)
        self.requests.labels(route, str(response.status)).inc()
        started = getattr(request.ctx, "metrics_started", None)
        if started is not None:
            self.latency.labels(route).observe(time.perf_counter() - started)


def _rounded(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds, 1)


def install(app: Sanic) -> WebMetrics:
    """Give `app` its metrics: the request middleware and a database reader that lives with the server.

    The reader uses `app.ctx.sessions`, which the app opens before the server starts.
    """
    metrics = WebMetrics(app, DatabaseReader(lambda: app.ctx.sessions))
    app.register_middleware(metrics.start_timer, "request")
    app.register_middleware(metrics.count_request, "response")

    @app.before_server_start
    async def start_reader(_app: Sanic, _loop) -> None:
        metrics.reader.start()

    @app.after_server_stop
    async def stop_reader(_app: Sanic, _loop) -> None:
        metrics.reader.stop()

    return metrics
