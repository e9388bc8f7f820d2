"""Triage a repair in the conversation: safety first, the script's questions, then the outcome."""

from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.escalation import escalate_conversation, tell_escalated
from bot import outcomes
from bot.channels.media import media_urls
from bot.escalation import DISPUTED_URGENCY, SAFETY
from bot.handoff.reasons import BURGLARY
from bot.selfhelp import instructions_text
from bot.settings import PROJECT_DIR, load_settings
from bot.ticket_intake import TicketDraft, draft_ticket, summary_text
from bot.tickets import Urgency
from bot.triage.engine import Decision, TriageState, decide
from bot.triage.schema import AnswerType, TriageUrgency
from bot.triage.service import KnowledgeCache, continue_triage, is_topic_change, start_triage

YES_NO_BUTTONS = (("Ja", "ja"), ("Nee", "nee"), ("Weet ik niet", "weet ik niet"))
# Replies that are never an answer to a triage question: the rules take them.
NOT_AN_ANSWER = frozenset({"request_human", "share_media", "voice_note"})


@lru_cache(maxsize=1)
def knowledge_cache() -> KnowledgeCache:
    """The operator data of this action server, reloaded when a file changes."""
    return KnowledgeCache(settings().operator_data_dir)


@lru_cache(maxsize=1)
def settings():
    return load_settings(PROJECT_DIR / ".env")


def now() -> datetime:
    return datetime.now(timezone.utc)


def _state(tracker: Tracker) -> TriageState | None:
    return TriageState.from_slot(tracker.get_slot("triage"))


def _decision(tracker: Tracker) -> Decision | None:
    """Where the conversation's triage stands, decided again from its answers."""
    state = _state(tracker)
    if state is None:
        return None
    knowledge = knowledge_cache().get()

    return decide(knowledge.scripts.get(state.problem_id), state.answers, knowledge.context(now()))


class ActionStartTriage(Action):
    """Starts a new repair's triage: safety advice first if the script has it, else a kind word."""

    def name(self) -> str:
        return "action_start_triage"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        entities = {
            name: list(tracker.get_latest_entity_values(name)) for name in ("problem", "object", "room")
        }
        started = start_triage(
            knowledge_cache().get(),
            tracker.latest_message.get("text") or "",
            at=now(),
            category="repair",
            entities=entities,
        )
        if started is None:
            return [SlotSet("triage", None), SlotSet("triage_open", False)]
        state, decision = started
        if decision.problem.safety_advice:
            dispatcher.utter_message(
                response="utter_safety_advice", safety_advice=decision.problem.safety_advice
            )
        elif decision.decided:
            dispatcher.utter_message(response="utter_repair_received")
        else:
            dispatcher.utter_message(response="utter_repair_acknowledged")
        return [
            *[SlotSet(name, None) for name in FRESH_REPORT_SLOTS],
            SlotSet("triage", state.to_slot()),
            SlotSet("triage_open", not decision.decided),
        ]


# A new report starts clean: nothing left of an earlier one in this conversation.
FRESH_REPORT_SLOTS = (
    "urgency", "ticket_step", "ticket_draft", "ticket_summary", "availability_reply", "triage_reply",
    "ticket_number", "ticket_duplicate", "pending_request",
)  # fmt: skip


