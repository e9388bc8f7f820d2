import json
import logging
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.channels import inbound
from bot.channels.delivery import LocalSender, WhatsAppSender, deliver_due
from bot.channels.twilio_api import Template, TwilioWhatsApp
from bot.channels.whatsapp import outbox_rows
from bot.db import transaction
from bot.outbox import BACKOFF_SECONDS, MAX_ATTEMPTS, OutboxMessage, queue_message, record_status
from tests.fakes.twilio import FakeTwilio

ACCOUNT, TOKEN = "AC" + "1" * 32, "fake-auth-token-0123456789"
TENANT = "+31612345001"
NOW = datetime(2026, 11, 27, 21, 0, tzinfo=timezone.utc)


@pytest.fixture
def fake():
    twilio = FakeTwilio(ACCOUNT, TOKEN).start()
    yield twilio
    twilio.stop()


def _sender(fake, template=None):
    api = TwilioWhatsApp(
        account_sid=ACCOUNT,
        auth_token=TOKEN,
        from_number="+3197010203040",
        status_callback_url="https://bot.example/webhooks/whatsapp/status",
        api_base_url=fake.url,
    )
    return WhatsAppSender(api, Template("HX" + "2" * 32) if template else None)


def _tenant_wrote(sessions, at=NOW - timedelta(minutes=5), phone=TENANT):
    with transaction(sessions) as session:
        inbound.claim(session, channel="whatsapp", message_id=f"SM-in-{at.timestamp()}", sender=phone, now=at)


def _queue_reply(sessions, message, phone=TENANT):
    with transaction(sessions) as session:
        for row in outbox_rows(message):
            queue_message(
                session,
                ticket_id=None,
                tenant_id=None,
                channel="whatsapp",
                recipient=phone,
                conversation_id=f"whatsapp:{phone}",
                text=row["text"],
                media_url=row.get("media_url"),
                buttons=row.get("buttons"),
                now=NOW - timedelta(seconds=1),
            )


def _rows(sessions):
    with sessions() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_long_reply_with_buttons_arrives_split_under_1600_with_numbered_choices(db_session_factory, fake):
    _tenant_wrote(db_session_factory)
    long_text = " ".join(f"Dit is zin nummer {n} van een lange uitleg." for n in range(80))
    buttons = [{"title": "Ja", "payload": "/affirm"}, {"title": "Nee", "payload": "/deny"}]
    _queue_reply(db_session_factory, {"text": long_text, "buttons": buttons})
    result = deliver_due(db_session_factory, {"whatsapp": _sender(fake)}, now=NOW)
    assert result.sent == len(fake.messages) == 3
    bodies = [message["Body"] for message in fake.messages]
    assert all(len(body) <= 1600 for body in bodies) and all(body.endswith(".") for body in bodies[:-1])
    assert " ".join(bodies).startswith("Dit is zin nummer 0") and bodies[-1].endswith("\n\n1. Ja\n2. Nee")
    assert {m["To"] for m in fake.messages} == {f"whatsapp:{TENANT}"}
    assert {m["From"] for m in fake.messages} == {"whatsapp:+3197010203040"}
    assert {m["StatusCallback"] for m in fake.messages} == {"https://bot.example/webhooks/whatsapp/status"}
    rows = _rows(db_session_factory)
    assert [row.status for row in rows] == ["sent"] * 3 and all(
        row.provider_id.startswith("SM") for row in rows
    )


def test_an_image_goes_as_media(db_session_factory, fake):
    _tenant_wrote(db_session_factory)
    _queue_reply(
        db_session_factory, {"text": "Zo ziet het eruit:", "image": "https://de-linde.example/a.png"}
    )
    deliver_due(db_session_factory, {"whatsapp": _sender(fake)}, now=NOW)
    assert [m.get("MediaUrl") for m in fake.messages] == [None, "https://de-linde.example/a.png"]


