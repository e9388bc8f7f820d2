from datetime import datetime, timezone

from sqlalchemy import select

from bot.callbacks import callback_when, promise_callback
from bot.office_hours import load_office_hours
from bot.tickets import CallbackRequest
from tests.db_fixtures import make_verified_tenant

HOURS = load_office_hours()
FRIDAY_MORNING = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)
FRIDAY_EVENING = datetime(2026, 11, 27, 19, 0, tzinfo=timezone.utc)


def test_a_colleague_calls_today_in_office_hours_else_on_the_next_working_day():
    assert callback_when(HOURS, FRIDAY_MORNING) == "vandaag nog"
    assert callback_when(HOURS, FRIDAY_EVENING) == "maandag 30 november vanaf 08:00"


def _promise(url, **fields):
    values = {
        "conversation_id": "c1",
        "sender": None,
        "reason": "payment_arrears: ziek",
        "office_hours": HOURS,
        "now": FRIDAY_EVENING,
    }
    return promise_callback(url, **{**values, **fields})


def test_a_whatsapp_sender_is_called_back_on_their_own_number(db_session, migrated_url):
    promise = _promise(migrated_url, sender="whatsapp:+31612345678")
    assert promise.registered
    request = db_session.scalars(select(CallbackRequest)).one()
    assert (request.phone, request.reason, request.tenant_id) == (
        "+31612345678",
        "payment_arrears: ziek",
        None,
    )


def test_without_a_number_or_a_verified_tenant_nothing_is_registered(db_session, migrated_url):
    assert not _promise(migrated_url, sender="messenger-psid-123").registered
    assert db_session.scalars(select(CallbackRequest)).all() == []
    db_session.rollback()  # end the read, as the app's sessions do
    assert _promise(migrated_url, sender="messenger-psid-123", phone="06 12345678").registered


def test_a_verified_tenant_is_called_back_as_themselves(db_session, migrated_url):
    tenant = make_verified_tenant(db_session, conversation_id="c1")
    assert _promise(migrated_url).registered
    assert db_session.scalars(select(CallbackRequest)).one().tenant_id == tenant.id
