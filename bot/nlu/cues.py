"""An NLU step that marks anger, distress and bereavement, so such a message goes to a person.

It runs after the intent classifiers. When `bot.handoff.cues.detect_cue` finds a cue,
the message gets a `handoff_cue` ({"kind", "evidence"}) in its parse data. If the
predicted intent is one the dialogue would otherwise answer by itself (a question, small
talk, a status request, not understood), it becomes `express_distress`, which a rule
hands to a person; the classifiers' intent is kept as `classified_intent`, so what the
message is about (its category, its FAQ topic) is still known and measured. Reports of
repairs, nuisance and arrears keep their intent: they have their own way to a person, and
an emergency must never wait for one.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.handoff.cues import CUE_INTENT, detect_cue

CUE_KEY = "handoff_cue"
# The classifiers' intent before a cue replaced it: what the message is about (its category).
CLASSIFIED_KEY = "classified_intent"
# Intents a cue overrides: the bot would answer these itself and miss how the tenant feels.
OVERRIDDEN_INTENTS = frozenset(
    {"faq", "out_of_scope", "nlu_fallback", "greet", "goodbye", "thanks", "bot_challenge", "ticket_status"}
)


def mark_cue(message: Message) -> None:
    """Add the cue to the parse data, and hand the message to a person where the intent allows."""
    cue = detect_cue(message.get(TEXT))
    if cue is None:
        return
    message.set(CUE_KEY, {"kind": cue.kind, "evidence": cue.evidence}, add_to_output=True)
    classified = message.get(INTENT) or {}
    if (classified.get("name") or "").split("/", 1)[0] in OVERRIDDEN_INTENTS:
        message.set(CLASSIFIED_KEY, classified, add_to_output=True)
        message.set(INTENT, {"name": CUE_INTENT, "confidence": 1.0}, add_to_output=True)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class HandoffCueMarker(GraphComponent):
    """Marks handoff cues after classification; has nothing to learn."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> HandoffCueMarker:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            mark_cue(message)
        return messages
