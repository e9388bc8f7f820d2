import asyncio

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionDefaultFallback


def test_fallback_asks_to_rephrase_and_forgets_the_message():
    tracker = Tracker("t", {}, {"text": "blabla"}, [], False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionDefaultFallback().run(dispatcher, tracker, {}))
    assert [m["response"] for m in dispatcher.messages] == ["utter_please_rephrase"]
    assert events == [UserUtteranceReverted()]


def _bot(response):
    return {"event": "bot", "text": "...", "metadata": {"utter_action": response}}


def test_the_second_misunderstanding_in_a_row_hands_over_to_a_person():
    dispatcher = CollectingDispatcher()
    events = [_bot("utter_greet"), _bot("utter_please_rephrase")]
    tracker = Tracker("t", {}, {"text": "qwerty"}, events, False, None, {}, "action_listen")
    assert asyncio.run(ActionDefaultFallback().run(dispatcher, tracker, {})) == [
        SlotSet("handoff_reason", "not_understood"),
        FollowupAction("action_hand_over"),
    ]
    assert dispatcher.messages == []


def test_an_understood_message_in_between_starts_counting_again():
    dispatcher = CollectingDispatcher()
    events = [_bot("utter_please_rephrase"), _bot("utter_greet")]
    tracker = Tracker("t", {}, {"text": "qwerty"}, events, False, None, {}, "action_listen")
    asyncio.run(ActionDefaultFallback().run(dispatcher, tracker, {}))
    assert [m["response"] for m in dispatcher.messages] == ["utter_please_rephrase"]
