import hashlib
import hmac
import json
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.channels import inbound
from bot.channels.delivery import deliver_due
from bot.channels.messenger import MessengerInput, MessengerSender, send_api_messages, signature_ok
from bot.db import transaction
from bot.outbox import OutboxMessage
from bot.settings import load_settings
from tests.fakes.graph_api import FakeGraphApi
from tests.sanic_server import new_app, served

SECRET, VERIFY, PAGE_TOKEN = "app-secret-0123456789", "verify-me-0123456789", "page-token-0123456789"
PSID = "6543210987654321"
NOW = datetime(2026, 11, 27, 21, 0, tzinfo=timezone.utc)


class Webhook:
    def __init__(self, database_url: str) -> None:
        settings = load_settings(
            None, database_url=database_url, messenger_app_secret=SECRET, messenger_verify_token=VERIFY
        )
        self.received = []
        self.app = new_app(f"messenger_test_{id(self)}")

        async def on_new_message(message):
            self.received.append(message)
            buttons = [{"title": "Ja", "payload": "/affirm"}, {"title": "Nee", "payload": "/deny"}]
            await message.output_channel.send_response(
                message.sender_id, {"text": "Klopt dat?", "buttons": buttons}
            )

        self.app.blueprint(
            MessengerInput(settings).blueprint(on_new_message), url_prefix="/webhooks/messenger"
        )

    def post(self, payload, *, secret=SECRET, raw=None):
        body = raw if raw is not None else json.dumps(payload).encode()
        signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        request = urllib.request.Request(
            f"{self.base}/webhooks/messenger/webhook",
            data=body,
            headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature},
        )
        return _open(request)

    def get(self, query):
        return _open(
            urllib.request.Request(f"{self.base}/webhooks/messenger/webhook?{urllib.parse.urlencode(query)}")
        )


def _open(request):
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def webhook(db_engine, migrated_url):
    hook = Webhook(migrated_url)
    with served(hook.app) as port:
        hook.base = f"http://127.0.0.1:{port}"
        yield hook


def _batch(*events, entries=1):
    return {
        "object": "page",
        "entry": [{"id": "page", "time": 1, "messaging": list(events)} for _ in range(entries)],
    }


def _message(mid, text=None, **message):
    body = {"mid": mid, **({"text": text} if text is not None else {}), **message}
    return {"sender": {"id": PSID}, "recipient": {"id": "page"}, "timestamp": 1, "message": body}


