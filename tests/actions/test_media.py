import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

import actions.triage as triage_actions
from actions.media import ActionReceiveMedia
from bot.ticket_intake import TicketDraft
from bot.tickets import Ticket, Trade, Urgency, open_ticket
from tests.db_fixtures import make_verified_tenant

PHOTO = {"media": [{"url": "https://api.twilio.com/m/9", "content_type": "image/jpeg"}]}


@pytest.fixture(autouse=True)
def app_database(migrated_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", migrated_url)
    triage_actions.settings.cache_clear()
    yield
    triage_actions.settings.cache_clear()


def _run(metadata, slots=None):
    message = {"text": "/share_media", "intent": {"name": "share_media"}, "metadata": metadata}
    tracker = Tracker("conv-1", slots or {}, message, [], False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionReceiveMedia().run(dispatcher, tracker, {}))
    return [m["response"] for m in dispatcher.messages], {e["name"]: e["value"] for e in events}


def test_a_photo_during_a_report_goes_into_its_draft_and_summary(db_session):
    draft = TicketDraft(
        problem_id="water_leak", problem_name="lekkage", urgency=Urgency.URGENT, trade=Trade.PLUMBER
    )
    responses, slots = _run(PHOTO, {"ticket_draft": draft.to_slot()})
    assert responses == ["utter_media_added_to_report"]
    assert slots["ticket_draft"]["photos"] == ["https://api.twilio.com/m/9"]
    assert slots["ticket_summary"].endswith("Uw foto sturen we mee")


def test_a_photo_later_is_added_to_the_verified_tenants_last_open_ticket(db_session):
    tenant = make_verified_tenant(db_session, conversation_id="conv-1")
    ticket = open_ticket(
        db_session, category="repair", problem="water_leak", channel="whatsapp", tenant=tenant
    )
    db_session.commit()
    responses, _ = _run(PHOTO)
    assert responses == ["utter_media_added_to_ticket"]
    db_session.expire_all()
    assert db_session.scalars(select(Ticket.photos).where(Ticket.id == ticket.id)).one() == [
        "https://api.twilio.com/m/9"
    ]


def test_without_a_report_or_ticket_the_bot_asks_what_it_is_about(db_session):
    assert _run(PHOTO)[0] == ["utter_media_received"]
    assert _run({"location": {"latitude": 52.1, "longitude": 5.1}})[0] == ["utter_location_received"]
