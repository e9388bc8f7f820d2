"""Health and metrics of a Rasa replica: `GET /bot/health` and `GET /metrics`.

`/bot/health` says whether this replica can really keep conversations: a model is loaded and
the tracker store is a database that answers now (not Rasa's memory fallback); otherwise 503.
When the Redis lock store or the event broker is away it still answers, with status
`degraded` (200), so monitoring sees it but a load balancer keeps the replica. Each part
is in the answer. `/` stays Rasa's own "hello".

`/metrics` is in the Prometheus text format: webhook messages and their latency per channel,
the state of each store, tracker store and action server failures. It is open to
this machine (not through a proxy, bot/access.py) and to requests with the API token
(`?token=` or `Authorization: Bearer`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse, json, raw

from bot.access import bearer_token, is_local_request, token_matches
from bot.rasa_stores import STORE_HEALTH, GuardedRedisLockStore, GuardedSQLTrackerStore

logger = logging.getLogger(__name__)
HEALTH_ROUTE = "/bot/health"
METRICS_ROUTE = "/metrics"
PROBE_TIMEOUT_SECONDS = 3.0
# Without these a replica cannot answer without losing state: 503. Without the lock store
# (a lock per replica instead) or the broker (events kept for later) it still answers: 200,
# status `degraded`, so a load balancer or Kubernetes does not take every replica out at once.
ESSENTIAL = ("model", "tracker_store")
LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30)


class StoreCollector:
    """The last known state of the stores, read at scrape time."""

    def collect(self) -> Any:
        up = GaugeMetricFamily(
            "huurder_rasa_store_up", "1 when the store answered last time", labels=["store"]
        )
        failures = GaugeMetricFamily(
            "huurder_rasa_store_failures", "Failed calls to the store since start", labels=["store"]
        )
        for key, state in (
            ("tracker_store", STORE_HEALTH.tracker_store),
            ("lock_store", STORE_HEALTH.lock_store),
        ):
            up.add_metric([key], 1.0 if state.up else 0.0)
            failures.add_metric([key], float(state.failures))
        yield up
        yield failures


class RasaMetrics:
    """The counters of one Rasa process, in a registry of its own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.messages = Counter(
            "huurder_rasa_messages",
            "Webhook requests with a tenant's message, by channel and HTTP status class",
            ["channel", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "huurder_rasa_message_seconds",
            "Time from a tenant's webhook request to Rasa's answer, by channel",
            ["channel"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.action_server_failures = Counter(
            "huurder_rasa_action_server_failures",
            "Custom actions that failed because the action server did not answer",
            registry=self.registry,
        )
        self.registry.register(StoreCollector())


METRICS = RasaMetrics()


def webhook_channel(path: str) -> str | None:
    """`whatsapp` for `/webhooks/whatsapp/webhook`; None for every other route."""
    parts = path.strip("/").split("/")
    if len(parts) == 3 and parts[0] == "webhooks" and parts[2] == "webhook":
        return parts[1]
    return None


def given_token(request: Request) -> str:
    """The token a request carries as `?token=` or as a bearer header."""
    return request.args.get("token", "") or bearer_token(request.headers.get("authorization"))


def tracker_store_state(agent: Any) -> dict[str, Any]:
    """The tracker store behind Rasa's wrappers, probed with one query."""
    store = getattr(agent, "tracker_store", None)
    store = getattr(store, "_tracker_store", store)
    if not isinstance(store, GuardedSQLTrackerStore):
        # Rasa fell back to memory (or was configured so): conversations would vanish.
        return {"status": "down", "error": f"conversations kept in memory ({type(store).__name__})"}
    try:
        store.ping()
    except Exception as error:  # noqa: BLE001 - any failure means the store does not answer
        STORE_HEALTH.failed(STORE_HEALTH.tracker_store, error)
    else:
        STORE_HEALTH.recovered(STORE_HEALTH.tracker_store)
    return {"kind": store.engine.dialect.name, **STORE_HEALTH.tracker_store.as_dict()}


def lock_store_state(agent: Any) -> dict[str, Any]:
    store = getattr(agent, "lock_store", None)
    if isinstance(store, GuardedRedisLockStore):
        store.redis_answers()
        return {"kind": "redis", **STORE_HEALTH.lock_store.as_dict()}
    return {"kind": "in_process", "status": "ok"}


def broker_state(agent: Any) -> dict[str, Any] | None:
    store = getattr(agent, "tracker_store", None)
    broker = getattr(store, "event_broker", None)
    if broker is None:
        return None
    return {"kind": type(broker).__name__, "status": "ok" if broker.is_ready() else "down"}


def health_report(agent: Any) -> dict[str, Any]:
    """Everything `/bot/health` says; blocking (database and Redis round trips)."""
    parts: dict[str, Any] = {
        "model": {"status": "ok" if agent is not None and agent.is_ready() else "down"},
        "tracker_store": tracker_store_state(agent),
        "lock_store": lock_store_state(agent),
    }
    broker = broker_state(agent)
    if broker is not None:
        parts["event_broker"] = broker
    return {"status": overall_status(parts), **parts}


def overall_status(parts: dict[str, Any]) -> str:
    """`down` when conversations cannot be kept, `degraded` when a shared store is missing."""
    if any(parts[name]["status"] != "ok" for name in ESSENTIAL if name in parts):
        return "down"
    if any(part["status"] != "ok" for part in parts.values()):
        return "degraded"
    return "ok"


def add_health_routes(app: Sanic, token: str) -> None:
    """Add `/bot/health`, `/metrics` and the message timing middleware to Rasa's app."""

    @app.get(HEALTH_ROUTE)
    async def health(request: Request) -> HTTPResponse:
        agent = getattr(app.ctx, "agent", None)
        try:
            report = await asyncio.wait_for(asyncio.to_thread(health_report, agent), PROBE_TIMEOUT_SECONDS)
        except asyncio.TimeoutError:
            report = {
                "status": "down",
                "error": f"no answer from the stores within {PROBE_TIMEOUT_SECONDS:.0f} s",
            }
        if report["status"] != "ok":
            logger.error("health check: %s", {k: v for k, v in report.items() if k != "model"})
        return json(report, status=503 if report["status"] == "down" else 200)

    @app.get(METRICS_ROUTE)
    async def metrics(request: Request) -> HTTPResponse:
        if not (is_local_request(request) or token_matches(given_token(request), token)):
            return json({"error": "a valid token is required"}, status=401)
        return raw(generate_latest(METRICS.registry), content_type=CONTENT_TYPE_LATEST)

    @app.on_request
    async def start_timer(request: Request) -> None:
        request.ctx.started = time.monotonic()

    @app.on_response
    async def count_message(request: Request, response: HTTPResponse) -> None:
        channel = webhook_channel(request.path)
        started = getattr(request.ctx, "started", None)
        if channel is None or started is None or request.method != "POST":
            return
        METRICS.messages.labels(channel, f"{response.status // 100}xx").inc()
        METRICS.latency.labels(channel).observe(time.monotonic() - started)
