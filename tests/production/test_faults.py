"""Faults in the production profile, on the real stack: two replicas behind nginx.

The stack runs on a PostgreSQL and a Redis server of its own (Debian's servers, started by
tests/services.py), so this test can stop and restart them while other tests use the
machine's servers. In order: the action server dies, Redis goes down, PostgreSQL restarts
in the middle of a conversation, a replica is killed. (The Twilio API failing is covered by
tests/channels/test_delivery.py: the outbox holds and retries.)
"""

import re
import threading
import time
import urllib.request
import uuid

import psutil
import psycopg2
import pytest

from tests.production.sql import column, outbox_texts
from tests.services import private_postgres, private_redis
from tests.stack import running_stack

# Two replicas load the model at the same time as the other tests run: allow for it.
REPLICAS_READY_TIMEOUT = 480

APOLOGY = "er gaat bij ons iets mis"


def new_phone() -> str:
    """A valid Dutch mobile number (06-1...): phonenumbers refuses some other 06 ranges."""
    return f"+3161{uuid.uuid4().int % 10**7:07d}"


@pytest.fixture(scope="module")
def stack(trained_model, tmp_path_factory):
    with private_postgres() as postgres, private_redis(tmp_path_factory.mktemp("redis")) as redis_server:
        connection = psycopg2.connect(postgres.url)
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("CREATE DATABASE app")
        connection.close()
        app_url = postgres.url.rsplit("/", 1)[0] + "/app"
        env = {
            "TRACKER_STORE_URL": postgres.url,
            "DATABASE_URL": app_url,
            "LOCK_STORE_URL": redis_server.url,
            "RASA_REPLICAS": "2",
        }
        with running_stack(tmp_path_factory, ready_timeout=REPLICAS_READY_TIMEOUT, **env) as running:
            port = int(running.rasa_url.rsplit(":", 1)[1])
            running.replicas = [f"http://127.0.0.1:{port + 1}", f"http://127.0.0.1:{port + 2}"]
            running.postgres, running.redis, running.app_url = postgres, redis_server, app_url
            yield running


def outbox(stack, sender: str) -> list[str]:
    return outbox_texts(stack.app_url, sender)


def callbacks_for(stack, phone: str) -> list[str]:
    return column(stack.app_url, "SELECT reason FROM callback_requests WHERE phone = :p", p=phone)


def user_texts(stack, sender: str) -> list[str]:
    return [event["text"] for event in stack.tracker(sender)["events"] if event["event"] == "user"]


