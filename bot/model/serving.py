"""Load a model into running Rasa servers, one at a time, and check that they serve it.

The load goes through `PUT /bot/model` (bot/model/hot_swap.py), which our Rasa launcher adds:
the server loads the new model in a worker thread and keeps answering with the old one
until it swaps. With several replicas they are swapped one after the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import requests

from bot.model.hot_swap import SWAP_ROUTE

STATUS_TIMEOUT_SECONDS = 5
# Loading a model takes seconds on 2 cores; a generous limit for a busy server.
LOAD_TIMEOUT_SECONDS = 600


class ServingError(RuntimeError):
    """A running Rasa server did not take the model."""


@dataclass(frozen=True)
class RasaServer:
    """A Rasa server's base URL and its API token."""

    url: str
    token: str

    def status(self) -> dict | None:
        """Rasa's `/status`, or None when the server is not running."""
        try:
            response = requests.get(
                f"{self.url}/status", params={"token": self.token}, timeout=STATUS_TIMEOUT_SECONDS
            )
        except requests.ConnectionError:
            return None
        except requests.RequestException as error:
            raise ServingError(f"{self.url}: /status failed: {type(error).__name__}") from None
        if response.status_code != 200:
            raise ServingError(f"{self.url}: /status answered HTTP {response.status_code}")
        return response.json()

    def served_model(self) -> str | None:
        """The file name of the model the server answers with, or None when it is not running."""
        status = self.status()
        return Path(status["model_file"]).name if status and status.get("model_file") else None

    def load(self, model: Path) -> None:
        """Swap `model` in and check that the server now serves it.

        Raises:
            ServingError: when the server refuses or fails to load it.
        """
        try:
            response = requests.put(
                f"{self.url}{SWAP_ROUTE}",
                params={"token": self.token},
                json={"model_file": str(model.resolve())},
                timeout=LOAD_TIMEOUT_SECONDS,
            )
        except requests.RequestException as error:
            raise ServingError(f"{self.url}: loading the model failed: {type(error).__name__}") from None
        if response.status_code != 200:
            raise ServingError(
                f"{self.url}: Rasa refused the model: HTTP {response.status_code} {response.text[:300]}"
            )
        if self.served_model() != model.name:
            raise ServingError(f"{self.url}: Rasa answered 204 but does not serve {model.name}")


def load_everywhere(servers: list[RasaServer], model: Path) -> list[str]:
    """Load `model` into every running server in turn; return the URLs of those that were running.

    Raises:
        ServingError: at the first server that fails; the servers before it already serve `model`.
    """
    loaded = []
    for server in servers:
        if server.status() is None:
            continue
        server.load(model)
        loaded.append(server.url)
    return loaded
