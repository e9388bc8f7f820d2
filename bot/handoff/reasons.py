"""Why a conversation goes to a person: the reason codes, their labels for agents, and their weight.

The queue is ordered by priority (higher first), then by waiting time. A handoff's
priority is the higher of its reason's and its triage urgency's.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reason:
    """A handoff reason as agents see it, and how pressing it is."""

    code: str
    label: str
    priority: int


ASKED_FOR_PERSON = "asked_for_person"
PAYMENT_ARREARS = "payment_arrears"
NUISANCE_SERIOUS = "nuisance_serious"
NUISANCE_REPEATED = "nuisance_repeated"
BURGLARY = "burglary"
BEREAVEMENT = "bereavement"
DISTRESS = "distress"
ANGER = "anger"
NOT_UNDERSTOOD = "not_understood"
VERIFICATION_LOCKED = "verification_locked"

REASONS = {
    reason.code: reason
    for reason in (
        Reason(ASKED_FOR_PERSON, "Wil een medewerker spreken", 1),
        Reason(PAYMENT_ARREARS, "Betalingsachterstand", 2),
        Reason(NUISANCE_SERIOUS, "Overlast met bedreiging of geweld", 3),
        Reason(NUISANCE_REPEATED, "Herhaalde overlast", 2),
        Reason(BURGLARY, "Inbraak, huurder van slag", 3),
        Reason(BEREAVEMENT, "Overlijden", 2),
        Reason(DISTRESS, "Huurder in nood", 3),
        Reason(ANGER, "Boze of zeer ontevreden huurder", 2),
        Reason(NOT_UNDERSTOOD, "Bot begreep het twee keer niet", 1),
        Reason(VERIFICATION_LOCKED, "Verificatie geblokkeerd", 1),
    )
}

# Triage urgencies (bot.tickets.Urgency values) as queue priorities.
URGENCY_PRIORITY = {"emergency": 4, "urgent": 3, "normal": 1, "self_help": 0}


def reason_for(code: str) -> Reason:
    """The reason with this code; unknown codes are refused so nothing is filed under a typo.

    Raises:
        ValueError: for an unknown code.
    """
    try:
        return REASONS[code]
    except KeyError:
        raise ValueError(f"unknown handoff reason {code!r} (known: {', '.join(sorted(REASONS))})") from None


def priority_of(code: str, urgency: str | None) -> int:
    return max(reason_for(code).priority, URGENCY_PRIORITY.get(urgency or "", 0))
