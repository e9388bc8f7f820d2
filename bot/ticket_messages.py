"""What tenants read about their tickets: Dutch dates and the texts of status updates.

Plain functions of plain values, so the texts can be read and tested in one place.
Dates are written with our own Dutch names: the result never depends on the locale
of the machine (`strftime("%A")` would say "Tuesday" on most servers).
"""

from __future__ import annotations

from datetime import date

WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip
ASK_US = "Stuur ons dan een bericht."


def format_date(day: date) -> str:
    """A date as Dutch people write it in a message: `dinsdag 10 maart`."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]}"


def format_slot(day: date, part_of_day: str | None = None) -> str:
    """`dinsdag 10 maart (ochtend)`, or without the part of the day if it is not known."""
    return f"{format_date(day)} ({part_of_day})" if part_of_day else format_date(day)


def planned_message(
    *,
    number: str,
    planned_date: date | None,
    part_of_day: str | None = None,
    someone_home_required: bool = False,
) -> str:
    """The text for a ticket that was planned; `part_of_day` is its Dutch name (`ochtend`)."""
    if planned_date is None:
        return f"Goed nieuws: uw melding {number} is ingepland. Wij laten u nog weten wanneer."
    text = f"Goed nieuws: uw melding {number} is ingepland op {format_slot(planned_date, part_of_day)}."
    if someone_home_required:
        text += " Wilt u zorgen dat er dan iemand thuis is?"
    return f"{text} Komt het niet uit? {ASK_US}"


def done_message(*, number: str, original_number: str | None = None) -> str:
    """The text for a finished ticket, or for a duplicate whose original was finished."""
    if original_number is None:
        text = f"Uw melding {number} is afgerond."
    else:
        text = (
            f"Uw melding {number} is afgerond, samen met melding {original_number} over hetzelfde probleem."
        )
    return f"{text} Is het probleem nog niet opgelost? {ASK_US}"


def cancelled_message(*, number: str) -> str:
    """The text for a cancelled ticket."""
    return f"Uw melding {number} is geannuleerd. Heeft u nog steeds last van het probleem? {ASK_US}"


def duplicate_message(
    *, finished: bool, planned_date: date | None = None, part_of_day: str | None = None
) -> str:
    """What a tenant is told when their report was already made, by them or by a neighbour."""
    if finished:
        return "Dit probleem is kort geleden al bij ons gemeld en toen afgerond. Wij kijken er opnieuw naar."
    text = "Dit probleem is al bij ons gemeld en wordt opgepakt."
    if planned_date is not None:
        text += f" Het is ingepland op {format_slot(planned_date, part_of_day)}."
    return text


STATUS_PHRASES = {
    "open": "wij hebben uw melding ontvangen en plannen hem in",
    "in_progress": "er wordt aan gewerkt",
}


def ticket_line(
    *, number: str, what: str | None, status: str, planned_date: date | None, part_of_day: str | None
) -> str:
    """One open ticket in plain Dutch: `R-2026-000123 (lekkage bij de kraan): ingepland op ...`."""
    label = f"{number} ({what})" if what else number
    if status == "planned":
        when = format_slot(planned_date, part_of_day) if planned_date else "een datum die u nog van ons hoort"
        return f"{label}: ingepland op {when}"
    return f"{label}: {STATUS_PHRASES.get(status, status)}"


def open_tickets_message(lines: list[str]) -> str:
    """The answer to "hoe staat het met mijn melding?" for a verified tenant."""
    if not lines:
        return "U heeft op dit moment geen openstaande meldingen bij ons."
    if len(lines) == 1:
        return f"Dit is de stand van uw melding:\n- {lines[0]}"
    return "Dit is de stand van uw meldingen:\n" + "\n".join(f"- {line}" for line in lines)
