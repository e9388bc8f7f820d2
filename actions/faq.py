"""Answer a general question with the operator's text for the topic NLU picked."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.triage import knowledge_cache
from bot.faq import selected_topic

logger = logging.getLogger(__name__)


class ActionAnswerFaq(Action):
    """Utters the answer from `data/faq_answers.yml`, read live; an honest reply when there is none."""

    def name(self) -> str:
        return "action_answer_faq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        topic = selected_topic(tracker.latest_message)
        text = knowledge_cache().get().faq.answer(topic) if topic else None
        if text is None:
            # Only the topic the model chose, never the tenant's words.
            logger.warning("no FAQ answer for the selected topic %r", topic)
            dispatcher.utter_message(response="utter_faq_unknown")
            return []
        dispatcher.utter_message(response="utter_faq_answer", answer=text)
        return []
