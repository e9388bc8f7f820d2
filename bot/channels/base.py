"""What our chat channels share: replies into the outbox, settings-configured webhooks, bookkeeping."""

from __future__ import annotations

import asyncio
from functools import cached_property
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel
from sqlalchemy.orm import sessionmaker

from bot.channels.inbound import Ledger
from bot.db import engine_for, session_factory
from bot.outbox import queue_replies
from bot.settings import PROJECT_DIR, Settings, load_settings


def plain_buttons(message: dict[str, Any]) -> list[dict[str, str]]:
    """A bot message's buttons as {"title", "payload"} strings."""
    return [
        {"title": str(button.get("title", "")), "payload": str(button.get("payload", ""))}
        for button in message.get("buttons") or []
    ]


class OutboxOutput(OutputChannel):
    """Puts the bot's replies in the outbox for the delivery loop; never waits for the provider."""

    channel = ""

    @classmethod
    def name(cls) -> str:
        return cls.channel

    def __init__(self, sessions: sessionmaker) -> None:
        self.sessions = sessions

    def rows(self, message: dict[str, Any]) -> list[dict[str, Any]]:
        """One bot message as outbox rows (`text`, optional `media_url` and `buttons`)."""
        raise NotImplementedError

    def recipient(self, conversation_id: str) -> str:
        """The channel address of a conversation; its sender id unless the channel says otherwise."""
        return conversation_id

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        rows = self.rows(message)
        if rows:
            await asyncio.to_thread(
                queue_replies,
                self.sessions,
                channel=self.channel,
                recipient=self.recipient(recipient_id),
                conversation_id=recipient_id,
                rows=rows,
            )

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})


class SettingsInput(InputChannel):
    """A webhook configured from the settings object, with its database and seen-once ledger."""

    channel = ""
    output_class: type[OutboxOutput] = OutboxOutput

    @classmethod
    def name(cls) -> str:
        return cls.channel

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls(load_settings(PROJECT_DIR / ".env"))

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def sessions(self) -> sessionmaker:
        return session_factory(engine_for(self.settings.database_url))

    @cached_property
    def ledger(self) -> Ledger:
        return Ledger(self.sessions, self.channel)

    def get_output_channel(self) -> OutputChannel:
        return self.output_class(self.sessions)
