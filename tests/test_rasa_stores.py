"""The guarded tracker and lock stores against real PostgreSQL and Redis servers that fail."""

import asyncio
import logging
import threading
import time

import pytest
import redis
from rasa.core.agent import Agent
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.rasa_server import without_memory_fallback
from bot.rasa_stores import (
    STORE_HEALTH,
    GuardedRedisLockStore,
    GuardedSQLTrackerStore,
    TrackerStoreUnavailable,
)
from tests.services import private_postgres, private_redis

DOMAIN = Domain.from_yaml("version: '3.1'\nintents: [greet]\nresponses:\n  utter_greet:\n  - text: hoi\n")


def conversation(sender: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered("mijn plafond lekt", {"name": "report_repair"}))
    tracker.update(BotUttered("Wat vervelend! Waar lekt het?"))
    return tracker


def texts(tracker) -> list[str]:
    return [event.text for event in tracker.events if isinstance(event, UserUttered | BotUttered)]


@pytest.fixture(autouse=True)
def fresh_health():
    for state in (STORE_HEALTH.tracker_store, STORE_HEALTH.lock_store):
        state.up, state.down_since, state.last_error, state.failures = True, None, None, 0
    yield


@pytest.fixture(scope="module")
def postgres():
    with private_postgres() as server:
        yield server


def store_on(url: str, retry_seconds: float = 6.0) -> GuardedSQLTrackerStore:
    return GuardedSQLTrackerStore(domain=DOMAIN, url=url, retry_seconds=retry_seconds)


def test_a_conversation_round_trips_through_a_sqlite_file(tmp_path):
    store = store_on(f"sqlite:///{tmp_path / 'tracker.db'}")
    asyncio.run(store.save(conversation("whatsapp:+31612345001")))
    again = asyncio.run(store_on(f"sqlite:///{tmp_path / 'tracker.db'}").retrieve("whatsapp:+31612345001"))
    assert texts(again) == ["mijn plafond lekt", "Wat vervelend! Waar lekt het?"]


class CollectingBroker:
    """An event broker that keeps what is published, as Rasa's pika broker would send it."""

    def __init__(self) -> None:
        self.published: list[dict] = []

    def publish(self, event: dict) -> None:
        self.published.append(event)


def test_each_saved_event_is_published_once_in_order_without_reading_the_conversation_back(tmp_path):
    broker = CollectingBroker()
    store = GuardedSQLTrackerStore(
        domain=DOMAIN, url=f"sqlite:///{tmp_path / 'tracker.db'}", event_broker=broker
    )
    tracker = conversation("whatsapp:+31612345001")
    asyncio.run(store.save(tracker))

    async def no_read_back(sender_id):
        raise AssertionError("save read the conversation back")

    store.retrieve = no_read_back
    tracker.update(UserUttered("in de badkamer", {"name": "inform"}))
    tracker.update(BotUttered("Komt het water door het plafond?"))
    asyncio.run(store.save(tracker))
    asyncio.run(store.save(tracker))  # nothing new: nothing published

    stored = asyncio.run(store_on(f"sqlite:///{tmp_path / 'tracker.db'}").retrieve("whatsapp:+31612345001"))
    assert [event["event"] for event in broker.published] == [event.type_name for event in stored.events]
    assert [event.get("text") for event in broker.published if event.get("text")] == texts(stored)
    assert {event["sender_id"] for event in broker.published} == {"whatsapp:+31612345001"}


def test_rasa_does_not_wrap_the_guarded_store_in_its_memory_fallback(tmp_path):
    create = without_memory_fallback(Agent._create_tracker_store)
    guarded = store_on(f"sqlite:///{tmp_path / 'tracker.db'}")
    assert create(guarded, DOMAIN) is guarded
    assert isinstance(create(InMemoryTrackerStore(DOMAIN), DOMAIN), FailSafeTrackerStore)


