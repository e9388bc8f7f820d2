"""Register which kind of message the tenant sent and what we understood of it."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.dialogue import understand


def _entity(tracker: Tracker, name: str) -> str | None:
    """The entity's value in the latest message, else the slot of the same name."""
    value = next(tracker.get_latest_entity_values(name), None)
    return value if value is not None else tracker.get_slot(name)


class ActionRegisterCategory(Action):
    """Sets the `category` and `summary` slots; the rules pick the response that follows."""

    def name(self) -> str:
        return "action_register_category"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        understanding = understand(
            tracker.latest_message.get("intent", {}).get("name"),
            problem=_entity(tracker, "problem"),
            object_=_entity(tracker, "object"),
            room=_entity(tracker, "room"),
            previous_category=tracker.get_slot("category"),
        )
        events: list[EventType] = [
            SlotSet("category", understanding.category.value),
            SlotSet("summary", understanding.summary),
        ]
        if tracker.latest_message.get("intent", {}).get("name") == "ticket_status":
            # What verification is for, so the rules show the tickets once it succeeds.
            events.append(SlotSet("pending_request", "ticket_status"))
        return events
