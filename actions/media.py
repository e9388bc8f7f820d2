"""A photo, document or location without words: keep it with the report being made, or the last ticket."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.triage import settings
from bot.channels.media import media_urls
from bot.ticket_intake import TicketDraft, attach_to_last_open_ticket, summary_text


class ActionReceiveMedia(Action):
    """Acknowledges what came and puts photos where they help: the draft, else the last open ticket."""

    def name(self) -> str:
        return "action_receive_media"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        urls = media_urls(tracker.latest_message.get("metadata"))
        if not urls:
            if (tracker.latest_message.get("metadata") or {}).get("location"):
                dispatcher.utter_message(response="utter_location_received")
            else:
                dispatcher.utter_message(response="utter_media_received")
            return []
        draft_slot = tracker.get_slot("ticket_draft")
        if draft_slot:
            draft = TicketDraft.from_slot(draft_slot)
            photos = tuple(dict.fromkeys([*draft.photos, *urls]))
            draft = TicketDraft.from_slot({**draft.to_slot(), "photos": list(photos)})
            dispatcher.utter_message(response="utter_media_added_to_report")
            return [SlotSet("ticket_draft", draft.to_slot()), SlotSet("ticket_summary", summary_text(draft))]
        number = attach_to_last_open_ticket(
            settings().database_url, conversation_id=tracker.sender_id, photos=urls
        )
        if number:
            dispatcher.utter_message(response="utter_media_added_to_ticket", ticket_number=number)
        else:
            dispatcher.utter_message(response="utter_media_received")
        return []
