"""Rasa's endpoints file for the settings: the embedded profile or the production one.

The file holds only `${VARIABLE}` references and the choice of stores, never a secret;
`endpoint_env` gives the values, which the runner hands to each Rasa process.

- Tracker store: always our `GuardedSQLTrackerStore` (bot/rasa_stores.py) on
  TRACKER_STORE_URL, a SQLite file by default, PostgreSQL in production.
- Lock store: Redis (`GuardedRedisLockStore`) when LOCK_STORE_URL is set, else Rasa's lock
  inside the one process.
- Event broker: RabbitMQ through Rasa's pika broker (`GuardedPikaEventBroker`,
  bot/rasa_broker.py) when EVENT_BROKER_URL is set, so every conversation event reaches the
  corporation's analytics; else none. Rasa's broker logs
  the host it connects to, so it gets host, port, user and password apart, never the URL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from bot.settings import Settings

TRACKER_STORE_CLASS = "bot.rasa_stores.GuardedSQLTrackerStore"
LOCK_STORE_CLASS = "bot.rasa_stores.GuardedRedisLockStore"
EVENT_BROKER_CLASS = "bot.rasa_broker.GuardedPikaEventBroker"
AMQP_DEFAULT_PORT = 5672


def endpoints_config(settings: Settings) -> dict[str, Any]:
    """The endpoints Rasa reads, with `${...}` where a value comes from `endpoint_env`."""
    config: dict[str, Any] = {
        "action_endpoint": {"url": "${ACTION_ENDPOINT_URL}"},
        "tracker_store": {
            "type": TRACKER_STORE_CLASS,
            "url": "${TRACKER_STORE_URL}",
            "retry_seconds": settings.tracker_store_retry_seconds,
        },
    }
    if settings.lock_store_url:
        config["lock_store"] = {"type": LOCK_STORE_CLASS, "url": "${LOCK_STORE_URL}"}
    if settings.event_broker_url:
        config["event_broker"] = {
            "type": EVENT_BROKER_CLASS,
            "url": "${EVENT_BROKER_HOST}",
            "port": "${EVENT_BROKER_PORT}",
            "username": "${EVENT_BROKER_USERNAME}",
            "password": "${EVENT_BROKER_PASSWORD}",
            "queues": [settings.event_broker_queue],
        }
    return config


def broker_parts(url: str) -> dict[str, str]:
    """Host, port, user and password of an `amqp://user:password@host:port/` URL."""
    parts = urlsplit(url)
    if parts.scheme not in {"amqp", "amqps"} or not parts.hostname:
        raise ValueError("EVENT_BROKER_URL must look like amqp://user:password@host:5672/")
    return {
        "EVENT_BROKER_HOST": parts.hostname,
        "EVENT_BROKER_PORT": str(parts.port or AMQP_DEFAULT_PORT),
        "EVENT_BROKER_USERNAME": unquote(parts.username or "guest"),
        "EVENT_BROKER_PASSWORD": unquote(parts.password or "guest"),
    }


def endpoint_env(settings: Settings) -> dict[str, str]:
    """The values of the `${...}` references in `endpoints_config`."""
    env = {
        "ACTION_ENDPOINT_URL": settings.action_endpoint_url,
        "TRACKER_STORE_URL": settings.tracker_store_url,
    }
    if settings.lock_store_url:
        env["LOCK_STORE_URL"] = settings.lock_store_url
    if settings.event_broker_url:
        env.update(broker_parts(settings.event_broker_url))
    return env


def write_endpoints(settings: Settings, path: Path) -> Path:
    """Write the endpoints file for these settings (no secrets in it) and return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    header = "# Written by `python -m bot run` from the settings (bot/endpoints.py); edits are overwritten.\n"
    path.write_text(header + yaml.safe_dump(endpoints_config(settings), sort_keys=False), encoding="utf-8")
    return path
