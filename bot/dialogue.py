"""What the dialogue does once a message's category is known."""

from __future__ import annotations

from dataclasses import dataclass

from bot.categories import Category, category_for_intent
from bot.summary import describe_problem

# Intents that answer a follow-up question: they add details to the message before them.
FOLLOW_UP_INTENTS = frozenset({"inform"})


@dataclass(frozen=True)
class Understanding:
    """A message's category and, for repairs, a short Dutch summary of what is broken."""

    category: Category
    summary: str | None = None


def understand(
    intent: str | None,
    *,
    problem: str | None = None,
    object_: str | None = None,
    room: str | None = None,
    previous_category: str | None = None,
) -> Understanding:
    """Decide the category and summary of a message from its intent and entities.

    A follow-up answer ("in de badkamer") keeps the category of the conversation so far.
    """
    category = category_for_intent(intent)
    if intent in FOLLOW_UP_INTENTS and previous_category:
        category = Category(previous_category)
    summary = None
    if category is Category.REPAIR:
        summary = describe_problem(problem=problem, object_=object_, room=room)
    return Understanding(category=category, summary=summary)
