import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecuted, ConversationPaused, SessionStarted
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

import actions.handoff as handoff_actions
import actions.triage as triage_actions
from actions.handoff import ActionHandOver, ActionSessionStart
from bot.console.sessions import ConsoleSession, start_session
from bot.console.users import add_user
from bot.handoff.models import Handoff
from bot.handoff.service import claim, close

WEDNESDAY_MORNING = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)
SENDER = "whatsapp:+31612345678"


@pytest.fixture(autouse=True)
def database(db_session, migrated_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", migrated_url)
    monkeypatch.setattr(handoff_actions, "now", lambda: WEDNESDAY_MORNING)
    triage_actions.settings.cache_clear()
    user = add_user(db_session, username="anna", password="correct horse battery", role="agent")
    start_session(db_session, user, now=WEDNESDAY_MORNING - timedelta(hours=1))
    db_session.flush()
    db_session.scalars(select(ConsoleSession)).one().last_seen_at = WEDNESDAY_MORNING
    db_session.commit()
    yield migrated_url
    triage_actions.settings.cache_clear()


def _tracker(text="ik wil een mens spreken", intent="request_human", slots=None, cue=None, events=()):
    message = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": []}
    if cue:
        message["handoff_cue"] = cue
    user = {"event": "user", "text": text, "input_channel": "whatsapp", "parse_data": message}
    return Tracker(SENDER, slots or {}, message, [*events, user], False, None, {}, "action_listen")


def _run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return [m["response"] for m in dispatcher.messages], events


def test_asking_for_a_person_in_office_hours_queues_the_conversation_and_pauses_the_bot(db_session):
    responses, events = _run(ActionHandOver(), _tracker(slots={"category": "repair", "urgency": "urgent"}))
    assert responses == ["utter_handoff_queued"]
    assert {"event": "pause"} in [{"event": e["event"]} for e in events]
    assert {"event": "active_loop", "name": None} in [
        {k: e.get(k) for k in ("event", "name")} for e in events
    ]
    handoff = db_session.scalars(select(Handoff)).one()
    assert (handoff.reason, handoff.channel, handoff.category, handoff.urgency, handoff.priority) == (
        "asked_for_person",
        "whatsapp",
        "repair",
        "urgent",
        3,
    )
    assert "Onderwerp: Reparatie" in handoff.summary and "“ik wil een mens spreken”" in handoff.summary


@pytest.mark.parametrize(
    ("kind", "reason", "empathy"),
    [
        ("anger", "anger", "utter_handoff_empathy_anger"),
        ("distress", "distress", "utter_handoff_empathy_distress"),
        ("bereavement", "bereavement", "utter_handoff_empathy_bereavement"),
    ],
)
def test_a_cue_hands_over_with_empathy_first_and_the_tenants_words_for_the_agent(
    db_session, kind, reason, empathy
):
    text = "de tekst van de huurder"
    responses, _ = _run(
        ActionHandOver(), _tracker(text, "express_distress", cue={"kind": kind, "evidence": "woord"})
    )
    assert responses == [empathy, "utter_handoff_queued"]
    handoff = db_session.scalars(select(Handoff)).one()
    assert (handoff.reason, handoff.detail) == (reason, text)


def test_a_reason_an_action_set_wins_and_is_cleared(db_session):
    _, events = _run(ActionHandOver(), _tracker(slots={"handoff_reason": "verification_locked"}))
    assert db_session.scalars(select(Handoff.reason)).one() == "verification_locked"
    assert {"event": "slot", "name": "handoff_reason", "value": None} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events
    ]


def test_a_new_session_stays_paused_while_an_agent_has_the_conversation(db_session):
    assert asyncio.run(ActionSessionStart().run(CollectingDispatcher(), _tracker(), {})) == [
        SessionStarted(),
        ActionExecuted("action_listen"),
    ]
    _run(ActionHandOver(), _tracker())
    paused = [SessionStarted(), ConversationPaused(), ActionExecuted("action_listen")]
    assert asyncio.run(ActionSessionStart().run(CollectingDispatcher(), _tracker(), {})) == paused
    handoff_id = db_session.scalars(select(Handoff.id)).one()
    claim(db_session, handoff_id, "anna")
    db_session.commit()
    assert asyncio.run(ActionSessionStart().run(CollectingDispatcher(), _tracker(), {})) == paused
    close(db_session, handoff_id, "anna", "resolved")
    db_session.commit()
    assert ConversationPaused() not in asyncio.run(
        ActionSessionStart().run(CollectingDispatcher(), _tracker(), {})
    )
