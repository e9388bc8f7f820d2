import asyncio
from datetime import date

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.verification import (
    ActionCheckVerification,
    ActionTicketStatus,
    ActionVerifyTenant,
    ValidateVerificationForm,
)
from tests.db_fixtures import make_tenant, make_unit


def _tracker(slots=None, sender="conv-1"):
    return Tracker(sender, slots or {}, {"text": "..."}, [], False, None, {}, "action_listen")


def _run(action, tracker):
    return asyncio.run(action.run(CollectingDispatcher(), tracker, {}))


@pytest.fixture
def database(db_session, migrated_url, monkeypatch):
    make_tenant(
        db_session,
        unit=make_unit(db_session, postcode="9999XA", house_number=3, addition=""),
        date_of_birth=date(1970, 1, 16),
    )
    db_session.commit()
    monkeypatch.setenv("DATABASE_URL", migrated_url)
    return migrated_url


@pytest.mark.parametrize(
    ("method", "slot", "answer", "cleaned"),
    [
        ("validate_verify_postcode", "verify_postcode", "9999 xa", "9999XA"),
        ("validate_verify_postcode", "verify_postcode", "Lindenlaan", None),
        ("validate_verify_house_number", "verify_house_number", "12-1", "12-1"),
        ("validate_verify_house_number", "verify_house_number", "weet ik niet", None),
        ("validate_verify_extra_factor", "verify_extra_factor", "16-1-1970", "1970-01-16"),
        ("validate_verify_extra_factor", "verify_extra_factor", "👍", None),
    ],
)
def test_form_checks_the_format_and_asks_again_with_an_example(method, slot, answer, cleaned):
    validator = ValidateVerificationForm()
    result = getattr(validator, method)(answer, CollectingDispatcher(), _tracker(), {})
    assert result == {slot: cleaned, "verify_invalid": None if cleaned else slot}


def test_right_answers_verify_clear_the_answers_and_show_the_tickets(database):
    answers = {"verify_postcode": "9999XA", "verify_house_number": "3", "verify_extra_factor": "1970-01-16"}
    assert _run(ActionCheckVerification(), _tracker()) == [SlotSet("verification", "unverified")]
    events = _run(ActionVerifyTenant(), _tracker(answers))
    assert events[0] == SlotSet("verification", "verified")
    assert {e["name"]: e["value"] for e in events[1:]} == dict.fromkeys([*answers, "verify_invalid"])
    assert _run(ActionCheckVerification(), _tracker()) == [SlotSet("verification", "verified")]
    overview = _run(ActionTicketStatus(), _tracker())
    no_tickets = "U heeft op dit moment geen openstaande meldingen bij ons."
    assert overview == [SlotSet("ticket_overview", no_tickets)]


def test_wrong_answers_fail_without_saying_which_and_lock_after_three(database):
    answers = {"verify_postcode": "9999XA", "verify_house_number": "3", "verify_extra_factor": "1970-01-17"}
    results = [_run(ActionVerifyTenant(), _tracker(answers)) for _ in range(3)]
    assert [events[0]["value"] for events in results] == ["failed", "failed", "locked"]
    # A lockout is a reason to hand over (the rule runs action_hand_over next).
    assert SlotSet("handoff_reason", "verification_locked") in results[2]
    assert SlotSet("handoff_reason", "verification_locked") not in results[1]


def test_ticket_status_is_never_shown_to_an_unverified_conversation(database):
    assert _run(ActionTicketStatus(), _tracker(sender="someone-else")) == [
        SlotSet("verification", "unverified"),
        SlotSet("ticket_overview", None),
    ]
