"""The review inbox in the console (role `operator`): label real messages the model read wrong.

Each message is shown with personal data already replaced, in a field the operator may edit
(for instance to mark entities as `[kraan](object:tap)`); on saving it is scrubbed again and
written to its intent's `data/nlu/` file. Retraining is a separate step (`make train`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console.pages import page, see_other
from bot.console.sessions import LoggedIn
from bot.db import transaction
from bot.review.inbox import candidate, candidates
from bot.review.models import IGNORED, LABELLED, OUT_OF_SCOPE
from bot.review.nlu_files import ExampleRefused
from bot.review.service import decide, preview, training_files
from bot.settings import PROJECT_DIR, Settings

DECISIONS = {"label": LABELLED, "out_of_scope": OUT_OF_SCOPE, "ignore": IGNORED}
NOTICES = {LABELLED: "Opgeslagen als trainingsvoorbeeld.", OUT_OF_SCOPE: "Opgeslagen als 'buiten bereik'.",
           IGNORED: "Genegeerd."}  # fmt: skip


def register(app: Sanic, settings: Settings, *, login_required: Callable) -> None:
    """Add the review inbox routes to the web app."""
    files = training_files(PROJECT_DIR, settings.training_data_dir)

    def inbox_page(
        request: Request, user: LoggedIn, status: int = 200, error: str | None = None
    ) -> HTTPResponse:
        with request.app.ctx.sessions() as session:
            items = [
                (item, preview(session, item.text))
                for item in candidates(session, request.app.ctx.tracker_engine)
            ]
        return page(
            "review.html",
            status=status,
            user=user,
            items=items,
            labels=files.labels(),
            notice=NOTICES.get(request.args.get("done", "")),
            error=error,
        )

    @app.get("/console/review")
    @login_required("operator")
    async def inbox(request: Request, user: LoggedIn) -> HTTPResponse:
        return await asyncio.to_thread(inbox_page, request, user)

    @app.post("/console/review/<event_id:int>")
    @login_required("operator")
    async def review(request: Request, user: LoggedIn, event_id: int) -> HTTPResponse:
        decision = DECISIONS.get(request.form.get("decision") or "")
        try:
            if decision is None:
                raise ExampleRefused("Kies: opslaan, buiten bereik of negeren.")
            with transaction(request.app.ctx.sessions) as session:
                item = candidate(session, request.app.ctx.tracker_engine, event_id)
                if item is None:
                    raise ExampleRefused("Dit bericht staat niet (meer) in de inbox.")
                decide(
                    session,
                    files,
                    item,
                    decision=decision,
                    by=user.username,
                    intent=request.form.get("intent") or None,
                    text=request.form.get("text"),
                )
        except ExampleRefused as error:
            return inbox_page(request, user, status=409, error=str(error))
        return see_other(f"/console/review?done={decision}")
