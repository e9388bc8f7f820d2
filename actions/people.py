"""Nuisance and payment arrears: register, advise, and hand over to a colleague (queue or callback)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.handoff import hand_over_events
from actions.triage import knowledge_cache, now, settings
from bot import nuisance
from bot.callbacks import promise_callback
from bot.handoff.reasons import PAYMENT_ARREARS
from bot.tenants import normalise_phone
from bot.triage.engine import read_yes_no

NO_STORY = "(geen toelichting)"


def _report_text(tracker: Tracker, intent: str) -> str:
    """The tenant's latest message with this intent (the report itself)."""
    for event in reversed(tracker.events):
        if (
            event.get("event") == "user"
            and (event.get("parse_data") or {}).get("intent", {}).get("name") == intent
        ):
            return event.get("text") or ""
    return ""


def _channel(tracker: Tracker) -> str:
    return tracker.get_latest_input_channel() or "unknown"


class ValidateNuisanceForm(FormValidationAction):
    """Skips the question about threats when the report already speaks of them."""

    def name(self) -> str:
        return "validate_nuisance_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        if nuisance.is_serious(_report_text(tracker, "report_nuisance")):
            return [slot for slot in domain_slots if slot != "nuisance_serious"]
        return domain_slots

    def validate_nuisance_serious(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        answer = read_yes_no(str(value or ""))
        if answer is None:
            # Not a yes or no: the words themselves may tell ("hij scheldt me uit").
            answer = True if nuisance.is_serious(str(value or "")) else "unknown"
        return {"nuisance_serious": "yes" if answer is True else "no" if answer is False else "unknown"}


class ActionRegisterNuisance(Action):
    """Registers the report; a first report gets advice, serious or repeated nuisance a colleague."""

    def name(self) -> str:
        return "action_register_nuisance"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        report = _report_text(tracker, "report_nuisance")
        serious = nuisance.is_serious(report) or tracker.get_slot("nuisance_serious") == "yes"
        assessment = nuisance.register(
            settings().database_url,
            conversation_id=tracker.sender_id,
            channel=_channel(tracker),
            address=tracker.get_slot("nuisance_address"),
            description=report,
            serious=serious,
            now=now(),
        )
        cleared = [SlotSet("nuisance_serious", None), SlotSet("nuisance_address", None)]
        if not assessment.to_a_person:
            dispatcher.utter_message(response="utter_nuisance_advice")
            return [*cleared, SlotSet("contact_step", "advised")]
        return [*cleared, *hand_over_events(dispatcher, tracker, assessment.reason, detail=report)]


class ActionArrearsHelp(Action):
    """Explains that an arrangement and free debt help exist, and has a colleague call back."""

    def name(self) -> str:
        return "action_arrears_help"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_payment_arrears_help")
        story = (tracker.get_slot("arrears_story") or "").strip() or NO_STORY
        events = hand_over_events(dispatcher, tracker, PAYMENT_ARREARS, detail=story)
        return [SlotSet("arrears_story", None), *events]


class ValidateCallbackForm(FormValidationAction):
    """Checks the phone number to call back on."""

    def name(self) -> str:
        return "validate_callback_form"

    def validate_callback_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        number = normalise_phone(str(value or ""))
        return {"callback_phone": number, "callback_phone_invalid": number is None}


class ActionRegisterCallback(Action):
    """Registers the callback on the number the tenant gave."""

    def name(self) -> str:
        return "action_register_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        promise = promise_callback(
            settings().database_url,
            conversation_id=tracker.sender_id,
            sender=tracker.sender_id,
            reason=tracker.get_slot("callback_reason") or "callback",
            office_hours=knowledge_cache().get().office_hours,
            phone=tracker.get_slot("callback_phone"),
            now=now(),
        )
        dispatcher.utter_message(response="utter_callback_promised", callback_when=promise.when)
        return [SlotSet("contact_step", "callback"), SlotSet("callback_phone", None)]
