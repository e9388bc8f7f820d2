"""Verify tenancy in the conversation and show a verified tenant their tickets."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot import tenant_chat
from bot.handoff.reasons import VERIFICATION_LOCKED
from bot.settings import PROJECT_DIR, load_settings
from bot.tenant_chat import clean_extra_factor, clean_house_number
from bot.tenants import normalise_postcode

FORM_SLOTS = ("verify_postcode", "verify_house_number", "verify_extra_factor")


def _database_url() -> str:
    return load_settings(PROJECT_DIR / ".env").database_url


class ValidateVerificationForm(FormValidationAction):
    """Checks the format of each answer (which reveals nothing) before it is compared."""

    def name(self) -> str:
        return "validate_verification_form"

    @staticmethod
    def _checked(value: Any, clean, slot: str) -> dict[str, Any]:
        """The cleaned answer, or None and `verify_invalid` so the question comes with an example."""
        cleaned = clean(str(value)) if value is not None else None
        return {slot: cleaned, "verify_invalid": None if cleaned is not None else slot}

    def validate_verify_postcode(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._checked(value, normalise_postcode, "verify_postcode")

    def validate_verify_house_number(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._checked(value, clean_house_number, "verify_house_number")

    def validate_verify_extra_factor(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._checked(value, clean_extra_factor, "verify_extra_factor")


class ActionCheckVerification(Action):
    """Sets `verification` to verified when this conversation already verified a tenancy."""

    def name(self) -> str:
        return "action_check_verification"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        verified = tenant_chat.is_verified(_database_url(), conversation_id=tracker.sender_id)
        return [SlotSet("verification", "verified" if verified else "unverified")]


class ActionVerifyTenant(Action):
    """Compares the form's answers with the tenant data and clears them either way."""

    def name(self) -> str:
        return "action_verify_tenant"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        outcome = tenant_chat.verify(
            _database_url(),
            conversation_id=tracker.sender_id,
            sender=tracker.sender_id,
            postcode=tracker.get_slot("verify_postcode") or "",
            house_number=tracker.get_slot("verify_house_number") or "",
            extra_factor=tracker.get_slot("verify_extra_factor") or "",
        )
        cleared = [SlotSet(slot, None) for slot in (*FORM_SLOTS, "verify_invalid")]
        events = [SlotSet("verification", outcome.status), *cleared]
        if outcome.status == "locked":
            events.append(SlotSet("handoff_reason", VERIFICATION_LOCKED))
        return events


class ActionTicketStatus(Action):
    """Puts the verified tenant's open tickets, in plain Dutch, in `ticket_overview`."""

    def name(self) -> str:
        return "action_ticket_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        overview = tenant_chat.open_tickets_text(_database_url(), conversation_id=tracker.sender_id)
        if overview is None:
            return [SlotSet("verification", "unverified"), SlotSet("ticket_overview", None)]
        return [SlotSet("ticket_overview", overview)]