def test_a_restarted_postgresql_costs_the_conversation_nothing(postgres, caplog):
    store = store_on(postgres.url)
    asyncio.run(store.save(conversation("restart-1")))
    postgres.stop()
    timer = threading.Timer(1.5, postgres.start)
    timer.start()
    caplog.set_level(logging.WARNING, logger="bot.rasa_stores")
    started = time.monotonic()
    tracker = asyncio.run(store.retrieve("restart-1"))
    timer.join()
    assert texts(tracker) == ["mijn plafond lekt", "Wat vervelend! Waar lekt het?"]
    assert time.monotonic() - started >= 1.0  # it waited for the database instead of answering empty
    alerts = [r for r in caplog.records if r.levelno == logging.ERROR and "ALERT" in r.getMessage()]
    assert len(alerts) == 1
    assert any("available again" in r.getMessage() for r in caplog.records)
    assert STORE_HEALTH.tracker_store.up


def test_postgresql_away_for_longer_than_the_window_fails_loudly_and_keeps_nothing_in_memory(postgres):
    store = store_on(postgres.url, retry_seconds=1.5)
    asyncio.run(store.save(conversation("away-1")))
    postgres.stop()
    try:
        with pytest.raises(TrackerStoreUnavailable):
            asyncio.run(store.retrieve("away-1"))
        later = conversation("away-1")
        later.update(UserUttered("hallo??", {"name": "greet"}))
        with pytest.raises(TrackerStoreUnavailable):
            asyncio.run(store.save(later))
        assert not STORE_HEALTH.tracker_store.up
        assert STORE_HEALTH.tracker_store.as_dict()["status"] == "down"
    finally:
        postgres.start()
    tracker = asyncio.run(store.retrieve("away-1"))
    assert texts(tracker) == ["mijn plafond lekt", "Wat vervelend! Waar lekt het?"]
    assert STORE_HEALTH.tracker_store.up


def test_sql_errors_that_are_no_outage_are_not_retried(tmp_path):
    store = store_on(f"sqlite:///{tmp_path / 'tracker.db'}", retry_seconds=30)

    async def broken():
        raise ValueError("a bug, not an outage")

    started = time.monotonic()
    with pytest.raises(ValueError):
        asyncio.run(store._guarded(broken))
    assert time.monotonic() - started < 1
    assert STORE_HEALTH.tracker_store.up


def lock_store(url: str) -> GuardedRedisLockStore:
    return GuardedRedisLockStore(EndpointConfig(url=url, type="bot.rasa_stores.GuardedRedisLockStore"))


async def hold_lock(store, conversation_id: str, seen: list) -> None:
    async with store.lock(conversation_id):
        seen.append(store.red.connection_pool.connection_kwargs["port"])


def test_the_lock_lives_in_redis_while_a_message_is_handled():
    store = lock_store("redis://127.0.0.1:6379/3")

    async def check():
        async with store.lock("lock-test-conversation"):
            assert redis.Redis(port=6379, db=3).exists("lock:lock-test-conversation")
        assert not redis.Redis(port=6379, db=3).exists("lock:lock-test-conversation")

    asyncio.run(check())
    assert STORE_HEALTH.lock_store.up


def test_with_redis_down_messages_are_still_handled_under_a_local_lock_and_health_says_so(tmp_path, caplog):
    with private_redis(tmp_path) as server:
        store = lock_store(server.url)
        order: list[str] = []

        async def handle(conversation_id: str, name: str) -> None:
            async with store.lock(conversation_id, wait_time_in_seconds=0.05):
                order.append(f"{name} in")
                await asyncio.sleep(0.2)
                order.append(f"{name} out")

        server.stop()
        caplog.set_level(logging.ERROR, logger="bot.rasa_stores")

        async def two_messages_of_one_conversation():
            await asyncio.gather(handle("c-1", "first"), handle("c-1", "second"))

        asyncio.run(two_messages_of_one_conversation())
        # Still one message of a conversation at a time, within this process.
        assert order in (
            ["first in", "first out", "second in", "second out"],
            ["second in", "second out", "first in", "first out"],
        )
        assert not STORE_HEALTH.lock_store.up
        assert sum("ALERT: the lock store" in r.getMessage() for r in caplog.records) == 1
        server.start()
        asyncio.run(handle("c-2", "third"))
        assert STORE_HEALTH.lock_store.up