class ValidateTriageForm(FormValidationAction):
    """Reads each reply into the triage; the form ends as soon as the script has decided."""

    def name(self) -> str:
        return "validate_triage_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        decision = _decision(tracker)
        return [] if decision is None or decision.decided else domain_slots

    async def extract_triage_reply(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The reply to the question asked, unless the tenant asks for a person or changes topic.

        Extracting nothing makes the form step aside, so the rules for a person or the new
        topic (data/rules/triage.yml) take over.
        """
        state = _state(tracker)
        if tracker.get_slot("requested_slot") != "triage_reply" or state is None:
            return {}
        text = tracker.latest_message.get("text") or ""
        intent = tracker.latest_message.get("intent") or {}
        name = (intent.get("name") or "").split("/", 1)[0]
        if name in NOT_AN_ANSWER:
            return {}
        confidence = float(intent.get("confidence") or 0.0)
        if is_topic_change(knowledge_cache().get(), state, text, intent=name, confidence=confidence):
            return {}
        return {"triage_reply": text}

    def validate_triage_reply(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        state = _state(tracker)
        if state is None:
            return {"triage_reply": value}
        new_state, decision = continue_triage(knowledge_cache().get(), state, str(value or ""), at=now())
        return {"triage": new_state.to_slot(), "triage_reply": value if decision.decided else None}


class ActionAskTriageReply(Action):
    """Asks the script's next question, with buttons for yes/no and choices."""

    def name(self) -> str:
        return "action_ask_triage_reply"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        decision = _decision(tracker)
        question = decision.next_question if decision else None
        if question is None:
            return []
        state = _state(tracker)
        text = question.text
        if state and state.retries:
            text = f"Sorry, dat begreep ik niet helemaal. {text}"
        dispatcher.utter_message(text=text, buttons=_buttons(question))
        return []


def _buttons(question) -> list[dict[str, str]]:
    """Buttons whose payload is plain text, so a typed answer and a tap are read the same way."""
    if question.type is AnswerType.YES_NO:
        return [{"title": title, "payload": payload} for title, payload in YES_NO_BUTTONS]
    if question.type is AnswerType.CHOICE:
        return [{"title": c.title, "payload": c.title} for c in question.choices]
    return []


class ActionTriageOutcome(Action):
    """Tells the outcome's advice, sends self-help, and drafts the ticket and its summary.

    A safety case, or an outcome that asks for a person, warns the desk or the on-call
    colleague right here, before the summary and verification: acting comes first.
    """

    def name(self) -> str:
        return "action_triage_outcome"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        decision = _decision(tracker)
        if decision is None or not decision.decided:
            return [SlotSet("urgency", None)]
        outcome = decision.outcome
        knowledge = knowledge_cache().get()
        draft = draft_ticket(
            decision.problem,
            outcome,
            answers=_state(tracker).answers,
            room=tracker.get_slot("room"),
            object_=tracker.get_slot("object"),
            description=_tenant_words(tracker),
            photos=tuple(_photos(tracker)),
        )
        events: list[EventType] = [
            SlotSet("urgency", outcome.urgency.value),
            SlotSet("ticket_draft", draft.to_slot()),
            SlotSet("ticket_summary", summary_text(draft)),
            SlotSet("pending_request", "open_ticket"),
            SlotSet(
                "ticket_step", _next_step(draft, self_help_first=outcome.urgency is TriageUrgency.SELF_HELP)
            ),
        ]
        if outcome.handoff == "distress":
            # After the ticket is opened, a colleague takes over (actions/tickets.py).
            events.append(SlotSet("handoff_reason", BURGLARY))
        if outcome.advice:
            dispatcher.utter_message(response="utter_triage_advice", triage_advice=outcome.advice)
        reason = SAFETY if decision.problem.safety_advice else outcome.handoff
        if reason:
            escalated = escalate_conversation(
                tracker,
                database_url=settings().database_url,
                knowledge=knowledge,
                at=now(),
                reason=reason,
                summary=summary_text(draft),
                tenant_words=draft.description,
            )
            tell_escalated(dispatcher, escalated)
        if outcome.self_help:
            item = knowledge.catalogue.get(outcome.self_help)
            steps = instructions_text(item, settings().self_help_base_url)
            dispatcher.utter_message(response="utter_self_help_steps", self_help_text=steps)
        return events


class ActionEscalateUrgency(Action):
    """The tenant disagrees with the urgency: the desk or the on-call colleague looks at it now."""

    def name(self) -> str:
        return "action_escalate_urgency"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        summary = tracker.get_slot("ticket_summary")
        if not summary:
            dispatcher.utter_message(response="utter_dispute_without_report")
            return []
        escalated = escalate_conversation(
            tracker,
            database_url=settings().database_url,
            knowledge=knowledge_cache().get(),
            at=now(),
            reason=DISPUTED_URGENCY,
            summary=summary,
            tenant_words=tracker.latest_message.get("text") or "",
        )
        dispatcher.utter_message(response="utter_urgency_heard")
        tell_escalated(dispatcher, escalated)
        return []


class ActionSelfHelpResult(Action):
    """Records whether self-help solved it; when not, the repair is planned as a normal ticket."""

    def name(self) -> str:
        return "action_self_help_result"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        solved = tracker.latest_message.get("intent", {}).get("name") == "affirm"
        state = _state(tracker)
        outcomes.record(
            settings().database_url,
            conversation_id=tracker.sender_id,
            channel=tracker.get_latest_input_channel() or "unknown",
            kind=outcomes.SELF_HELP_SOLVED if solved else outcomes.SELF_HELP_FAILED,
            problem=state.problem_id if state else None,
        )
        if solved:
            return [SlotSet("ticket_step", "solved"), SlotSet("pending_request", None)]
        draft = tracker.get_slot("ticket_draft")
        step = _next_step(TicketDraft.from_slot(draft)) if draft else "ask_availability"
        return [SlotSet("urgency", "normal"), SlotSet("ticket_step", step)]


def _next_step(draft: TicketDraft, *, self_help_first: bool = False) -> str:
    """Self-help first; else when the tenant is home, unless nobody needs to be (emergency, shared area)."""
    if self_help_first:
        return "try_self_help"
    if draft.someone_home_required and draft.urgency is not Urgency.EMERGENCY:
        return "ask_availability"
    return "summarise"


def _tenant_words(tracker: Tracker) -> str:
    """What the tenant wrote since the report began, for the contractor."""
    texts: list[str] = []
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        text = (event.get("text") or "").strip()
        if text and not text.startswith("/"):
            texts.append(text)
        if (event.get("parse_data") or {}).get("intent", {}).get("name") == "report_repair":
            break
    return "\n".join(reversed(texts))


def _photos(tracker: Tracker) -> list[str]:
    """Media links the channel put in the metadata of the tenant's messages."""
    urls = [
        url
        for event in tracker.events
        if event.get("event") == "user"
        for url in media_urls(event.get("metadata"))
    ]
    return list(dict.fromkeys(urls))


class ActionStoreSatisfaction(Action):
    """Stores the tenant's 1-5 score of the conversation, from a button or a typed number."""

    def name(self) -> str:
        return "action_store_satisfaction"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        score = outcomes.read_score(
            tracker.get_slot("satisfaction_score") or tracker.latest_message.get("text")
        )
        if score is not None:
            outcomes.record_score(
                settings().database_url,
                conversation_id=tracker.sender_id,
                channel=tracker.get_latest_input_channel() or "unknown",
                score=score,
                flow=tracker.get_slot("category"),
                now=now(),
            )
        return [SlotSet("satisfaction_score", None)]
