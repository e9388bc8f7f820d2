"""The endpoints file as Rasa reads it, for the embedded and the production profile."""

import pytest
from rasa.core.utils import AvailableEndpoints

from bot.endpoints import broker_parts, endpoint_env, write_endpoints
from bot.settings import load_settings

PRODUCTION = {
    "tracker_store_url": "postgresql://rasa:pg-secret@db.internal:5432/rasa",
    "lock_store_url": "redis://:redis-secret@cache.internal:6379/1",
    "event_broker_url": "amqp://events:mq-secret@mq.internal:5672/",
    "database_url": "postgresql://app:pg-secret@db.internal:5432/app",
}


def read_as_rasa(settings, tmp_path, monkeypatch):
    path = write_endpoints(settings, tmp_path / "endpoints.yml")
    for name, value in endpoint_env(settings).items():
        monkeypatch.setenv(name, value)
    return path, AvailableEndpoints.read_endpoints(str(path))


def test_the_embedded_profile_keeps_conversations_in_a_sqlite_file_without_lock_or_broker(
    tmp_path, monkeypatch
):
    settings = load_settings(env_file=None, var_dir=tmp_path)
    _, endpoints = read_as_rasa(settings, tmp_path, monkeypatch)
    assert endpoints.tracker_store.type == "bot.rasa_stores.GuardedSQLTrackerStore"
    assert endpoints.tracker_store.url == f"sqlite:///{tmp_path / 'rasa_tracker.db'}"
    assert endpoints.action.url == settings.action_endpoint_url
    assert endpoints.lock_store is None
    assert endpoints.event_broker is None


def test_the_production_profile_uses_postgresql_redis_and_rabbitmq(tmp_path, monkeypatch):
    settings = load_settings(env_file=None, **PRODUCTION)
    _, endpoints = read_as_rasa(settings, tmp_path, monkeypatch)
    assert endpoints.tracker_store.url == PRODUCTION["tracker_store_url"]
    assert endpoints.lock_store.type == "bot.rasa_stores.GuardedRedisLockStore"
    assert endpoints.lock_store.url == PRODUCTION["lock_store_url"]
    broker = endpoints.event_broker
    assert broker.type == "bot.rasa_broker.GuardedPikaEventBroker"
    assert broker.url == "mq.internal"
    assert broker.kwargs["username"] == "events"
    assert broker.kwargs["password"] == "mq-secret"
    assert broker.kwargs["queues"] == ["rasa_events"]


def test_the_endpoints_file_holds_no_secret(tmp_path, monkeypatch):
    settings = load_settings(env_file=None, **PRODUCTION)
    path, _ = read_as_rasa(settings, tmp_path, monkeypatch)
    text = path.read_text()
    for secret in ("pg-secret", "redis-secret", "mq-secret"):
        assert secret not in text


def test_a_broker_url_is_split_so_rasa_never_logs_the_password():
    parts = broker_parts("amqp://user%40corp:p%3Ass@mq.internal/")
    assert parts == {
        "EVENT_BROKER_HOST": "mq.internal",
        "EVENT_BROKER_PORT": "5672",
        "EVENT_BROKER_USERNAME": "user@corp",
        "EVENT_BROKER_PASSWORD": "p:ss",
    }


@pytest.mark.parametrize("url", ["mq.internal:5672", "http://mq.internal", "amqp://"])
def test_a_broker_url_that_is_no_amqp_address_is_refused(url):
    with pytest.raises(ValueError, match="EVENT_BROKER_URL"):
        broker_parts(url)


def test_replicas_need_a_shared_lock_store_and_a_database_server():
    with pytest.raises(ValueError, match="LOCK_STORE_URL"):
        load_settings(env_file=None, rasa_replicas=2, tracker_store_url=PRODUCTION["tracker_store_url"])
    with pytest.raises(ValueError, match="TRACKER_STORE_URL"):
        load_settings(env_file=None, rasa_replicas=2, lock_store_url=PRODUCTION["lock_store_url"])
    settings = load_settings(env_file=None, rasa_replicas=2, **PRODUCTION)
    assert settings.replica_ports == [settings.rasa_port + 1, settings.rasa_port + 2]
    assert settings.rasa_server_urls == [f"http://127.0.0.1:{port}" for port in settings.replica_ports]
