"""Warn a person at once and tell the tenant who was warned (used by the triage actions)."""

from __future__ import annotations

from datetime import datetime

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.escalation import Escalated, record_escalation
from bot.triage.service import Knowledge


def escalate_conversation(
    tracker: Tracker,
    *,
    database_url: str,
    knowledge: Knowledge,
    at: datetime,
    reason: str,
    summary: str,
    tenant_words: str = "",
) -> Escalated:
    """Record the escalation of this conversation and queue the staff member's message."""
    return record_escalation(
        database_url,
        routing=knowledge.routing,
        office_hours=knowledge.office_hours,
        conversation_id=tracker.sender_id,
        channel=tracker.get_latest_input_channel() or "unknown",
        reason=reason,
        summary=summary,
        tenant_words=tenant_words,
        ticket_number=tracker.get_slot("ticket_number"),
        now=at,
    )


def tell_escalated(dispatcher: CollectingDispatcher, escalated: Escalated) -> None:
    """Tell the tenant who was warned: the desk in office hours, the on-call colleague otherwise."""
    if not escalated.new:
        dispatcher.utter_message(response="utter_escalated_already")
    elif escalated.during_office_hours:
        dispatcher.utter_message(response="utter_escalated_desk")
    else:
        dispatcher.utter_message(response="utter_escalated_on_call")
