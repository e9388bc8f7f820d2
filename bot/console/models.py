"""The console's model pages (role `operator`): the model history and each model's report.

The history lists every evaluated model with its held-out figures, marks the one Rasa
serves, and shows the releases (promotions, refusals by the gate, rollbacks); a report shows
the per-intent table, the confusion matrix and the misclassified messages.
"""

from __future__ import annotations

from collections.abc import Callable

from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse, raw

from bot.console.pages import SECURITY_HEADERS, page
from bot.console.sessions import LoggedIn
from bot.model.heldout import model_name
from bot.model.store import ModelStore
from bot.nlu.report import SAFE_NAME, history, read_report
from bot.settings import Settings


def register(app: Sanic, settings: Settings, *, login_required: Callable) -> None:
    """Add the model history and report routes to the web app."""
    reports_dir = settings.models_path / "reports"
    store = ModelStore(settings.models_path)

    @app.get("/console/models")
    @login_required("operator")
    async def models(request: Request, user: LoggedIn) -> HTTPResponse:
        served = store.served()
        return page(
            "models.html",
            user=user,
            models=history(reports_dir),
            served=model_name(served) if served else None,
            events=store.events()[:30],
        )

    @app.get("/console/models/<model>")
    @login_required("operator")
    async def model_report(request: Request, user: LoggedIn, model: str) -> HTTPResponse:
        report = read_report(reports_dir, model)
        if report is None:
            return page("base.html", status=404, user=user, error="Dit model heeft geen rapport.")
        return page("model.html", user=user, report=report)

    @app.get("/console/models/<model>/<picture>")
    @login_required("operator")
    async def picture(request: Request, user: LoggedIn, model: str, picture: str) -> HTTPResponse:
        report = read_report(reports_dir, model)
        pictures = {values["picture"] for values in (report or {}).get("sets", {}).values()}
        if picture not in pictures or not SAFE_NAME.match(picture):
            return raw(b"", status=404, headers=SECURITY_HEADERS)
        body = (reports_dir / model / picture).read_bytes()
        return raw(body, content_type="image/png", headers={**SECURITY_HEADERS, "Cache-Control": "private"})
