"""The one mapping from NLU intents to the four message categories."""

from __future__ import annotations

from enum import Enum


class Category(str, Enum):
    """What kind of message a tenant sent."""

    REPAIR = "repair"
    NUISANCE = "nuisance"
    PAYMENT_ARREARS = "payment_arrears"
    GENERAL = "general"
    OTHER = "other"


INTENT_CATEGORIES: dict[str, Category] = {
    "report_repair": Category.REPAIR,
    "report_nuisance": Category.NUISANCE,
    "payment_arrears": Category.PAYMENT_ARREARS,
    "faq": Category.GENERAL,
    "ticket_status": Category.GENERAL,
}

# The four categories a message can be triaged into; everything else is dialogue.
TRIAGE_CATEGORIES = (
    Category.REPAIR,
    Category.NUISANCE,
    Category.PAYMENT_ARREARS,
    Category.GENERAL,
)


def base_intent(intent: str) -> str:
    """Strip a retrieval intent's response key: `faq/pets` -> `faq`."""
    return intent.split("/", 1)[0]


def category_for_intent(intent: str | None) -> Category:
    """The category of an intent; dialogue intents, fallback and unknown names are OTHER."""
    if not intent:
        return Category.OTHER
    return INTENT_CATEGORIES.get(base_intent(intent), Category.OTHER)
