"""What the assistant does when the dialogue model does not know what to do next."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher


class ActionDefaultFallback(Action):
    """Asks the tenant to rephrase and forgets the message, so the conversation can go on.

    Replaces Rasa's built-in fallback, which would need a separate `utter_default`.
    """

    def name(self) -> str:
        return "action_default_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_please_rephrase")
        return [UserUtteranceReverted()]
