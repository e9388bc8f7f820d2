"""A replica's /bot/health and /metrics, with stand-ins for Rasa's agent and real stores."""

import requests
from prometheus_client.parser import text_string_to_metric_families
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig
from sanic.response import text

from bot.rasa_health import METRICS, add_health_routes, health_report, overall_status, webhook_channel
from bot.rasa_stores import STORE_HEALTH, GuardedRedisLockStore, GuardedSQLTrackerStore
from tests.sanic_server import new_app, served
from tests.stack import _free_port

TOKEN = "rasa-token-" + "r" * 16


class Agent:
    """Stands in for Rasa's Agent: a loaded model and its stores."""

    def __init__(self, tracker_store, lock_store, ready=True):
        self.tracker_store, self.lock_store, self.ready = tracker_store, lock_store, ready

    def is_ready(self):
        return self.ready


def sqlite_store(tmp_path):
    return GuardedSQLTrackerStore(
        domain=Domain.empty(), url=f"sqlite:///{tmp_path / 't.db'}", retry_seconds=0.5
    )


def reset_health():
    for state in (STORE_HEALTH.tracker_store, STORE_HEALTH.lock_store):
        state.up, state.down_since, state.last_error, state.failures = True, None, None, 0


def test_a_replica_with_a_model_and_an_answering_database_is_ok(tmp_path):
    reset_health()
    report = health_report(Agent(sqlite_store(tmp_path), InMemoryLockStore()))
    assert report["status"] == "ok"
    assert report["tracker_store"] == {"kind": "sqlite", "status": "ok", "failures": 0}
    assert report["lock_store"] == {"kind": "in_process", "status": "ok"}


def test_conversations_kept_in_memory_are_reported_as_down():
    reset_health()
    report = health_report(
        Agent(FailSafeTrackerStore(InMemoryTrackerStore(Domain.empty())), InMemoryLockStore())
    )
    assert report["status"] == "down"
    assert "memory" in report["tracker_store"]["error"]


def test_without_redis_a_replica_is_degraded_but_still_in_service(tmp_path):
    reset_health()
    redis_gone = GuardedRedisLockStore(EndpointConfig(url=f"redis://127.0.0.1:{_free_port()}/0"))
    report = health_report(Agent(sqlite_store(tmp_path), redis_gone))
    assert report["status"] == "degraded"
    assert report["lock_store"]["status"] == "down"
    reset_health()


def test_only_the_model_and_the_tracker_store_make_a_replica_unusable():
    ok, down = {"status": "ok"}, {"status": "down"}
    assert overall_status({"model": down, "tracker_store": ok, "lock_store": ok}) == "down"
    assert overall_status({"model": ok, "tracker_store": down, "lock_store": ok}) == "down"
    assert overall_status({"model": ok, "tracker_store": ok, "lock_store": down}) == "degraded"
    assert (
        overall_status({"model": ok, "tracker_store": ok, "lock_store": ok, "event_broker": down})
        == "degraded"
    )


def test_only_message_webhooks_are_timed():
    assert webhook_channel("/webhooks/whatsapp/webhook") == "whatsapp"
    assert webhook_channel("/webhooks/messenger/webhook") == "messenger"
    assert webhook_channel("/webhooks/whatsapp/status") is None
    assert webhook_channel("/conversations/x/tracker") is None


def test_the_routes_answer_health_and_count_webhook_messages(tmp_path):
    reset_health()
    app = new_app("rasa_health_routes")
    app.ctx.agent = Agent(sqlite_store(tmp_path), InMemoryLockStore())
    add_health_routes(app, TOKEN)

    @app.post("/webhooks/whatsapp/webhook")
    async def webhook(request):
        return text("ok")

    before = METRICS.messages.labels("whatsapp", "2xx")._value.get()
    with served(app) as port:
        base = f"http://127.0.0.1:{port}"
        assert requests.get(f"{base}/bot/health", timeout=10).json()["status"] == "ok"
        for _ in range(3):
            assert requests.post(f"{base}/webhooks/whatsapp/webhook", data={"Body": "hoi"}, timeout=10).ok
        metrics = requests.get(f"{base}/metrics", timeout=10)
        forwarded = requests.get(f"{base}/metrics", headers={"X-Forwarded-For": "203.0.113.9"}, timeout=10)
        with_token = requests.get(f"{base}/metrics?token={TOKEN}", timeout=10)
        headers = {"X-Forwarded-For": "203.0.113.9", "Authorization": f"bearer {TOKEN}"}
        with_bearer = requests.get(f"{base}/metrics", headers=headers, timeout=10)
        headers = {"X-Forwarded-For": "203.0.113.9", "Authorization": "Bearer wrong-token-0123456"}
        wrong_bearer = requests.get(f"{base}/metrics", headers=headers, timeout=10)
    assert metrics.status_code == 200
    families = {family.name: family for family in text_string_to_metric_families(metrics.text)}
    assert METRICS.messages.labels("whatsapp", "2xx")._value.get() == before + 3
    latency = families["huurder_rasa_message_seconds"]
    assert any(
        s.name.endswith("_count") and s.labels == {"channel": "whatsapp"} and s.value >= 3
        for s in latency.samples
    )
    assert {s.labels["store"]: s.value for s in families["huurder_rasa_store_up"].samples} == {
        "tracker_store": 1.0,
        "lock_store": 1.0,
    }
    assert forwarded.status_code == 401
    assert with_token.status_code == 200
    assert with_bearer.status_code == 200 and wrong_bearer.status_code == 401
