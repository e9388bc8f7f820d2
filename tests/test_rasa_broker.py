"""The event broker: a heartbeat that outlasts a model load, failures logged without tenant data."""

import asyncio
import logging
import uuid

import pytest
from rasa.core.brokers.broker import EventBroker
from rasa.utils.endpoints import EndpointConfig

from bot.endpoints import EVENT_BROKER_CLASS
from bot.rasa_broker import HEARTBEAT_SECONDS, GuardedPikaEventBroker

EVENT = {"sender_id": "whatsapp:+31612345001", "event": "user", "text": "er lekt water door het plafond"}


def test_rasa_loads_our_broker_from_the_endpoints_type_and_rabbitmq_agrees_to_the_long_heartbeat():
    queue = f"huurder_test_broker_{uuid.uuid4().hex[:8]}"
    config = EndpointConfig(
        url="127.0.0.1",
        type=EVENT_BROKER_CLASS,
        port=5672,
        username="guest",
        password="guest",
        queues=[queue],
    )

    async def connect_and_publish() -> tuple[type, int, bool]:
        broker = await EventBroker.create(config)
        try:
            broker.publish(EVENT)
            await asyncio.sleep(0.5)
            tune = broker._connection.transport.connection.connection_tune
            return type(broker), tune.heartbeat, broker.is_ready()
        finally:
            channel = await broker._connection.channel()
            await channel.queue_delete(queue)
            await broker.close()

    kind, heartbeat, ready = asyncio.run(connect_and_publish())
    assert kind is GuardedPikaEventBroker and ready
    assert heartbeat == HEARTBEAT_SECONDS > 4 * 60


class FailingExchange:
    """An exchange whose publishing fails until `back` is set."""

    def __init__(self) -> None:
        self.back, self.published = False, []

    async def publish(self, message, routing_key) -> None:
        if not self.back:
            raise ConnectionResetError("connection lost")
        self.published.append(message)


def test_events_that_cannot_be_published_are_kept_and_logged_once_without_the_tenants_data(caplog):
    async def run() -> tuple[GuardedPikaEventBroker, FailingExchange]:
        broker = GuardedPikaEventBroker("127.0.0.1", "guest", "guest", queues=["unused"])
        broker._exchange = exchange = FailingExchange()
        for _ in range(3):
            await broker._publish(dict(EVENT))
        exchange.back = True
        await broker._publish(dict(EVENT))
        return broker, exchange

    caplog.set_level(logging.INFO)
    broker, exchange = asyncio.run(run())
    assert len(broker._unpublished_events) == 3 and len(exchange.published) == 1
    alerts = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(alerts) == 1 and "ConnectionResetError" in alerts[0]
    assert any("again" in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    logged = caplog.text
    assert "+31612345001" not in logged and "plafond" not in logged


def test_a_broker_told_to_raise_still_raises():
    async def run() -> None:
        broker = GuardedPikaEventBroker(
            "127.0.0.1", "guest", "guest", queues=["unused"], raise_on_failure=True
        )
        broker._exchange = FailingExchange()
        broker._connection = None
        await broker._publish(dict(EVENT))

    with pytest.raises(ConnectionResetError):
        asyncio.run(run())
