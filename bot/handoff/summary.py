"""The bot's summary of a conversation for the agent who takes it over, so the tenant need not repeat."""

from __future__ import annotations

from collections.abc import Sequence

CATEGORY_LABELS = {
    "repair": "Reparatie",
    "nuisance": "Overlast",
    "payment_arrears": "Betalingsachterstand",
    "general": "Algemene vraag",
    "other": "Overig",
}
URGENCY_LABELS = {
    "emergency": "spoed",
    "urgent": "urgent",
    "normal": "normaal",
    "self_help": "zelf op te lossen",
}
MAX_QUOTES = 3
MAX_QUOTE = 300


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return f"“{text[:MAX_QUOTE]}…”" if len(text) > MAX_QUOTE else f"“{text}”"


def handoff_summary(
    *,
    category: str | None,
    understood: str | None = None,
    urgency: str | None = None,
    ticket_number: str | None = None,
    tenant_messages: Sequence[str] = (),
) -> str:
    """A few Dutch lines: topic, what the bot understood, urgency, ticket, and the tenant's last words."""
    lines = []
    if category in CATEGORY_LABELS:
        lines.append(f"Onderwerp: {CATEGORY_LABELS[category]}")
    if understood:
        lines.append(f"Begrepen: {understood}")
    if urgency in URGENCY_LABELS:
        lines.append(f"Urgentie volgens de bot: {URGENCY_LABELS[urgency]}")
    if ticket_number:
        lines.append(f"Melding: {ticket_number}")
    words = [message for message in tenant_messages if message.strip() and not message.startswith("/")]
    if words:
        lines.append("Laatste berichten: " + " ".join(_quote(message) for message in words[-MAX_QUOTES:]))
    return "\n".join(lines) or "Nog niets besproken."
