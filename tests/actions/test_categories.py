import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.categories import ActionRegisterCategory


def _tracker(intent, entities=(), slots=None):
    return Tracker(
        sender_id="test",
        slots=slots or {},
        latest_message={
            "text": "...",
            "intent": {"name": intent, "confidence": 0.9},
            "entities": [{"entity": name, "value": value} for name, value in entities],
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def _run(tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionRegisterCategory().run(dispatcher, tracker, {}))
    return dispatcher.messages, events


def _slots(events):
    return {event["name"]: event["value"] for event in events}


@pytest.mark.parametrize(
    ("intent", "category"),
    [
        ("report_nuisance", "nuisance"),
        ("payment_arrears", "payment_arrears"),
    ],
)
def test_sets_the_category_and_leaves_the_reply_to_the_rules(intent, category):
    messages, events = _run(_tracker(intent))
    assert events == [SlotSet("category", category), SlotSet("summary", None)]
    assert messages == []


def test_a_question_about_a_report_is_remembered_for_after_verification():
    messages, events = _run(_tracker("ticket_status"))
    assert _slots(events) == {"category": "general", "summary": None, "pending_request": "ticket_status"}
    assert messages == []


def test_repair_summary_uses_the_entities_of_this_message_and_earlier_slots():
    tracker = _tracker(
        "report_repair", entities=[("problem", "leak"), ("room", "kitchen")], slots={"object": "tap"}
    )
    _, events = _run(tracker)
    assert events == [
        SlotSet("category", "repair"),
        SlotSet("summary", "lekkage bij de kraan, in de keuken"),
    ]


def test_details_given_afterwards_refine_the_repair_summary():
    tracker = _tracker(
        "inform", entities=[("room", "bathroom")], slots={"category": "repair", "problem": "leak"}
    )
    _, events = _run(tracker)
    assert events == [SlotSet("category", "repair"), SlotSet("summary", "lekkage, in de badkamer")]
