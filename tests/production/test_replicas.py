"""Two Rasa replicas behind nginx on the machine's PostgreSQL, Redis and RabbitMQ.

200 tenants write on WhatsApp at the same time; each message of a conversation goes to the
other replica than the one before, so every conversation is carried by both. Some tenants
send two messages at once, one to each replica: only the shared Redis lock keeps those in
order. Afterwards, from the tracker store in PostgreSQL, the outbox and the RabbitMQ queue:
no event lost, duplicated or out of order, and every message answered, in the outbox, in the
order the bot said it.
"""

import asyncio
import json
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from rasa.shared.core.events import BotUttered, Event, UserUttered

from bot.channels.whatsapp import outbox_rows
from tests.db_fixtures import fresh_postgres_database
from tests.production.sql import column, outbox_texts
from tests.stack import running_stack

# Two replicas load the model at the same time as the other tests run: allow for it.
REPLICAS_READY_TIMEOUT = 480

CONVERSATIONS = 200
# Every tenth tenant also double-taps: two messages at the same moment, one per replica.
DOUBLE_TAP_EVERY = 10
OPENINGS = [
    "mijn kraan lekt",
    "de verwarming doet het niet",
    "ik heb last van de buren, ze zijn elke nacht heel luid",
    "hoe zeg ik mijn huur op?",
    "de voordeur klemt",
    "er zit schimmel in de badkamer",
    "hallo",
    "wanneer wordt mijn huur afgeschreven",
]
FOLLOW_UPS = ["in de keuken", "nee", "ja", "sinds gisteren", "dank u"]
RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672/"


def phone(index: int) -> str:
    # 06-1...: a valid Dutch mobile number, as phonenumbers checks it.
    return f"+3161{uuid.uuid4().int % 10**3:03d}{index:04d}"


def script(index: int) -> list[str]:
    return [OPENINGS[index % len(OPENINGS)], FOLLOW_UPS[index % len(FOLLOW_UPS)], "dank u wel"]


@pytest.fixture(scope="module")
def production(trained_model, tmp_path_factory):
    queue = f"huurder_test_events_{uuid.uuid4().hex[:8]}"
    with fresh_postgres_database() as tracker_url, fresh_postgres_database() as app_url:
        env = {
            "TRACKER_STORE_URL": tracker_url,
            "DATABASE_URL": app_url,
            "LOCK_STORE_URL": "redis://127.0.0.1:6379/4",
            "EVENT_BROKER_URL": RABBITMQ_URL,
            "EVENT_BROKER_QUEUE": queue,
            "RASA_REPLICAS": "2",
        }
        try:
            with running_stack(tmp_path_factory, ready_timeout=REPLICAS_READY_TIMEOUT, **env) as stack:
                stack.tracker_url, stack.app_url, stack.queue = tracker_url, app_url, queue
                port = int(stack.rasa_url.rsplit(":", 1)[1])
                stack.replicas = [f"http://127.0.0.1:{port + 1}", f"http://127.0.0.1:{port + 2}"]
                yield stack
        finally:
            asyncio.run(delete_queue(queue))


async def delete_queue(queue: str) -> None:
    import aio_pika

    connection = await aio_pika.connect_robust(RABBITMQ_URL)
    async with connection:
        channel = await connection.channel()
        await channel.queue_delete(queue)


async def drain_queue(queue: str) -> list[dict]:
    """Every event Rasa published to the queue so far."""
    import aio_pika

    events = []
    connection = await aio_pika.connect_robust(RABBITMQ_URL)
    async with connection:
        channel = await connection.channel()
        declared = await channel.declare_queue(queue, durable=True, passive=True)
        while True:
            message = await declared.get(no_ack=True, fail=False, timeout=5)
            if message is None:
                return events
            events.append(json.loads(message.body))


def stored_events(tracker_url: str, sender: str) -> list[dict]:
    sql = "SELECT data FROM events WHERE sender_id = :sender ORDER BY id"
    return [json.loads(data) for data in column(tracker_url, sql, sender=sender)]