def test_the_verification_handshake_answers_the_challenge_only_with_the_right_token(webhook):
    assert webhook.get({"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "42"}) == (
        200,
        "42",
    )
    assert (
        webhook.get({"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "42"})[0] == 403
    )


def test_every_event_of_every_entry_is_handled_and_echoes_deliveries_and_reads_are_not(webhook):
    batch = _batch(
        _message("m1", "er lekt water"),
        _message("m2", "in de badkamer"),
        {"sender": {"id": PSID}, "delivery": {"mids": ["x"]}},
        {"sender": {"id": PSID}, "read": {"watermark": 1}},
        _message("m3", "Klopt dat?", is_echo=True),
    )
    batch["entry"].append({"id": "page", "time": 2, "messaging": [_message("m4", "dank u")]})
    assert webhook.post(batch) == (200, "EVENT_RECEIVED")
    assert [m.text for m in webhook.received] == ["er lekt water", "in de badkamer", "dank u"]


@pytest.mark.parametrize("forgery", ["wrong secret", "tampered", "no header"])
def test_a_bad_signature_is_refused_with_403_and_reaches_no_part_of_the_bot(webhook, db_session, forgery):
    body = json.dumps(_batch(_message("m1", "hoi"))).encode()
    if forgery == "wrong secret":
        status, _ = webhook.post(None, raw=body, secret="not-the-secret")
    elif forgery == "tampered":
        signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        request = urllib.request.Request(
            f"{webhook.base}/webhooks/messenger/webhook",
            data=body.replace(b"hoi", b"hack"),
            headers={"X-Hub-Signature-256": signature},
        )
        status, _ = _open(request)
    else:
        status, _ = _open(urllib.request.Request(f"{webhook.base}/webhooks/messenger/webhook", data=body))
    assert status == 403 and webhook.received == [] and db_session.scalars(select(OutboxMessage)).all() == []


def test_quick_replies_postbacks_typed_numbers_images_and_repeats(webhook):
    webhook.post(_batch(_message("m1", "er lekt water")))
    webhook.post(_batch(_message("m2", "Nee", quick_reply={"payload": "/deny"})))
    webhook.post(
        _batch(
            {
                "sender": {"id": PSID},
                "timestamp": 5,
                "postback": {"mid": "p1", "title": "Ja", "payload": "/affirm"},
            }
        )
    )
    webhook.post(_batch(_message("m3", "1")))
    webhook.post(
        _batch(_message("m4", attachments=[{"type": "image", "payload": {"url": "https://cdn/x.jpg"}}]))
    )
    for _ in range(3):
        webhook.post(
            _batch(_message("m4", attachments=[{"type": "image", "payload": {"url": "https://cdn/x.jpg"}}]))
        )
    assert [m.text for m in webhook.received] == [
        "er lekt water",
        "/deny",
        "/affirm",
        "/affirm",
        "/share_media",
    ]
    assert webhook.received[-1].metadata["media"] == [{"url": "https://cdn/x.jpg", "content_type": "image"}]


def test_a_signed_body_that_is_no_json_gets_400(webhook):
    assert webhook.post(None, raw=b"\xff\xfe not json")[0] == 400


def test_buttons_go_as_quick_replies_and_too_many_as_a_numbered_list():
    two = [{"title": "Ja", "payload": "/affirm"}, {"title": "Nee", "payload": "/deny"}]
    (message,) = send_api_messages("Klopt dat?", two, None)
    assert message == {
        "text": "Klopt dat?",
        "quick_replies": [
            {"content_type": "text", "title": "Ja", "payload": "/affirm"},
            {"content_type": "text", "title": "Nee", "payload": "/deny"},
        ],
    }
    many = [{"title": f"Keuze {n}", "payload": str(n)} for n in range(14)]
    (message,) = send_api_messages("Kies", many, None)
    assert "quick_replies" not in message and message["text"].endswith("14. Keuze 13")
    assert len(send_api_messages("x. " * 1000, [], None)) == 2


def test_replies_are_delivered_with_the_send_api_within_24_hours_only(db_session_factory):
    fake = FakeGraphApi(PAGE_TOKEN).start()
    try:
        sender = MessengerSender(page_access_token=PAGE_TOKEN, api_base_url=fake.url)
        with transaction(db_session_factory) as session:
            inbound.claim(
                session, channel="messenger", message_id="m0", sender=PSID, now=NOW - timedelta(hours=1)
            )
            inbound.claim(
                session, channel="messenger", message_id="m9", sender="111", now=NOW - timedelta(days=2)
            )
            from bot.outbox import queue_message

            for recipient in (PSID, "111"):
                queue_message(
                    session, ticket_id=None, tenant_id=None, channel="messenger", recipient=recipient,
                    text="Klopt dat?", buttons=[{"title": "Ja", "payload": "/affirm"}], now=NOW,
                )  # fmt: skip
        fake.fail_with = [503]
        deliver_due(db_session_factory, {"messenger": sender}, now=NOW)
        deliver_due(db_session_factory, {"messenger": sender}, now=NOW + timedelta(minutes=1))
        (sent,) = fake.messages
        assert (
            sent["recipient"] == {"id": PSID} and sent["message"]["quick_replies"][0]["payload"] == "/affirm"
        )
        with db_session_factory() as session:
            statuses = {m.recipient: m.status for m in session.scalars(select(OutboxMessage))}
        assert statuses == {PSID: "sent", "111": "refused"}
    finally:
        fake.stop()


def test_the_signature_check_is_constant_time_hmac_sha256():
    body = b'{"object":"page"}'
    good = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert signature_ok(body, good, "s3cret")
    assert not signature_ok(body, good.replace("sha256=", "sha1="), "s3cret")
    assert not signature_ok(body, good, "")