def test_after_500_and_429_the_message_is_retried_with_back_off_and_nothing_is_lost(db_session_factory, fake):
    _tenant_wrote(db_session_factory)
    _queue_reply(db_session_factory, {"text": "Uw melding staat bij ons."})
    fake.fail_next(500)
    fake.fail_next(429, retry_after=120)
    sender = {"whatsapp": _sender(fake)}
    assert deliver_due(db_session_factory, sender, now=NOW).failed == 1
    (row,) = _rows(db_session_factory)
    assert row.status == "pending" and row.next_attempt_at == NOW + timedelta(seconds=BACKOFF_SECONDS[0])
    assert deliver_due(db_session_factory, sender, now=NOW + timedelta(seconds=5)).claimed == 0  # not yet
    assert deliver_due(db_session_factory, sender, now=NOW + timedelta(seconds=10)).failed == 1
    (row,) = _rows(db_session_factory)
    # Twilio's Retry-After (120 s) is longer than our second back-off step (60 s): it wins.
    assert row.next_attempt_at == NOW + timedelta(seconds=130) and "429" in row.last_error
    assert deliver_due(db_session_factory, sender, now=NOW + timedelta(seconds=130)).sent == 1
    assert [m["Body"] for m in fake.messages] == ["Uw melding staat bij ons."] and fake.requests == 3


def test_while_twilio_is_down_the_outbox_holds_and_delivers_once_it_is_back(db_session_factory, fake):
    _tenant_wrote(db_session_factory)
    _queue_reply(db_session_factory, {"text": "Een vakman komt vandaag nog."})
    sender = {"whatsapp": _sender(fake)}
    fake.stop()
    assert deliver_due(db_session_factory, sender, now=NOW).failed == 1
    (row,) = _rows(db_session_factory)
    assert row.status == "pending" and "could not be reached" in row.last_error
    fake.start()
    assert deliver_due(db_session_factory, sender, now=NOW + timedelta(minutes=1)).sent == 1
    assert [m["Body"] for m in fake.messages] == ["Een vakman komt vandaag nog."]


def test_a_message_failing_every_time_is_given_up_for_a_person_to_look_at(db_session_factory, fake):
    _tenant_wrote(db_session_factory)
    _queue_reply(db_session_factory, {"text": "Hallo"})
    fake.fail_next(*([503] * MAX_ATTEMPTS))
    moment = NOW
    for _ in range(MAX_ATTEMPTS):
        deliver_due(db_session_factory, {"whatsapp": _sender(fake)}, now=moment)
        moment += timedelta(hours=1)
    (row,) = _rows(db_session_factory)
    assert (row.status, row.attempts) == ("given_up", MAX_ATTEMPTS)


def test_a_rejected_message_is_not_retried(db_session_factory, fake):
    _tenant_wrote(db_session_factory)
    with transaction(db_session_factory) as session:
        queue_message(
            session, ticket_id=None, tenant_id=None, channel="whatsapp", recipient=TENANT, text="", now=NOW
        )
    deliver_due(db_session_factory, {"whatsapp": _sender(fake)}, now=NOW)
    (row,) = _rows(db_session_factory)
    assert row.status == "refused" and "400" in row.last_error and fake.messages == []


def test_outside_the_24_hour_window_a_template_is_sent_or_the_message_refused(
    db_session_factory, fake, caplog
):
    _tenant_wrote(db_session_factory, at=NOW - timedelta(hours=25))
    _queue_reply(db_session_factory, {"text": "Uw melding R-2026-000001 is ingepland."})
    with caplog.at_level(logging.WARNING, logger="bot.channels.delivery"):
        deliver_due(db_session_factory, {"whatsapp": _sender(fake)}, now=NOW)
    (row,) = _rows(db_session_factory)
    assert row.status == "refused" and "24-hour" in row.last_error and fake.messages == []
    assert "24-hour" in caplog.text and TENANT not in caplog.text
    _queue_reply(db_session_factory, {"text": "Uw melding R-2026-000001 is ingepland."})
    deliver_due(db_session_factory, {"whatsapp": _sender(fake, template=True)}, now=NOW)
    (sent,) = fake.messages
    assert sent["ContentSid"] == "HX" + "2" * 32 and "Body" not in sent
    assert json.loads(sent["ContentVariables"]) == {"1": "Uw melding R-2026-000001 is ingepland."}


