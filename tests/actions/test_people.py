import asyncio
from datetime import datetime, timezone

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

import actions.handoff as handoff_actions
import actions.people as people_actions
import actions.triage as triage_actions
from actions.people import (
    ActionArrearsHelp,
    ActionRegisterCallback,
    ActionRegisterNuisance,
    ValidateCallbackForm,
    ValidateNuisanceForm,
)
from bot.handoff.models import Handoff
from bot.nuisance import NuisanceReport
from bot.tickets import CallbackRequest

FRIDAY_EVENING = datetime(2026, 11, 27, 19, 0, tzinfo=timezone.utc)
WHATSAPP = "whatsapp:+31612345678"


@pytest.fixture(autouse=True)
def database(db_session, migrated_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", migrated_url)
    monkeypatch.setattr(people_actions, "now", lambda: FRIDAY_EVENING)
    monkeypatch.setattr(handoff_actions, "now", lambda: FRIDAY_EVENING)
    triage_actions.settings.cache_clear()
    yield migrated_url
    triage_actions.settings.cache_clear()


def _report(text, intent="report_nuisance"):
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


def _tracker(slots=None, events=(), sender=WHATSAPP, text="..."):
    message = {"text": text, "intent": {"name": "inform"}, "entities": []}
    return Tracker(sender, slots or {}, message, list(events), False, None, {}, "action_listen")


def _run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    return [m["response"] for m in dispatcher.messages], slots


def test_the_threat_question_is_skipped_when_the_report_already_speaks_of_threats():
    form = ValidateNuisanceForm()
    slots = ["nuisance_serious", "nuisance_address"]
    threat = _tracker(events=[_report("mijn buurman bedreigt me")])
    noise = _tracker(events=[_report("harde muziek van de bovenburen")])
    assert asyncio.run(form.required_slots(slots, CollectingDispatcher(), threat, {})) == ["nuisance_address"]
    assert asyncio.run(form.required_slots(slots, CollectingDispatcher(), noise, {})) == slots


@pytest.mark.parametrize(
    ("reply", "value"),
    [("nee", "no"), ("ja", "yes"), ("hij scheldt me uit", "yes"), ("weet ik niet", "unknown")],
)
def test_the_threat_question_reads_yes_no_and_the_words_themselves(reply, value):
    result = ValidateNuisanceForm().validate_nuisance_serious(reply, CollectingDispatcher(), _tracker(), {})
    assert result == {"nuisance_serious": value}


def test_a_first_report_is_registered_and_advised_the_second_gets_a_colleague(db_session):
    slots = {"nuisance_serious": "no", "nuisance_address": "Lindenlaan 14"}
    responses, result = _run(ActionRegisterNuisance(), _tracker(slots, [_report("harde muziek")]))
    assert responses == ["utter_nuisance_advice"] and result["contact_step"] == "advised"
    responses, result = _run(
        ActionRegisterNuisance(),
        _tracker(slots, [_report("weer harde muziek")], sender="whatsapp:+31612345679"),
    )
    # Friday evening: nobody to chat with, so a colleague calls back on the next working day.
    assert responses == ["utter_handoff_callback"] and result["contact_step"] == "callback"
    assert result["callback_when"] == "maandag 30 november vanaf 08:00"
    assert db_session.scalars(select(NuisanceReport.about_address)).all() == ["lindenlaan 14"] * 2
    (request,) = db_session.scalars(select(CallbackRequest)).all()
    assert request.phone == "+31612345679" and request.reason == "Herhaalde overlast: weer harde muziek"


def test_arrears_explain_the_help_and_without_a_number_ask_for_one(db_session):
    tracker = _tracker({"arrears_story": "ik ben ziek geweest"}, sender="messenger-123")
    responses, result = _run(ActionArrearsHelp(), tracker)
    assert responses == ["utter_payment_arrears_help", "utter_handoff_need_phone"]
    assert result["contact_step"] == "need_phone"
    assert result["callback_reason"] == "Betalingsachterstand: ik ben ziek geweest"
    invalid = ValidateCallbackForm().validate_callback_phone("morgen", CollectingDispatcher(), tracker, {})
    assert invalid == {"callback_phone": None, "callback_phone_invalid": True}
    valid = ValidateCallbackForm().validate_callback_phone("06-12345678", CollectingDispatcher(), tracker, {})
    assert valid == {"callback_phone": "+31612345678", "callback_phone_invalid": False}
    responses, result = _run(ActionRegisterCallback(), _tracker({**result, **valid}, sender="messenger-123"))
    assert responses == ["utter_callback_promised"] and result["contact_step"] == "callback"
    request = db_session.scalars(select(CallbackRequest)).one()
    assert (request.phone, request.reason) == ("+31612345678", "Betalingsachterstand: ik ben ziek geweest")


def test_a_threat_goes_to_a_colleague_at_once_with_empathy_first(db_session):
    slots = {"nuisance_serious": "yes", "nuisance_address": "Lindenlaan 16"}
    responses, result = _run(ActionRegisterNuisance(), _tracker(slots, [_report("mijn buurman bedreigt me")]))
    assert responses == ["utter_handoff_empathy_distress", "utter_handoff_callback"]
    handoff = db_session.scalars(select(Handoff)).one()
    assert (handoff.reason, handoff.detail) == ("nuisance_serious", "mijn buurman bedreigt me")
