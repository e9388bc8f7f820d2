"""A handed-over conversation as the agent reads it, oldest message first.

The tenant's and the bot's messages come from Rasa's tracker store, the agents' replies
from our own table. Rasa keeps every event of a conversation in its SQL tracker store (table `events`, one
JSON `data` column per event, indexed by `sender_id`); we only read it. A cursor (the last
tracker event id and agent message id seen) lets the console fetch only what is new.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from bot.channels.media import media_urls
from bot.handoff.models import AgentMessage, Handoff
from bot.tracker_store import EVENTS

MAX_LINES = 500


@dataclass(frozen=True)
class Line:
    """One message: who wrote it (`tenant`, `bot`, `agent`), when, and what."""

    who: str
    at: datetime
    text: str
    author: str | None = None
    media: tuple[str, ...] = ()
    buttons: tuple[str, ...] = ()
    # The tracker event of a tenant's message, so an agent can flag it as misunderstood.
    event_id: int | None = None

    def as_json(self) -> dict:
        row = asdict(self)
        row["at"] = self.at.isoformat()
        row["media"], row["buttons"] = list(self.media), list(self.buttons)
        return row


@dataclass(frozen=True)
class Cursor:
    """How far the agent has read: the last tracker event id and agent message id."""

    event_id: int = 0
    agent_message_id: int = 0

    def token(self) -> str:
        return f"{self.event_id}.{self.agent_message_id}"

    @classmethod
    def parse(cls, token: str | None) -> Cursor:
        """A cursor from the console's token; anything unreadable starts from the beginning."""
        try:
            event_id, agent_message_id = (int(part) for part in (token or "").split("."))
        except ValueError:
            return cls()
        return cls(max(event_id, 0), max(agent_message_id, 0))


def _line(event_id: int, data: dict) -> Line | None:
    """A tracker event as a transcript line; other events than messages are skipped."""
    at = datetime.fromtimestamp(float(data.get("timestamp") or 0), tz=timezone.utc)
    if data.get("event") == "user":
        text = data.get("text") or ""
        media = tuple(media_urls(data.get("metadata")))
        if text.startswith("/"):  # a button press or a wordless message: show what was sent
            text = "" if media else text
        return Line("tenant", at, text, media=media, event_id=event_id)
    if data.get("event") == "bot":
        extra = data.get("data") or {}
        buttons = tuple(str(button.get("title", "")) for button in extra.get("buttons") or [])
        image = (extra.get("image"),) if extra.get("image") else ()
        return Line("bot", at, data.get("text") or "", media=image, buttons=buttons)
    return None


def tracker_lines(tracker_engine: Engine, conversation_id: str, after: int = 0) -> tuple[list[Line], int]:
    """The conversation's messages in Rasa's store after event id `after`, and the last id read.

    A store Rasa has not created yet holds no messages.
    """
    query = (
        select(EVENTS.c.id, EVENTS.c.data)
        .where(
            EVENTS.c.sender_id == conversation_id,
            EVENTS.c.id > after,
            EVENTS.c.type_name.in_(("user", "bot")),
        )
        .order_by(EVENTS.c.id)
        .limit(MAX_LINES)
    )
    try:
        with tracker_engine.connect() as connection:
            rows = connection.execute(query).all()
    except (OperationalError, ProgrammingError):
        return [], after
    lines = [
        line for event_id, data in rows if (line := _line(event_id, json.loads(data or "{}"))) is not None
    ]
    return lines, rows[-1].id if rows else after


def agent_lines(session: Session, conversation_id: str, after: int = 0) -> tuple[list[Line], int]:
    """Every agent reply in this conversation (over all its handoffs) after id `after`."""
    query = (
        select(AgentMessage)
        .join(Handoff, Handoff.id == AgentMessage.handoff_id)
        .where(Handoff.conversation_id == conversation_id, AgentMessage.id > after)
        .order_by(AgentMessage.id)
        .limit(MAX_LINES)
    )
    messages = list(session.scalars(query))
    lines = [Line("agent", message.created_at, message.text, author=message.author) for message in messages]
    return lines, messages[-1].id if messages else after


def transcript(
    session: Session, tracker_engine: Engine, conversation_id: str, cursor: Cursor | None = None
) -> tuple[list[Line], Cursor]:
    """The messages after `cursor`, oldest first, and the cursor to ask with next time."""
    cursor = cursor or Cursor()
    tracked, event_id = tracker_lines(tracker_engine, conversation_id, cursor.event_id)
    written, message_id = agent_lines(session, conversation_id, cursor.agent_message_id)
    lines = sorted([*tracked, *written], key=lambda line: line.at)
    return lines, Cursor(event_id, message_id)
