"""When a tenant is home, from their own words: weekdays and parts of the day."""

from __future__ import annotations

import re

from bot.triage.engine import normalise_text

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WORKING_DAYS = WEEKDAYS[:5]
DUTCH_DAY_NAMES = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
DAY_PATTERNS = {
    "monday": r"ma(andag|andags|a?ndag)?",
    "tuesday": r"di(nsdag|nsdags|sndag)?",
    "wednesday": r"wo(ensdag|ensdags|endag|ensag)?",
    "thursday": r"do(nderdag|nderdags|derdag)?",
    "friday": r"vr(ijdag|ijdags|ydag)?",
    "saturday": r"za(terdag|terdags)?",
    "sunday": r"zondags?",  # not "zo": far too common a word
}
PART_PATTERNS = {
    "morning": r"('?s ?)?(ochtends?|morgens?|voormiddag|am)",
    "afternoon": r"('?s ?)?(middags?|namiddag|pm)",
    "evening": r"('?s ?)?avonds?",
}
PART_LABELS = {"morning": "ochtend", "afternoon": "middag", "evening": "avond"}
ALWAYS = (
    r"(altijd|hele (dag|week)|elke dag|iedere dag|maakt (me |mij )?niet uit"
    r"|wanneer (jullie|u) (wilt|willen)|ben (altijd|de hele dag) thuis)"
)
WEEKDAYS_ONLY = (
    r"(doordeweeks|door de week|werkdagen|op werkdagen|ma(andag)? ?(t/m|tm|tot en met|-|tot) ?vr(ijdag)?)"
)


def _found(pattern: str, text: str) -> bool:
    return re.search(rf"(?<![\w]){pattern}(?![\w])", text) is not None


def parse_availability(text: str) -> dict | None:
    """The days and parts of the day in a reply like "ma en wo 's ochtends"; None if it names none.

    Returns `{"weekdays": [...], "parts_of_day": [...]}` with English keys; an empty list
    means "any". "altijd" or "maakt niet uit" gives two empty lists.
    """
    # Split compounds like "vrijdagmiddag" into "vrijdag middag".
    normalised = re.sub(r"dag(ochtend|middag|avond|morgen)", r"dag \1", normalise_text(text))
    days = [day for day, pattern in DAY_PATTERNS.items() if _found(pattern, normalised)]
    if _found(WEEKDAYS_ONLY, normalised):
        days = sorted(set(days) | set(WORKING_DAYS), key=WEEKDAYS.index)
    parts = [part for part, pattern in PART_PATTERNS.items() if _found(pattern, normalised)]
    if not days and not parts and not _found(ALWAYS, normalised):
        return None
    return {"weekdays": days, "parts_of_day": parts}


def describe_availability(availability: dict | None) -> str:
    """Dutch, e.g. 'op maandag en woensdag, in de ochtend'."""
    if not availability:
        return "wanneer het u uitkomt"
    days = [DUTCH_DAY_NAMES[WEEKDAYS.index(day)] for day in availability.get("weekdays", [])]
    parts = [PART_LABELS[part] for part in availability.get("parts_of_day", [])]
    if not days and not parts:
        return "op elk moment"
    pieces = []
    if days:
        pieces.append("op " + _join(days))
    if parts:
        pieces.append("in de " + _join(parts))
    return ", ".join(pieces)


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " en " + words[-1]
