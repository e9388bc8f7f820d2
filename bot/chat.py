"""Chat with the running assistant from the terminal, through its REST channel."""

from __future__ import annotations

import json
import urllib.request
import uuid
from collections.abc import Callable

from bot.channels.formatting import resolve_choice


def send(rasa_url: str, sender: str, message: str, timeout: float = 30) -> list[dict]:
    """Post one message to the REST webhook and return the bot's replies."""
    body = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(
        f"{rasa_url}/webhooks/rest/webhook",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read().decode())


def render(replies: list[dict]) -> tuple[str, list[dict]]:
    """Terminal text for the replies, with buttons as a numbered list, and those buttons."""
    lines: list[str] = []
    buttons: list[dict] = []
    for reply in replies:
        if reply.get("text"):
            lines.append(f"bot> {reply['text']}")
        if reply.get("image"):
            lines.append(f"bot> [afbeelding] {reply['image']}")
        for button in reply.get("buttons", []):
            buttons.append(button)
            lines.append(f"     {len(buttons)}. {button['title']}")
    return "\n".join(lines), buttons


def chat(rasa_url: str, read: Callable[[str], str] = input) -> None:
    """Interactive loop; Ctrl-D or Ctrl-C ends it."""
    sender = f"terminal-{uuid.uuid4().hex[:8]}"
    print(f"Chatting as {sender} with {rasa_url}. Type a message; Ctrl-D to stop.")
    buttons: list[dict] = []
    while True:
        try:
            text = read("u> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return
        if not text.strip():
            continue
        output, buttons = render(send(rasa_url, sender, resolve_choice(text, buttons)))
        print(output or "bot> (geen antwoord)")