def test_within_24_hours_free_text_is_sent_even_to_someone_who_wrote_23_hours_ago(db_session_factory, fake):
    _tenant_wrote(db_session_factory, at=NOW - timedelta(hours=23))
    _queue_reply(db_session_factory, {"text": "Hoe gaat het nu?"})
    deliver_due(db_session_factory, {"whatsapp": _sender(fake, template=True)}, now=NOW)
    assert [m.get("Body") for m in fake.messages] == ["Hoe gaat het nu?"]


def test_two_senders_never_send_the_same_message(db_session_factory, fake):
    _tenant_wrote(db_session_factory)
    for n in range(6):
        _queue_reply(db_session_factory, {"text": f"Bericht {n}"})
    first = deliver_due(db_session_factory, {"whatsapp": _sender(fake)}, now=NOW)
    second = deliver_due(db_session_factory, {"whatsapp": _sender(fake)}, now=NOW)
    assert first.sent + second.sent == 6 and sorted(m["Body"] for m in fake.messages) == [
        f"Bericht {n}" for n in range(6)
    ]


class SlowSender:
    """A sender whose every send takes 50 s of the round's clock; it records what it sent."""

    def __init__(self) -> None:
        self.now, self.sent = 0.0, []

    def clock(self) -> float:
        return self.now

    def send(self, message, now) -> str:
        self.now += 50
        self.sent.append(message.text)
        return f"SM-{message.id}"


def test_a_round_that_runs_long_hands_back_what_it_did_not_try_before_its_claim_runs_out(db_session_factory):
    _tenant_wrote(db_session_factory)
    for n in range(6):
        _queue_reply(db_session_factory, {"text": f"Bericht {n}"})
    slow = SlowSender()
    first = deliver_due(db_session_factory, {"whatsapp": slow}, now=NOW, clock=slow.clock)
    # 120 s claim, no send started after 90 s: two sends (0 s and 50 s), then 100 s is too late.
    assert (first.claimed, first.sent, first.released) == (6, 2, 4)
    handed_back = [m for m in _rows(db_session_factory) if m.status == "pending"]
    assert len(handed_back) == 4 and all(m.next_attempt_at <= NOW for m in handed_back)
    # Another loop may take them at once, well before the first claim would have run out.
    other = SlowSender()
    second = deliver_due(
        db_session_factory, {"whatsapp": other}, now=NOW + timedelta(seconds=1), clock=other.clock
    )
    assert second.sent == 2 and second.released == 2
    assert sorted(slow.sent + other.sent) == [f"Bericht {n}" for n in range(4)]


def test_delivery_statuses_are_stored_and_a_late_delivered_does_not_undo_read(db_session_factory, fake):
    _tenant_wrote(db_session_factory)
    _queue_reply(db_session_factory, {"text": "Hallo"})
    deliver_due(db_session_factory, {"whatsapp": _sender(fake)}, now=NOW)
    sid = fake.messages[0]["sid"]
    with transaction(db_session_factory) as session:
        assert record_status(session, provider_id=sid, status="read", now=NOW)
        assert record_status(session, provider_id=sid, status="delivered", now=NOW)
        assert not record_status(session, provider_id="SMunknown", status="read", now=NOW)
    (row,) = _rows(db_session_factory)
    assert row.status == "read"


def test_local_mode_sends_nothing_to_the_internet(db_session_factory):
    _queue_reply(db_session_factory, {"text": "Hallo"})
    assert deliver_due(db_session_factory, {"whatsapp": LocalSender()}, now=NOW).sent == 1
    (row,) = _rows(db_session_factory)
    assert row.status == "sent" and row.provider_id == f"local-{row.id}"
