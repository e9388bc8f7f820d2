"""`python -m bot.rasa_server ARGS`: `rasa run ARGS` with the API token taken from the environment.

Rasa reads its API token only from `--auth-token`. Passed by the supervisor on the
command line it would be visible to every user in the process list; here it is read
from `RASA_AUTH_TOKEN` (readable only by the process owner) and handed to Rasa in-process.
"""

from __future__ import annotations

import os
import sys

TOKEN_VARIABLE = "RASA_AUTH_TOKEN"


def rasa_argv(args: list[str], environ: dict[str, str]) -> list[str]:
    """The argv for Rasa's own CLI: `rasa run ARGS --auth-token <token from the environment>`."""
    token = environ.get(TOKEN_VARIABLE)
    if not token:
        raise SystemExit(f"{TOKEN_VARIABLE} is not set: refusing to start an unprotected HTTP API")
    return ["rasa", "run", *args, "--auth-token", token]


def main() -> None:
    sys.argv = rasa_argv(sys.argv[1:], dict(os.environ))
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
