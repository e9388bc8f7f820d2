"""What the assistant does when the dialogue model does not know what to do next."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from bot.handoff.reasons import NOT_UNDERSTOOD


def _last_bot_response(tracker: Tracker) -> str | None:
    """The name of the response the bot last uttered, if any."""
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            return (event.get("metadata") or {}).get("utter_action")
    return None


class ActionDefaultFallback(Action):
    """Asks the tenant to rephrase and forgets the message; the second time in a row a person takes over.

    Replaces Rasa's built-in fallback, which would need a separate `utter_default`.
    """

    def name(self) -> str:
        return "action_default_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if _last_bot_response(tracker) == "utter_please_rephrase":
            return [SlotSet("handoff_reason", NOT_UNDERSTOOD), FollowupAction("action_hand_over")]
        dispatcher.utter_message(response="utter_please_rephrase")
        return [UserUtteranceReverted()]
