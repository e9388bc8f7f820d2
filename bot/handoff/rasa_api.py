"""Resume a paused conversation in the Rasa server, through its HTTP API (`--enable-api`)."""

from __future__ import annotations

import time
from urllib.parse import quote

import requests

TIMEOUT_SECONDS = 5


class RasaUnavailable(RuntimeError):
    """The Rasa server did not accept the event; the conversation is still paused."""


def resume_conversation(rasa_url: str, token: str, conversation_id: str) -> None:
    """Append Rasa's `resume` event, so the bot answers the tenant's next message again.

    Raises:
        RasaUnavailable: when Rasa cannot be reached or refuses the event.
    """
    # Rasa does not decode the id in the path, so the characters of our ids stay as they are.
    url = f"{rasa_url.rstrip('/')}/conversations/{quote(conversation_id, safe=':+@=')}/tracker/events"
    try:
        response = requests.post(
            url,
            params={"token": token},
            json={"event": "resume", "timestamp": time.time()},
            timeout=TIMEOUT_SECONDS,
        )
    except requests.RequestException as error:
        raise RasaUnavailable(f"Rasa could not be reached: {type(error).__name__}") from None
    if response.status_code != 200:
        raise RasaUnavailable(f"Rasa refused the resume event: HTTP {response.status_code}")
