"""Handing the conversation to a person, and keeping it paused across new sessions (bot/handoff/)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import (
    ActionExecuted,
    ActiveLoop,
    ConversationPaused,
    EventType,
    FollowupAction,
    SessionStarted,
    SlotSet,
)
from rasa_sdk.executor import CollectingDispatcher

from actions.triage import knowledge_cache, now, settings
from bot.callbacks import callback_when
from bot.db import app_transaction
from bot.handoff.reasons import (
    ANGER,
    ASKED_FOR_PERSON,
    BEREAVEMENT,
    BURGLARY,
    DISTRESS,
    NUISANCE_SERIOUS,
)
from bot.handoff.service import HandoffRequest, active_handoff, hand_over
from bot.handoff.summary import handoff_summary

CUE_REASONS = {"anger": ANGER, "distress": DISTRESS, "bereavement": BEREAVEMENT}
# Empathy first: what the tenant hears before being told who takes over.
EMPATHY_RESPONSES = {
    ANGER: "utter_handoff_empathy_anger",
    BEREAVEMENT: "utter_handoff_empathy_bereavement",
    BURGLARY: "utter_handoff_empathy_distress",
    DISTRESS: "utter_handoff_empathy_distress",
    NUISANCE_SERIOUS: "utter_handoff_empathy_distress",
}


def _tenant_messages(tracker: Tracker) -> list[str]:
    return [event.get("text") or "" for event in tracker.events if event.get("event") == "user"]


def summary_of(tracker: Tracker) -> str:
    """What the bot understood so far, for the agent."""
    return handoff_summary(
        category=tracker.get_slot("category"),
        understood=tracker.get_slot("ticket_summary") or tracker.get_slot("summary"),
        urgency=tracker.get_slot("urgency"),
        ticket_number=tracker.get_slot("ticket_number"),
        tenant_messages=_tenant_messages(tracker),
    )


def hand_over_events(
    dispatcher: CollectingDispatcher, tracker: Tracker, reason: str, detail: str | None = None
) -> list[EventType]:
    """Queue the conversation for an agent and pause the bot, or promise a callback; tell the tenant."""
    knowledge = knowledge_cache().get()
    moment = now()
    request = HandoffRequest(
        conversation_id=tracker.sender_id,
        channel=tracker.get_latest_input_channel() or "unknown",
        reason=reason,
        summary=summary_of(tracker),
        detail=detail,
        category=tracker.get_slot("category"),
        urgency=tracker.get_slot("urgency"),
    )
    with app_transaction(settings().database_url) as session:
        decision = hand_over(session, request, office_hours=knowledge.office_hours, now=moment)
    if reason in EMPATHY_RESPONSES:
        dispatcher.utter_message(response=EMPATHY_RESPONSES[reason])
    done: list[EventType] = [SlotSet("handoff_reason", None)]
    if decision.kind == "queued":
        dispatcher.utter_message(
            response="utter_handoff_queued", handoff_position=decision.position, handoff_wait=decision.wait
        )
        return [
            *done,
            SlotSet("contact_step", "handed_over"),
            ActiveLoop(None),
            SlotSet("requested_slot", None),
            ConversationPaused(),
        ]
    when = callback_when(knowledge.office_hours, moment)
    if decision.kind == "callback":
        dispatcher.utter_message(response="utter_handoff_callback", callback_when=when)
        return [*done, SlotSet("contact_step", "callback"), SlotSet("callback_when", when)]
    dispatcher.utter_message(response="utter_handoff_need_phone", callback_when=when)
    return [
        *done,
        SlotSet("callback_reason", decision.callback_reason),
        SlotSet("contact_step", "need_phone"),
        FollowupAction("callback_form"),
    ]


def reason_from(tracker: Tracker) -> tuple[str, str | None]:
    """Why this conversation goes to a person: a reason an action set, a cue, or the tenant asked."""
    reason = tracker.get_slot("handoff_reason")
    if reason:
        return reason, None
    cue = tracker.latest_message.get("handoff_cue") or {}
    if cue.get("kind") in CUE_REASONS:
        return CUE_REASONS[cue["kind"]], tracker.latest_message.get("text")
    return ASKED_FOR_PERSON, None


class ActionHandOver(Action):
    """Hands the conversation to a colleague: the queue in office hours, else a callback."""

    def name(self) -> str:
        return "action_hand_over"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        reason, detail = reason_from(tracker)
        return hand_over_events(dispatcher, tracker, reason, detail)


class ActionSessionStart(Action):
    """Rasa's session start, except that a conversation an agent still has stays paused.

    Rasa un-pauses a conversation when a new session begins (after an hour of silence);
    the handoff in our database says whether it must stay paused.
    """

    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        events: list[EventType] = [SessionStarted()]
        with app_transaction(settings().database_url) as session:
            paused = active_handoff(session, tracker.sender_id) is not None
        if paused:
            events.append(ConversationPaused())
        events.append(ActionExecuted("action_listen"))
        return events
