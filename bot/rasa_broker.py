"""Rasa's RabbitMQ event broker, kept connected through a model load and quiet about tenants.

- Rasa connects to RabbitMQ before it loads the model, and loading blocks the event loop:
  on a busy machine for more than RabbitMQ's default 60 s heartbeat. The server then closes
  the connection ("missed heartbeats from client") and the first events after the start fail
  until the reconnect. `GuardedPikaEventBroker` asks for a heartbeat that outlasts a model
  load (`HEARTBEAT_SECONDS`).
- Rasa logs every event it could not publish, with the tenant's number and words. Ours logs
  that publishing fails, once until it works again, with the kind of error only. The events
  are kept and published after the reconnect, as in Rasa.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aio_pika
from rasa.core.brokers.pika import PikaEventBroker, _create_rabbitmq_ssl_options

from bot.db import error_kind

logger = logging.getLogger(__name__)
# Longer than a replica takes to load its model on a busy machine (up to about 4 minutes).
HEARTBEAT_SECONDS = 600


class GuardedPikaEventBroker(PikaEventBroker):
    """Rasa's pika broker with a long heartbeat and failures logged without the events."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.publish_failing = False

    async def _connect(self) -> aio_pika.abc.AbstractRobustConnection:
        """Rasa's connection attempts, with the heartbeat; the error kind only when all fail."""
        ssl_options = _create_rabbitmq_ssl_options(self.host)
        last_error: Exception | None = None
        for _ in range(self._connection_attempts):
            try:
                return await aio_pika.connect_robust(
                    host=self.host,
                    port=self.port,
                    login=self.username,
                    password=self.password,
                    loop=self._loop,
                    ssl=ssl_options is not None,
                    ssl_options=ssl_options,
                    heartbeat=HEARTBEAT_SECONDS,
                )
            except Exception as error:  # noqa: BLE001 - RabbitMQ may still be starting
                last_error = error
                await asyncio.sleep(self._retry_delay_in_seconds)
        logger.error("ALERT: the event broker at %s does not answer (%s)", self.host, error_kind(last_error))
        raise last_error  # type: ignore[misc]

    async def _publish(self, event: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        """Publish one event; on failure keep it for the reconnect and say so once, without it."""
        if self._exchange is None:
            return
        try:
            await self._exchange.publish(self._message(event, headers), "")
        except Exception as error:  # noqa: BLE001 - aio_pika raises many kinds
            if self.should_keep_unpublished_messages:
                self._unpublished_events.append(event)
            if not self.publish_failing:
                self.publish_failing = True
                logger.error(
                    "ALERT: events cannot be published to the event broker (%s); %d kept for the reconnect",
                    error_kind(error),
                    len(self._unpublished_events),
                )
            if self.raise_on_failure:
                await self.close()
                raise
            return
        if self.publish_failing:
            self.publish_failing = False
            logger.warning("events are published to the event broker again")
