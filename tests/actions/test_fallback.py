import asyncio

from rasa_sdk import Tracker
from rasa_sdk.events import UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionDefaultFallback


def test_fallback_asks_to_rephrase_and_forgets_the_message():
    tracker = Tracker("t", {}, {"text": "blabla"}, [], False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionDefaultFallback().run(dispatcher, tracker, {}))
    assert [m["response"] for m in dispatcher.messages] == ["utter_please_rephrase"]
    assert events == [UserUtteranceReverted()]
