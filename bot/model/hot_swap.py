"""Swap the model of a running Rasa server while it keeps answering: `PUT /bot/model`.

Rasa's own `PUT /model` loads the new model inside the server's event loop, so for the
seconds the load takes (tens of seconds on a busy 2-core machine) no tenant gets an answer,
and a WhatsApp webhook that waits longer than Twilio's 15 seconds fails. This route does
what Rasa does when it pulls a model from a model server, `Agent.load_model`, but in a worker
thread: the new processor is built beside the old one and replaces it in one assignment, so
every message is handled by one complete model, the old or the new. The agent keeps its
tracker store, lock store and event broker.

`bot.rasa_server` adds the route when it starts Rasa; the token is Rasa's API token.
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse, json

from bot.access import token_matches

SWAP_ROUTE = "/bot/model"
logger = logging.getLogger(__name__)


def add_swap_route(app: Sanic, token: str) -> None:
    """Add `PUT /bot/model?token=...` with `{"model_file": path}` to Rasa's Sanic app."""

    @app.put(SWAP_ROUTE)
    async def swap_model(request: Request) -> HTTPResponse:
        if not token_matches(request.args.get("token"), token):
            return json({"error": "a valid token is required"}, status=401)
        model_file = (request.json or {}).get("model_file") if _is_json(request) else None
        if not isinstance(model_file, str) or not Path(model_file).is_file():
            return json({"error": "model_file must name a model archive on this server"}, status=400)
        if not hasattr(app.ctx, "model_swap"):
            app.ctx.model_swap = asyncio.Lock()
        async with app.ctx.model_swap:
            started = time.monotonic()
            try:
                await asyncio.get_running_loop().run_in_executor(None, app.ctx.agent.load_model, model_file)
            except Exception as error:  # noqa: BLE001 - any loading failure keeps the old model
                logger.exception("loading %s failed; the previous model stays", Path(model_file).name)
                return json({"error": f"loading failed: {type(error).__name__}"}, status=500)
        seconds = round(time.monotonic() - started, 1)
        logger.info("now serving %s (loaded in %.1f s)", Path(model_file).name, seconds)
        return json({"model_file": Path(model_file).name, "seconds": seconds})


def _is_json(request: Request) -> bool:
    try:
        return isinstance(request.json, dict)
    except Exception:  # noqa: BLE001 - Sanic raises on a malformed body
        return False
