"""Open the ticket a triaged repair leads to: when the tenant is home, the summary, the ticket."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.handoff import hand_over_events
from actions.triage import knowledge_cache, now, settings
from bot.availability import parse_availability
from bot.ticket_intake import TicketDraft, open_from_conversation, summary_text


def _draft(tracker: Tracker) -> TicketDraft | None:
    value = tracker.get_slot("ticket_draft")
    return TicketDraft.from_slot(value) if value else None


class ValidateTicketForm(FormValidationAction):
    """Reads when the tenant is home into the ticket draft and its summary."""

    def name(self) -> str:
        return "validate_ticket_form"

    def validate_availability_reply(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        draft = _draft(tracker)
        if draft is None:
            return {"availability_reply": value}
        availability = parse_availability(str(value or ""))
        if availability is None:
            # Not understood: keep the tenant's words for the planner rather than asking again.
            availability = {"weekdays": [], "parts_of_day": [], "note": str(value or "")[:200]}
        draft = replace(draft, availability=availability)
        return {
            "availability_reply": value,
            "ticket_draft": draft.to_slot(),
            "ticket_summary": summary_text(draft),
        }


class ActionOpenTicket(Action):
    """Opens the confirmed ticket for the verified tenant and tells its number and handling time."""

    def name(self) -> str:
        return "action_open_ticket"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        draft = _draft(tracker)
        if draft is None:
            dispatcher.utter_message(response="utter_ticket_not_opened")
            return [SlotSet("pending_request", None)]
        knowledge = knowledge_cache().get()
        opened = open_from_conversation(
            settings().database_url,
            draft=draft,
            conversation_id=tracker.sender_id,
            channel=tracker.get_latest_input_channel() or "unknown",
            office_hours=knowledge.office_hours,
            routing=knowledge.routing,
            now=now(),
        )
        if opened is None:
            return [SlotSet("verification", "unverified")]
        events: list[EventType] = [
            SlotSet("ticket_number", opened.number),
            SlotSet("handling_time", opened.handling_time),
            SlotSet("ticket_duplicate", opened.duplicate_text),
            SlotSet("pending_request", None),
            SlotSet("ticket_draft", None),
            SlotSet("triage", None),
        ]
        if opened.duplicate_text:
            dispatcher.utter_message(
                response="utter_ticket_duplicate",
                ticket_duplicate=opened.duplicate_text,
                ticket_number=opened.number,
            )
        else:
            dispatcher.utter_message(
                response="utter_ticket_opened",
                ticket_number=opened.number,
                handling_time=opened.handling_time,
            )
        if tracker.get_slot("handoff_reason"):
            events.extend(hand_over_events(dispatcher, tracker, tracker.get_slot("handoff_reason")))
        return events
