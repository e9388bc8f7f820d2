"""The web app: `create_app(settings)` builds it; nothing is opened before it starts.

While it runs it also delivers the outbox (`bot.channels.delivery`): the bot's replies on
WhatsApp, status messages and alerts to staff and contractors.

Routes:
- `GET /health`: readiness, for the supervisor and load balancers (`bot.web.metrics`): 200
  when the database answers and the delivery loop runs, else 503; with the outbox's backlog
  and the age of its oldest waiting message. Answers within about 3 s, whatever the database does.
- `GET /metrics`: Prometheus metrics (`bot.web.metrics` lists them). Open to requests straight
  from this machine (a 127.0.0.1 or ::1 peer without proxy headers such as X-Forwarded-For),
  otherwise `Authorization: Bearer <WEB_API_TOKEN>` is required (401 without it).
- `/simulator`: the tenant simulator, in local mode only (`bot.web.simulator`).
- `/console`: the agent console (`bot.console.web`): log-in, the callback list.
- `GET /api/tickets`: the back-office ticket list (`bot.ticket_export`) as JSON, CSV or
  JSON lines, for the corporation's own systems. Protected by `WEB_API_TOKEN`, sent as
  `Authorization: Bearer <token>`. Filters as query parameters: `status` (repeatable),
  `urgency`, `complex`, `since`, `until` (YYYY-MM-DD), `format` (json, csv, jsonl).
"""

from __future__ import annotations

import asyncio
import io
from datetime import date
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST
from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse, raw, text
from sanic.response import json as json_response

from bot.access import bearer_token, is_local_request, token_matches
from bot.console import web as console
from bot.settings import Settings
from bot.web import metrics, simulator

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}


def ticket_filters(args: Any) -> dict[str, Any]:
    """The `select_tickets` filters from a request's query arguments.

    Raises:
        ValueError: for a date that is not YYYY-MM-DD.
    """
    return {
        "statuses": args.getlist("status") or (),
        "urgency": args.get("urgency") or None,
        "complex_code": args.get("complex") or None,
        "since": date.fromisoformat(args["since"][0]) if "since" in args else None,
        "until": date.fromisoformat(args["until"][0]) if "until" in args else None,
    }


def export_response(session, *, format: str, filters: dict[str, Any]) -> HTTPResponse:
    """The tickets that pass `filters`, in `format`."""
    from bot.ticket_export import export_tickets, json_row, select_tickets, ticket_row

    if format == "json":
        rows = [json_row(ticket_row(ticket)) for ticket in select_tickets(session, **filters)]
        return json_response({"tickets": rows, "count": len(rows)})
    out = io.StringIO()
    if format not in CONTENT_TYPES:
        raise ValueError(f"unknown format {format!r} (choose from json, csv, jsonl)")
    export_tickets(session, out, format=format, **filters)
    return text(out.getvalue(), content_type=CONTENT_TYPES[format])


def create_app(settings: Settings, name: str = "huurder_web") -> Sanic:
    """The web app for these settings; its database engine is made when the server starts."""
    app = Sanic(name)
    api_token = settings.web_api_token.get_secret_value()
    web_metrics = metrics.install(app)

    @app.before_server_start
    async def open_database(app: Sanic, _loop) -> None:
        from bot.db import create_engine_from_url, session_factory

        app.ctx.engine = create_engine_from_url(settings.database_url)
        app.ctx.sessions = session_factory(app.ctx.engine)

    @app.after_server_start
    async def start_delivery(app: Sanic, _loop) -> None:
        from bot.channels.delivery import delivery_loop, senders_for

        app.ctx.stop_delivery = asyncio.Event()
        app.ctx.delivery = asyncio.create_task(
            delivery_loop(app.ctx.sessions, senders_for(settings), app.ctx.stop_delivery)
        )

    @app.before_server_stop
    async def stop_delivery(app: Sanic, _loop) -> None:
        app.ctx.stop_delivery.set()
        await app.ctx.delivery

    @app.after_server_stop
    async def close_database(app: Sanic, _loop) -> None:
        app.ctx.engine.dispose()

    @app.get("/health")
    async def health(request: Request) -> HTTPResponse:
        report, healthy = await web_metrics.health()
        return json_response(report, status=200 if healthy else 503)

    @app.get("/metrics")
    async def prometheus_metrics(request: Request) -> HTTPResponse:
        token_ok = token_matches(bearer_token(request.headers.get("authorization")), api_token)
        if not (token_ok or is_local_request(request)):
            return json_response({"error": "a valid bearer token is required"}, status=401)
        return raw(await web_metrics.exposition(), content_type=CONTENT_TYPE_LATEST)

    @app.get("/api/tickets")
    async def tickets(request: Request) -> HTTPResponse:
        if not token_matches(bearer_token(request.headers.get("authorization")), api_token):
            return json_response({"error": "a valid bearer token is required"}, status=401)
        try:
            filters = ticket_filters(request.args)
            with request.app.ctx.sessions() as session:
                return export_response(session, format=request.args.get("format", "json"), filters=filters)
        except ValueError as error:
            return json_response({"error": str(error)}, status=400)

    simulator.register(app, settings)
    console.register(app, settings)
    return app