def talk(stack, index: int, number: str) -> list[tuple[str, str]]:
    """One tenant's conversation: each message to the other replica than the one before."""
    sent = []
    for turn, body in enumerate(script(index)):
        sid = f"SM{index:04d}t{turn}{uuid.uuid4().hex[:8]}"
        replica = stack.replicas[(index + turn) % 2]
        assert stack.whatsapp(number, body, sid, via=replica) == 200
        sent.append((sid, body))
    if index % DOUBLE_TAP_EVERY == 0:
        taps = [(f"SM{index:04d}tap{n}{uuid.uuid4().hex[:8]}", f"en nog iets {n}") for n in (1, 2)]
        with ThreadPoolExecutor(2) as pool:
            futures = [
                pool.submit(stack.whatsapp, number, body, sid, via=replica)
                for (sid, body), replica in zip(taps, stack.replicas, strict=True)
            ]
            statuses = [future.result() for future in futures]
        assert statuses == [200, 200]
        sent.extend(taps)
    return sent


@pytest.fixture(scope="module")
def conversations(production):
    numbers = [phone(index) for index in range(CONVERSATIONS)]
    with ThreadPoolExecutor(16) as pool:
        sent = list(pool.map(lambda index: talk(production, index, numbers[index]), range(CONVERSATIONS)))
    return {f"whatsapp:{number}": messages for number, messages in zip(numbers, sent, strict=False)}


def turns(events: list[dict]) -> list[tuple[UserUttered, list[BotUttered]]]:
    """Each tenant message with the bot messages that answered it, in stored order."""
    result: list[tuple[UserUttered, list[BotUttered]]] = []
    for event in (Event.from_parameters(data) for data in events):
        if isinstance(event, UserUttered):
            result.append((event, []))
        elif isinstance(event, BotUttered) and result:
            result[-1][1].append(event)
    return result


def test_both_replicas_are_up_behind_nginx_on_the_shared_stores(production):
    for url in production.replicas:
        health = production.get_json(f"{url}/bot/health")
        assert health["status"] == "ok", health
        assert health["tracker_store"]["kind"] == "postgresql"
        assert health["lock_store"]["kind"] == "redis"
        assert health["event_broker"]["status"] == "ok"


def test_no_event_is_lost_duplicated_or_out_of_order(production, conversations):
    for sender, sent in conversations.items():
        events = stored_events(production.tracker_url, sender)
        # By Twilio's MessageSid: a typed "nee" is stored as the button it chose ("/deny").
        user = [e.message_id for e, _ in turns(events)]
        assert len(user) == len(set(user)), f"{sender}: a message was stored twice"
        in_order, double_taps = [sid for sid, _ in sent[:3]], [sid for sid, _ in sent[3:]]
        assert user[:3] == in_order, f"{sender}: {user[:3]} != {in_order}"
        assert sorted(user[3:]) == sorted(double_taps)
        stamps = [e["timestamp"] for e in events]
        assert stamps == sorted(stamps), f"{sender}: events out of order"


def test_every_message_was_answered_and_every_answer_is_in_the_outbox_in_order(production, conversations):
    for sender in conversations:
        conversation = turns(stored_events(production.tracker_url, sender))
        unanswered = [user.text for user, answers in conversation if not answers]
        assert not unanswered, f"{sender}: no answer to {unanswered}"
        said = [
            row["text"]
            for _, answers in conversation
            for bot in answers
            for row in outbox_rows(bot.message())
        ]
        assert outbox_texts(production.app_url, sender) == said


def test_every_stored_event_reached_rabbitmq_once(production, conversations):
    published = Counter(
        (event["sender_id"], event["event"], event["timestamp"])
        for event in asyncio.run(drain_queue(production.queue))
    )
    for sender in conversations:
        stored = Counter(
            (sender, e["event"], e["timestamp"]) for e in stored_events(production.tracker_url, sender)
        )
        mine = Counter({key: count for key, count in published.items() if key[0] == sender})
        assert mine == stored, f"{sender}: broker and tracker store differ"


def test_the_logs_of_every_process_hold_no_tenant_data(production, conversations):
    logs = "".join(production.output)
    numbers = [sender.removeprefix("whatsapp:") for sender in conversations]
    leaking = [
        line.replace(number, "[nummer]") for line in logs.splitlines() for number in numbers if number in line
    ]
    assert not leaking, "\n".join(leaking[:10])
    assert "heel luid" not in logs and "schimmel in de badkamer" not in logs
