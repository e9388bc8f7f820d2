"""Escalation: warn a person at once when the bot must not decide alone.

Out of hours that is the on-call staff member (achterwacht) of the rota in
`data/routing.yml`, in office hours the customer-contact desk. They get a WhatsApp
message through the outbox with the reason, a summary and how to reach the tenant.
Reasons: a safety case (gas, fire, carbon monoxide), an outcome of a script that asks
for a person (an emergency the scripts do not cover, distress after a burglary), a
tenant who disagrees with the urgency, and an emergency without an on-call contractor.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Column, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Session

from bot.db import Base, UTCDateTime, app_transaction, utcnow
from bot.office_hours import OfficeHours
from bot.outbox import queue_message
from bot.routing import Routing

logger = logging.getLogger(__name__)

SAFETY = "safety"
DISPUTED_URGENCY = "disputed_urgency"
NO_ON_CALL_CONTRACTOR = "no_on_call_contractor"
# What the staff member reads; reasons a script names itself are shown as they are.
REASON_LABELS = {
    SAFETY: "veiligheid (gas, brand of koolmonoxide)",
    DISPUTED_URGENCY: "huurder is het niet eens met de urgentie",
    NO_ON_CALL_CONTRACTOR: "spoed zonder dienstdoende vakman",
    "unclear_danger": "mogelijk gevaar, geen script",
    "distress": "huurder is niet in orde (na inbraak)",
}
# The same reason for the same conversation within this window warns nobody twice.
REPEAT_WINDOW = timedelta(minutes=30)
MAX_WORDS_IN_ALERT = 300


class Escalation(Base):
    """One warning to the desk or the on-call staff member about one conversation."""

    __tablename__ = "escalations"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(128), nullable=False, index=True)
    channel = Column(String(32), nullable=False)
    reason = Column(String(64), nullable=False)
    # What the bot understood, as told to the tenant ("gaslucht in de keuken; ...").
    summary = Column(Text, nullable=False)
    ticket_id = Column(ForeignKey("tickets.id", ondelete="SET NULL"), nullable=True, index=True)
    staff_name = Column(String(120), nullable=False)
    staff_phone = Column(String(32), nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow, index=True)


@dataclass(frozen=True)
class Escalated:
    """What the tenant may hear: whether someone was warned now, and if it was the desk."""

    escalation_id: int
    new: bool
    during_office_hours: bool


def escalate(
    session: Session,
    *,
    routing: Routing,
    office_hours: OfficeHours,
    conversation_id: str,
    channel: str,
    reason: str,
    summary: str,
    tenant_words: str = "",
    ticket_id: int | None = None,
    ticket_number: str | None = None,
    now: datetime | None = None,
) -> Escalated:
    """Record the escalation and queue the staff member's message, in the caller's transaction."""
    now = now or utcnow()
    open_now = office_hours.is_open(now)
    earlier = _recent(session, conversation_id, reason, now)
    if earlier is not None:
        return Escalated(escalation_id=earlier.id, new=False, during_office_hours=open_now)
    contact = routing.contact_at(now, office_hours)
    escalation = Escalation(
        conversation_id=conversation_id,
        channel=channel,
        reason=reason,
        summary=summary,
        ticket_id=ticket_id,
        staff_name=contact.name,
        staff_phone=contact.phone,
        created_at=now,
    )
    session.add(escalation)
    session.flush()
    queue_message(
        session,
        ticket_id=ticket_id,
        tenant_id=None,
        channel="whatsapp",
        recipient=contact.phone,
        text=alert_text(
            reason=reason,
            summary=summary,
            channel=channel,
            conversation_id=conversation_id,
            tenant_words=tenant_words,
            ticket_number=ticket_number,
        ),
        now=now,
    )
    # No conversation id or words in the log: on WhatsApp the id is the phone number.
    logger.info(
        "escalation %s (%s) queued for the %s", escalation.id, reason, "desk" if open_now else "on-call staff"
    )
    return Escalated(escalation_id=escalation.id, new=True, during_office_hours=open_now)


def record_escalation(database_url: str, **fields) -> Escalated:
    """Escalate in its own transaction (for the actions)."""
    with app_transaction(database_url) as session:
        return escalate(session, **fields)


def _recent(session: Session, conversation_id: str, reason: str, now: datetime) -> Escalation | None:
    query = (
        select(Escalation)
        .where(
            Escalation.conversation_id == conversation_id,
            Escalation.reason == reason,
            Escalation.created_at >= now - REPEAT_WINDOW,
        )
        .order_by(Escalation.created_at.desc())
    )
    return session.scalars(query).first()


def alert_text(
    *,
    reason: str,
    summary: str,
    channel: str,
    conversation_id: str,
    tenant_words: str = "",
    ticket_number: str | None = None,
) -> str:
    """The staff member's WhatsApp message: why, what, and where to reach the tenant."""
    lines = [
        f"ESCALATIE: {REASON_LABELS.get(reason, reason.replace('_', ' '))}.",
        f"Wat de bot begreep: {summary}.",
        f"Huurder bereikbaar via {channel}: {conversation_id}.",
    ]
    if ticket_number:
        lines.append(f"Melding: {ticket_number}.")
    words = " ".join(tenant_words.split())
    if words:
        if len(words) > MAX_WORDS_IN_ALERT:
            words = words[: MAX_WORDS_IN_ALERT - 1].rstrip() + "…"
        lines.append(f'Huurder schreef: "{words}"')
    return "\n".join(lines)


__all__ = ["Escalated", "Escalation", "alert_text", "escalate", "record_escalation"]
