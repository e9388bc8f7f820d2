"""`python -m bot.rasa_server ARGS`: `rasa run ARGS` with the API token taken from the environment.

Rasa reads its API token only from `--auth-token`. Passed by the supervisor on the
command line it would be visible to every user in the process list; here it is read
from `RASA_AUTH_TOKEN` (readable only by the process owner) and handed to Rasa in-process.
It also adds `PUT /bot/model`, which swaps the model without pausing the server
(bot/model/hot_swap.py), `/bot/health` and `/metrics` (bot/rasa_health.py); keeps Rasa from
hiding a failing tracker store behind its memory fallback (bot/rasa_stores.py); makes a
failing action server end in an apology and a callback (bot/action_outage.py); and checks the
action server's answers on a validator built once (bot/action_response.py).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sanic import Sanic

TOKEN_VARIABLE = "RASA_AUTH_TOKEN"


def rasa_argv(args: list[str], environ: dict[str, str]) -> list[str]:
    """The argv for Rasa's own CLI: `rasa run ARGS --auth-token <token from the environment>`."""
    token = environ.get(TOKEN_VARIABLE)
    if not token:
        raise SystemExit(f"{TOKEN_VARIABLE} is not set: refusing to start an unprotected HTTP API")
    return ["rasa", "run", *args, "--auth-token", token]


def with_our_routes(configure_app: Callable[..., Sanic], token: str) -> Callable[..., Sanic]:
    """Rasa's `configure_app`, adding our routes (model swap, health, metrics) to the app it makes."""
    from bot.model.hot_swap import add_swap_route
    from bot.rasa_health import add_health_routes

    def configure(*args: Any, **kwargs: Any) -> Sanic:
        app = configure_app(*args, **kwargs)
        add_swap_route(app, token)
        add_health_routes(app, token)
        return app

    return configure


def without_memory_fallback(create_tracker_store: Callable[..., Any]) -> Callable[..., Any]:
    """Rasa's `Agent._create_tracker_store`, leaving our guarded store unwrapped.

    Rasa wraps every store in `FailSafeTrackerStore`, which reads a failing conversation as
    empty and saves it to memory; ours retries and then fails the message instead.
    """
    from bot.rasa_stores import GuardedSQLTrackerStore

    def create(store: Any, domain: Any) -> Any:
        if isinstance(store, GuardedSQLTrackerStore):
            store.domain = domain
            return store
        return create_tracker_store(store, domain)

    return create


def install_guards() -> None:
    """Patch Rasa in this process: no silent memory fallback, an honest answer when actions fail."""
    from rasa.core.agent import Agent

    from bot.action_outage import guard_remote_actions
    from bot.rasa_health import METRICS

    Agent._create_tracker_store = staticmethod(without_memory_fallback(Agent._create_tracker_store))
    guard_remote_actions(on_failure=METRICS.action_server_failures.inc)


def main() -> None:
    sys.argv = rasa_argv(sys.argv[1:], dict(os.environ))
    import rasa.core.run

    rasa.core.run.configure_app = with_our_routes(rasa.core.run.configure_app, os.environ[TOKEN_VARIABLE])
    install_guards()
    from bot.action_response import install_cached_response_validation

    install_cached_response_validation()
    from bot.faq import ignore_missing_response_warning

    # The FAQ topics have no domain responses by design (data/faq_answers.yml holds the
    # answers); without this, Rasa warns about it at every FAQ question.
    ignore_missing_response_warning()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
