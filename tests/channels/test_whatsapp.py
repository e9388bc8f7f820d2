import urllib.error
import urllib.parse
import urllib.request

import pytest
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from bot.channels.whatsapp import WhatsAppInput, outbox_rows, read_message
from bot.outbox import OutboxMessage
from bot.settings import load_settings
from tests.sanic_server import new_app, served

TOKEN = "whatsapp-test-token-0123456789"
PUBLIC = "https://bot.de-linde.example"
WEBHOOK = f"{PUBLIC}/webhooks/whatsapp/webhook"
PHONE = "+31612345001"


class Webhook:
    """The channel's blueprint in a real Sanic server, with a stand-in bot that answers with buttons."""

    def __init__(self, database_url: str) -> None:
        settings = load_settings(
            None, database_url=database_url, twilio_auth_token=TOKEN, public_base_url=PUBLIC
        )
        self.channel = WhatsAppInput(settings)
        self.received = []
        self.fail = False
        app = new_app(f"whatsapp_test_{id(self)}")

        async def on_new_message(message):
            if self.fail:
                raise RuntimeError("the bot crashed")
            self.received.append(message)
            buttons = [{"title": "Ja", "payload": "/affirm"}, {"title": "Nee", "payload": "/deny"}]
            await message.output_channel.send_response(
                message.sender_id, {"text": "Klopt dat?", "buttons": buttons}
            )

        app.blueprint(self.channel.blueprint(on_new_message), url_prefix="/webhooks/whatsapp")
        self.app = app

    def post(
        self, fields, *, signature=None, path="/webhooks/whatsapp/webhook", body=None, content_type=None
    ):
        data = body if body is not None else urllib.parse.urlencode(fields).encode()
        if signature is None:
            signature = RequestValidator(TOKEN).compute_signature(PUBLIC + path, fields)
        headers = {"Content-Type": content_type or "application/x-www-form-urlencoded"}
        if signature:
            headers["X-Twilio-Signature"] = signature
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


@pytest.fixture
def webhook(db_engine, migrated_url):
    hook = Webhook(migrated_url)
    with served(hook.app) as port:
        hook.port = port
        yield hook


def _fields(body="er lekt water", sid="SM0001", **extra):
    return {
        "MessageSid": sid,
        "From": f"whatsapp:{PHONE}",
        "To": "whatsapp:+3197010203040",
        "Body": body,
        **extra,
    }


def test_a_signed_message_reaches_the_bot_with_its_metadata_and_the_reply_goes_to_the_outbox(
    webhook, db_session
):
    status, body = webhook.post(_fields(ProfileName="Fatima"))
    assert status == 200 and "<Response>" in body
    (message,) = webhook.received
    assert (message.text, message.sender_id, message.input_channel) == (
        "er lekt water",
        f"whatsapp:{PHONE}",
        "whatsapp",
    )
    assert message.metadata["profile_name"] == "Fatima"
    (reply,) = db_session.scalars(select(OutboxMessage)).all()
    assert (reply.recipient, reply.text, reply.status) == (PHONE, "Klopt dat?\n\n1. Ja\n2. Nee", "pending")


@pytest.mark.parametrize(
    "forgery",
    ["wrong token", "tampered body", "no signature", "signed for the internal URL"],
)
def test_forged_or_tampered_requests_are_refused_and_reach_no_part_of_the_bot(webhook, db_session, forgery):
    fields = _fields()
    if forgery == "wrong token":
        status, _ = webhook.post(
            fields, signature=RequestValidator("another-token").compute_signature(WEBHOOK, fields)
        )
    elif forgery == "tampered body":
        signature = RequestValidator(TOKEN).compute_signature(WEBHOOK, fields)
        status, _ = webhook.post({**fields, "Body": "geef mij alle gegevens"}, signature=signature)
    elif forgery == "no signature":
        status, _ = webhook.post(fields, signature="")
    elif forgery == "signed for the internal URL":
        internal = f"http://127.0.0.1:{webhook.port}/webhooks/whatsapp/webhook"
        status, _ = webhook.post(
            fields, signature=RequestValidator(TOKEN).compute_signature(internal, fields)
        )
    else:
        internal = f"http://127.0.0.1:{webhook.port}/webhooks/whatsapp/webhook"
        status, _ = webhook.post(
            fields, signature=RequestValidator(TOKEN).compute_signature(internal, fields)
        )
    assert status == 403
    assert webhook.received == [] and db_session.scalars(select(OutboxMessage)).all() == []


def test_a_body_that_is_no_form_reaches_no_part_of_the_bot(webhook):
    signature = RequestValidator(TOKEN).compute_signature(WEBHOOK, {})
    status, _ = webhook.post({}, signature=signature, body=b'{"Body": "x"}', content_type="application/json")
    assert status == 400 and webhook.received == []
    assert webhook.post({}, signature="forged", body=b"\x00\x01", content_type="application/json")[0] == 403


def test_the_same_message_replayed_five_times_is_handled_once(webhook, db_session):
    statuses = [webhook.post(_fields(sid="SMrepeat"))[0] for _ in range(5)]
    assert statuses == [200] * 5
    assert len(webhook.received) == 1 and len(db_session.scalars(select(OutboxMessage)).all()) == 1


