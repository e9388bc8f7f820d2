"""Bot replies as a chat app without buttons shows them: numbered choices, and text in parts."""

from __future__ import annotations

import re

# WhatsApp through Twilio refuses a body over 1,600 characters.
WHATSAPP_LIMIT = 1600
SENTENCE_END = re.compile(r"((?<=[.!?…:])\s+|\n+)")
NUMBER_PREFIX = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")


def numbered_choices(text: str, buttons: list[dict]) -> str:
    """The text with the buttons under it as a numbered list ("1. Ja")."""
    if not buttons:
        return text
    choices = "\n".join(f"{number}. {button['title']}" for number, button in enumerate(buttons, start=1))
    return f"{text}\n\n{choices}" if text else choices


def resolve_choice(text: str, buttons: list[dict]) -> str:
    """A reply that is a choice's number ("2", "2.") or title becomes that button's payload."""
    choice = text.strip()
    number = NUMBER_PREFIX.match(choice)
    for index, button in enumerate(buttons, start=1):
        if (number and int(number.group(1)) == index) or choice.casefold() == str(button["title"]).casefold():
            return button["payload"]
    return text


def split_text(text: str, limit: int = WHATSAPP_LIMIT) -> list[str]:
    """Parts of at most `limit` characters, cut after a sentence where possible, else between words.

    Line breaks inside a part stay as they were (steps of a self-help item, a list).
    """
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    parts: list[str] = []
    current = ""
    for piece in _pieces(text, limit):
        if current and len((current + piece).rstrip()) > limit:
            parts.append(current.rstrip())
            current = piece.lstrip()
        else:
            current += piece
    if current.strip():
        parts.append(current.strip())
    return parts


def _pieces(text: str, limit: int) -> list[str]:
    """Sentences with the space after them; a sentence over `limit` is cut between words."""
    chunks = SENTENCE_END.split(text)
    sentences = [chunks[i] + (chunks[i + 1] if i + 1 < len(chunks) else "") for i in range(0, len(chunks), 2)]
    pieces: list[str] = []
    for sentence in sentences:
        while len(sentence.rstrip()) > limit:
            cut = sentence.rfind(" ", 0, limit + 1)
            cut = cut if cut > 0 else limit
            pieces.append(sentence[:cut] + " ")
            sentence = sentence[cut:].lstrip()
        if sentence:
            pieces.append(sentence)
    return pieces
