"""`python -m bot.rasa_server ARGS`: `rasa run ARGS` with the API token taken from the environment.

Rasa reads its API token only from `--auth-token`. Passed by the supervisor on the
command line it would be visible to every user in the process list; here it is read
from `RASA_AUTH_TOKEN` (readable only by the process owner) and handed to Rasa in-process.
It also adds `PUT /bot/model`, which swaps the model without pausing the server
(bot/model/hot_swap.py).
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


def with_swap_route(configure_app: Callable[..., Sanic], token: str) -> Callable[..., Sanic]:
    """Rasa's `configure_app`, adding our model swap route (bot/model/hot_swap.py) to the app it makes."""
    from bot.model.hot_swap import add_swap_route

    def configure(*args: Any, **kwargs: Any) -> Sanic:
        app = configure_app(*args, **kwargs)
        add_swap_route(app, token)
        return app

    return configure


def main() -> None:
    sys.argv = rasa_argv(sys.argv[1:], dict(os.environ))
    import rasa.core.run

    rasa.core.run.configure_app = with_swap_route(rasa.core.run.configure_app, os.environ[TOKEN_VARIABLE])
    from bot.faq import ignore_missing_response_warning

    # The FAQ topics have no domain responses by design (data/faq_answers.yml holds the
    # answers); without this, Rasa warns about it at every FAQ question.
    ignore_missing_response_warning()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
