"""Rasa's tracker and lock stores, made to fail loudly instead of quietly.

Rasa wraps every tracker store in `FailSafeTrackerStore`: when the database fails, a
conversation is read as empty and saved to memory, and nobody notices until tenants are
asked for their postcode again and their events are gone after a restart. Here:

- `GuardedSQLTrackerStore` is Rasa's `SQLTrackerStore` configured with one SQLAlchemy URL
  (SQLite file or PostgreSQL). Connections are checked before use, so a restarted database
  is reconnected to. A failed read or write is retried for `retry_seconds` (a PostgreSQL
  restart takes a few seconds); if the database stays away, `TrackerStoreUnavailable` is
  raised, so the webhook answers 5xx and nothing is written to memory. `bot/rasa_server.py`
  keeps Rasa from wrapping it in its fail-safe store.
- `GuardedRedisLockStore` is Rasa's Redis lock store. When Redis is down, messages are
  still answered under a lock of this process only (the tenant waiting at 23:00 matters
  more than the rare message of one conversation reaching two replicas at once).
- `STORE_HEALTH` records the state of both for `/bot/health` and `/metrics`; every change
  of state is logged once (ERROR when a store goes down, WARNING when it is back), with the
  kind of error only: SQL errors can carry a tenant's words as parameters.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from rasa.core.lock_store import (
    DEFAULT_REDIS_LOCK_STORE_KEY_PREFIX,
    LOCK_LIFETIME,
    InMemoryLockStore,
    RedisLockStore,
)
from rasa.core.tracker_store import SQLTrackerStore
from rasa.utils.endpoints import EndpointConfig

from bot.db import error_kind

logger = logging.getLogger(__name__)
T = TypeVar("T")
DEFAULT_RETRY_SECONDS = 10.0
FIRST_RETRY_DELAY = 0.25
MAX_RETRY_DELAY = 2.0
REDIS_SOCKET_TIMEOUT = 2.0


class TrackerStoreUnavailable(RuntimeError):
    """The tracker store's database could not be reached within the retry window."""


@dataclass
class StoreState:
    """Whether one store answers, since when it does not, and the kind of the last error."""

    name: str
    up: bool = True
    down_since: float | None = None
    last_error: str | None = None
    failures: int = 0

    def as_dict(self) -> dict[str, Any]:
        state: dict[str, Any] = {"status": "ok" if self.up else "down", "failures": self.failures}
        if not self.up:
            state["down_for_seconds"] = round(time.time() - (self.down_since or time.time()), 1)
            state["error"] = self.last_error
        return state


@dataclass
class StoreHealth:
    """The process-wide state of the stores Rasa depends on."""

    tracker_store: StoreState = field(default_factory=lambda: StoreState("tracker store"))
    lock_store: StoreState = field(default_factory=lambda: StoreState("lock store"))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def failed(self, state: StoreState, error: BaseException) -> None:
        """Record a failure; log once when the store goes down."""
        with self._lock:
            state.failures += 1
            state.last_error = error_kind(error)
            if state.up:
                state.up, state.down_since = False, time.time()
                logger.error("ALERT: the %s is unavailable (%s)", state.name, state.last_error)

    def recovered(self, state: StoreState) -> None:
        """Record a success; log once when a store that was down is back."""
        if state.up:
            return
        with self._lock:
            if not state.up:
                down_for = time.time() - (state.down_since or time.time())
                state.up, state.down_since = True, None
                logger.warning("the %s is available again after %.1f s", state.name, down_for)


STORE_HEALTH = StoreHealth()


def _is_connection_error(error: BaseException) -> bool:
    import sqlalchemy.exc

    if isinstance(error, sqlalchemy.exc.DBAPIError):
        return error.connection_invalidated or isinstance(
            error, sqlalchemy.exc.OperationalError | sqlalchemy.exc.InterfaceError
        )
    return isinstance(error, sqlalchemy.exc.OperationalError | ConnectionError)


async def with_retries(
    operation: Callable[[], Awaitable[T]], *, retry_seconds: float, state: StoreState
) -> T:
    """Run `operation`; retry connection errors with back-off for `retry_seconds`, then give up loudly."""
    deadline = time.monotonic() + retry_seconds
    delay = FIRST_RETRY_DELAY
    while True:
        try:
            result = await operation()
        except Exception as error:  # noqa: BLE001 - classified below
            if not _is_connection_error(error):
                raise
            STORE_HEALTH.failed(state, error)
            if time.monotonic() + delay > deadline:
                raise TrackerStoreUnavailable(
                    f"the {state.name} did not answer for {retry_seconds:.0f} s ({error_kind(error)})"
                ) from None
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_RETRY_DELAY)
            continue
        STORE_HEALTH.recovered(state)
        return result


class GuardedSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store on one URL; it retries, then fails loudly instead of forgetting."""

    def __init__(
        self,
        domain: Any = None,
        host: str | None = None,
        event_broker: Any = None,
        url: str | None = None,
        retry_seconds: float | str = DEFAULT_RETRY_SECONDS,
        **kwargs: Any,
    ) -> None:
        from sqlalchemy.engine import make_url

        address = make_url(url or host or "")
        super().__init__(
            domain=domain,
            dialect=address.get_backend_name(),
            host=address.host,
            port=address.port,
            db=address.database,
            username=address.username,
            password=address.password,
            event_broker=event_broker,
            query=dict(address.query) or None,
            **kwargs,
        )
        self._use_pre_ping()
        self.retry_seconds = float(retry_seconds)

    def _use_pre_ping(self) -> None:
        """Test each pooled connection before use, so a database restart costs no failed message."""
        import sqlalchemy as sa
        from rasa.core.tracker_store import create_engine_kwargs

        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(str(url)))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    def ping(self) -> None:
        """One round trip to the database; raises when it does not answer."""
        import sqlalchemy as sa

        with self.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))

    async def _guarded(self, operation: Callable[[], Awaitable[T]]) -> T:
        return await with_retries(
            operation, retry_seconds=self.retry_seconds, state=STORE_HEALTH.tracker_store
        )

    async def retrieve(self, sender_id: str) -> Any:
        return await self._guarded(lambda: super(GuardedSQLTrackerStore, self).retrieve(sender_id))

    async def retrieve_full_tracker(self, conversation_id: str) -> Any:
        return await self._guarded(
            lambda: super(GuardedSQLTrackerStore, self).retrieve_full_tracker(conversation_id)
        )

    async def save(self, tracker: Any) -> None:
        await self._guarded(lambda: super(GuardedSQLTrackerStore, self).save(tracker))

    async def keys(self) -> Any:
        return await self._guarded(lambda: super(GuardedSQLTrackerStore, self).keys())

    async def stream_events(self, tracker: Any) -> None:
        """Publish the events `save` is about to store, found by counting the stored ones.

        Rasa's version reads the whole conversation back and replays it to find them: a
        second tracker read per message, a fifth of a replica's time under load.
        """
        if self.event_broker is None:
            return
        with self.session_scope() as session:
            new_events = list(self._additional_events(session, tracker))
        await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)


class GuardedRedisLockStore(RedisLockStore):
    """Rasa's Redis lock store from one `redis://` URL; a local lock while Redis is down."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        import redis

        client = redis.Redis.from_url(
            endpoint_config.url,
            socket_timeout=REDIS_SOCKET_TIMEOUT,
            socket_connect_timeout=REDIS_SOCKET_TIMEOUT,
        )
        self.red = client
        self.key_prefix = DEFAULT_REDIS_LOCK_STORE_KEY_PREFIX
        prefix = endpoint_config.kwargs.get("key_prefix")
        if prefix:
            self._set_key_prefix(prefix)
        self._local = InMemoryLockStore()
        # Like Rasa's RedisLockStore.__init__, without its host/port/password arguments.
        super(RedisLockStore, self).__init__()

    def redis_answers(self) -> bool:
        import redis

        try:
            self.red.ping()
        except redis.RedisError as error:
            STORE_HEALTH.failed(STORE_HEALTH.lock_store, error)
            return False
        STORE_HEALTH.recovered(STORE_HEALTH.lock_store)
        return True

    @asynccontextmanager
    async def lock(
        self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME, wait_time_in_seconds: float = 1
    ) -> AsyncIterator[Any]:
        store = super() if self.redis_answers() else self._local
        async with store.lock(conversation_id, lock_lifetime, wait_time_in_seconds) as ticket_lock:
            yield ticket_lock

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Release the ticket; if Redis went away meanwhile, the lock simply expires there."""
        import redis

        try:
            super().cleanup(conversation_id, ticket_number)
        except redis.RedisError as error:
            STORE_HEALTH.failed(STORE_HEALTH.lock_store, error)