def wait_until(condition, timeout: float = 120.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def metric(stack, url: str, name: str, labels: str = "") -> float:
    """One figure of a replica's /metrics."""
    with urllib.request.urlopen(f"{url}/metrics?token={stack.token}", timeout=10) as response:
        body = response.read().decode()
    series = f"{name}{{{labels}}}" if labels else name
    match = re.search(rf"^{re.escape(series)} (\S+)$", body, re.MULTILINE)
    return float(match.group(1))


def test_action_server_down_the_tenant_gets_an_apology_and_a_callback(stack):
    phone = new_phone()
    killed = psutil.Process(stack.pid_of("actions"))
    killed.kill()
    killed.wait(timeout=30)
    assert stack.whatsapp(phone, "mijn kraan lekt in de keuken", "SMfault-actions-1") == 200
    replies = outbox(stack, f"whatsapp:{phone}")
    assert len(replies) == 1 and APOLOGY in replies[0], replies
    assert "belt u" in replies[0] and "112" in replies[0]
    [reason] = callbacks_for(stack, phone)
    assert reason.startswith("Storing")
    # The message itself is kept in the conversation, for the colleague who calls back.
    assert user_texts(stack, f"whatsapp:{phone}") == ["mijn kraan lekt in de keuken"]
    failures = sum(metric(stack, url, "huurder_rasa_action_server_failures_total") for url in stack.replicas)
    assert failures >= 1
    # The supervisor starts the action server again; the next tenant is helped as usual.
    assert wait_until(lambda: answers(stack.actions_url + "/health"))
    other = new_phone()
    assert stack.whatsapp(other, "mijn kraan lekt in de keuken", "SMfault-actions-2") == 200
    assert not any(APOLOGY in reply for reply in outbox(stack, f"whatsapp:{other}"))


def test_redis_down_messages_are_still_answered_and_health_says_so(stack):
    phone = new_phone()
    sender = f"whatsapp:{phone}"
    stack.redis.stop()
    try:
        messages = ["hallo", "de verwarming doet het niet"]
        for turn, (body, replica) in enumerate(zip(messages, stack.replicas, strict=True)):
            assert stack.whatsapp(phone, body, f"SMredis{turn}", via=replica) == 200
        assert user_texts(stack, sender) == messages
        assert len(outbox(stack, sender)) >= 2
        health = stack.get_json(stack.replicas[0] + "/bot/health")
        assert health["status"] == "degraded" and health["lock_store"]["status"] == "down"
        assert health["tracker_store"]["status"] == "ok"
        assert metric(stack, stack.replicas[1], "huurder_rasa_store_up", 'store="lock_store"') == 0
    finally:
        stack.redis.start()
    assert wait_until(lambda: stack.get_json(stack.replicas[0] + "/bot/health")["status"] == "ok", 30)


def test_postgresql_restarted_mid_conversation_loses_nothing_and_is_reported(stack):
    phone = new_phone()
    sender = f"whatsapp:{phone}"
    assert stack.whatsapp(phone, "de voordeur klemt", "SMpg-1") == 200
    before = len(outbox(stack, sender))
    stack.postgres.stop()
    health_during = stack.get_json(stack.replicas[0] + "/bot/health")
    restarted = threading.Timer(3.0, stack.postgres.start)
    restarted.start()
    started = time.monotonic()
    # Sent while the database is down: it waits for the database instead of failing.
    assert stack.whatsapp(phone, "hij gaat bijna niet meer open", "SMpg-2", via=stack.replicas[1]) == 200
    restarted.join()
    assert time.monotonic() - started >= 1.0
    assert health_during["status"] == "down"
    assert health_during["tracker_store"]["status"] == "down"
    assert user_texts(stack, sender) == ["de voordeur klemt", "hij gaat bijna niet meer open"]
    assert len(outbox(stack, sender)) > before
    for replica in stack.replicas:
        assert wait_until(lambda url=replica: stack.get_json(url + "/bot/health")["status"] == "ok", 30)
    assert any("ALERT: the tracker store is unavailable" in line for line in stack.output)


def test_a_killed_replica_leaves_the_conversation_to_the_other_with_its_full_state(stack):
    phone = new_phone()
    sender = f"whatsapp:{phone}"
    assert stack.whatsapp(phone, "er zit schimmel in de badkamer", "SMkill-1", via=stack.replicas[0]) == 200
    slots_before = stack.tracker(sender)["slots"]
    killed = psutil.Process(stack.pid_of("rasa-1"))
    killed.kill()
    killed.wait(timeout=30)
    # Through nginx, which no longer reaches rasa-1: rasa-2 carries on where rasa-1 was.
    assert stack.whatsapp(phone, "ja", "SMkill-2") == 200
    assert stack.whatsapp(phone, "al een paar weken", "SMkill-3") == 200
    assert user_texts(stack, sender) == ["er zit schimmel in de badkamer", "ja", "al een paar weken"]
    tracker = stack.tracker(sender)
    assert tracker["slots"]["category"] == slots_before["category"] == "repair"
    bot_after_each = [e["event"] for e in tracker["events"] if e["event"] in ("user", "bot")]
    assert bot_after_each.count("user") == 3 and bot_after_each[-1] == "bot"
    message_ids = [e.get("message_id") for e in tracker["events"] if e["event"] == "user"]
    assert message_ids == ["SMkill-1", "SMkill-2", "SMkill-3"]
    # The supervisor starts the replica again.
    assert wait_until(lambda: answers(stack.replicas[0] + "/bot/health"), 180)