def test_a_crash_releases_the_message_so_twilios_retry_is_handled(webhook):
    webhook.fail = True
    assert webhook.post(_fields(sid="SMcrash"))[0] == 500
    webhook.fail = False
    assert webhook.post(_fields(sid="SMcrash"))[0] == 200
    assert len(webhook.received) == 1


def test_a_typed_number_or_title_becomes_the_payload_of_the_button_offered(webhook):
    webhook.post(_fields(sid="SM1"))
    webhook.post(_fields(body="2", sid="SM2"))
    webhook.post(_fields(body="ja", sid="SM3"))
    webhook.post(_fields(body="2 keer per dag", sid="SM4"))
    assert [m.text for m in webhook.received] == ["er lekt water", "/deny", "/affirm", "2 keer per dag"]


def test_a_photo_without_text_a_voice_note_and_a_location(webhook):
    photo = {"NumMedia": "1", "MediaUrl0": "https://api.twilio.com/m/1", "MediaContentType0": "image/jpeg"}
    webhook.post(_fields(body="", sid="SMp", **photo))
    voice = {"NumMedia": "1", "MediaUrl0": "https://api.twilio.com/m/2", "MediaContentType0": "audio/ogg"}
    webhook.post({k: v for k, v in _fields(sid="SMv", **voice).items() if k != "Body"})
    webhook.post(_fields(body="", sid="SMl", Latitude="52.09", Longitude="5.12", Address="Lindenlaan 3"))
    photo_message, voice_message, location_message = webhook.received
    assert photo_message.text == "/share_media"
    assert photo_message.metadata["media"] == [
        {"url": "https://api.twilio.com/m/1", "content_type": "image/jpeg"}
    ]
    assert voice_message.text == "/voice_note"
    assert location_message.text == "/share_media"
    assert location_message.metadata["location"] == {
        "latitude": 52.09,
        "longitude": 5.12,
        "address": "Lindenlaan 3",
    }


def test_nothing_at_all_is_acknowledged_without_bothering_the_bot(webhook):
    assert webhook.post({k: v for k, v in _fields(sid="SMe").items() if k != "Body"})[0] == 200
    assert webhook.received == []


def test_a_very_long_message_arrives_whole(webhook):
    text = "Er is lekkage. " * 700  # 10,500 characters
    assert webhook.post(_fields(body=text, sid="SMlong"))[0] == 200
    assert webhook.received[0].text == text.strip()


def test_a_message_without_a_sid_is_refused_without_a_crash(webhook):
    fields = {k: v for k, v in _fields().items() if k != "MessageSid"}
    assert webhook.post(fields)[0] == 400 and webhook.received == []


def test_invalid_utf8_never_gives_a_500(webhook):
    status, _ = webhook.post(
        {}, body=b"Body=%FF%FE&From=whatsapp%3A%2B31612345001&MessageSid=SMx", signature="abc"
    )
    assert status in (400, 403) and webhook.received == []


def test_the_status_callback_is_signed_and_stored(webhook, db_session):
    webhook.post(_fields(sid="SMs"))
    (reply,) = db_session.scalars(select(OutboxMessage)).all()
    reply.provider_id = "SMout1"
    db_session.commit()
    path = "/webhooks/whatsapp/status"
    fields = {"MessageSid": "SMout1", "MessageStatus": "delivered"}
    assert webhook.post(fields, path=path, signature="forged")[0] == 403
    assert webhook.post(fields, path=path)[0] == 204
    db_session.expire_all()
    assert db_session.get(OutboxMessage, reply.id).status == "delivered"


def test_ten_attachments_and_a_bad_count_are_read_safely():
    fields = {"MessageSid": "SM", "Body": "", "NumMedia": "10"}
    fields.update({f"MediaUrl{i}": f"https://m/{i}" for i in range(10)})
    text, metadata = read_message(fields, [])
    assert text == "/share_media" and len(metadata["media"]) == 10
    assert read_message({"MessageSid": "SM", "Body": "hoi", "NumMedia": "veel"}, [])[0] == "hoi"


def test_a_reply_becomes_outbox_rows_split_with_the_buttons_under_the_last_part():
    rows = outbox_rows({"text": "Zin. " * 400, "buttons": [{"title": "Ja", "payload": "/affirm"}]})
    assert (
        len(rows) == 2
        and "buttons" not in rows[0]
        and rows[1]["buttons"] == [{"title": "Ja", "payload": "/affirm"}]
    )
    assert rows[1]["text"].endswith("1. Ja")


def test_only_the_buttons_of_the_last_reply_count(webhook, db_session):
    webhook.post(_fields(sid="SMb1"))  # the stand-in bot offers Ja / Nee
    from bot.outbox import queue_message

    queue_message(
        db_session, ticket_id=None, tenant_id=None, channel="whatsapp", recipient=PHONE,
        conversation_id=f"whatsapp:{PHONE}", text="Wat is uw huisnummer?",
    )  # fmt: skip
    db_session.commit()
    webhook.post(_fields(body="2", sid="SMb2"))
    assert webhook.received[-1].text == "2"


def test_an_unknown_media_type_is_kept_and_acknowledged_like_a_document():
    fields = {"MessageSid": "SM", "Body": "", "NumMedia": "1", "MediaUrl0": "https://m/0"}
    fields["MediaContentType0"] = "application/x-msdownload"
    text, metadata = read_message(fields, [])
    assert text == "/share_media"
    assert metadata["media"] == [{"url": "https://m/0", "content_type": "application/x-msdownload"}]
