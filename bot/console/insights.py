"""The console's insights page (role `operator`): a period's figures, charts, and a CSV export."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, timedelta

from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse, raw, text

from bot.console.pages import SECURITY_HEADERS, page
from bot.console.sessions import LoggedIn
from bot.db import utcnow
from bot.insights import CATEGORY_LABELS, CHANNEL_LABELS, SETTLED_LABELS, chart_png, compute, csv_export
from bot.triage.service import KnowledgeCache

DEFAULT_DAYS = 30
MAX_DAYS = 366


def period(args, today: date) -> tuple[date, date]:
    """The `from` and `to` days of the query (YYYY-MM-DD), by default the last 30 days.

    Raises:
        ValueError: for a day that is not YYYY-MM-DD, an end before the start, or over a year.
    """
    end = date.fromisoformat(args.get("to")) if args.get("to") else today
    start = (
        date.fromisoformat(args.get("from")) if args.get("from") else end - timedelta(days=DEFAULT_DAYS - 1)
    )
    if end < start or (end - start).days >= MAX_DAYS:
        raise ValueError("kies een periode van 1 dag tot een jaar")
    return start, end


def register(app: Sanic, *, login_required: Callable, knowledge: KnowledgeCache) -> None:
    """Add the insights routes to the web app."""

    def insights_of(request: Request):
        office_hours = knowledge.get().office_hours
        start, end = period(request.args, office_hours.local(utcnow()).date())
        with request.app.ctx.sessions() as session:
            return compute(session, request.app.ctx.tracker_engine, office_hours, start=start, end=end)

    @app.get("/console/insights")
    @login_required("operator")
    async def insights(request: Request, user: LoggedIn) -> HTTPResponse:
        try:
            figures = await asyncio.to_thread(insights_of, request)
        except ValueError as error:
            return page("base.html", status=400, user=user, error=f"Ongeldige periode: {error}")
        query = f"from={figures.start.isoformat()}&to={figures.end.isoformat()}"
        return page(
            "insights.html",
            user=user,
            figures=figures,
            query=query,
            channels=CHANNEL_LABELS,
            categories=CATEGORY_LABELS,
            settled=SETTLED_LABELS,
        )

    @app.get("/console/insights/chart.png")
    @login_required("operator")
    async def chart(request: Request, user: LoggedIn) -> HTTPResponse:
        try:
            figures = await asyncio.to_thread(insights_of, request)
        except ValueError:
            return raw(b"", status=400, headers=SECURITY_HEADERS)
        body = await asyncio.to_thread(chart_png, figures)
        return raw(body, content_type="image/png", headers={**SECURITY_HEADERS, "Cache-Control": "private"})

    @app.get("/console/insights.csv")
    @login_required("operator")
    async def export(request: Request, user: LoggedIn) -> HTTPResponse:
        try:
            figures = await asyncio.to_thread(insights_of, request)
        except ValueError as error:
            return text(f"Ongeldige periode: {error}", status=400, headers=SECURITY_HEADERS)
        name = f"inzichten-{figures.start.isoformat()}-{figures.end.isoformat()}.csv"
        return text(
            csv_export(figures),
            content_type="text/csv; charset=utf-8",
            headers={**SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'},
        )
