"""Handing a conversation to a person and what agents do with it: claim, reply, note, hand back, close.

During office hours, with an agent at work, the conversation joins the console's queue
and the bot stays silent in it (Rasa's pause, re-applied at every new session by
`actions/handoff.py`) until an agent hands it back or closes it. Otherwise the tenant
gets a callback on the next working day. Every handoff is recorded with its reason.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.db import utcnow
from bot.handoff.models import (
    ACTIVE_STATUSES,
    CLAIMED,
    CLOSED,
    HANDED_BACK,
    QUEUED,
    AgentMessage,
    Handoff,
    HandoffNote,
)
from bot.handoff.reasons import priority_of, reason_for
from bot.office_hours import OfficeHours
from bot.outbox import queue_message
from bot.tenants import Tenant
from bot.tickets import phone_from_sender, request_callback
from bot.verification import VerificationService

CALLBACK = "callback"
# Channels whose outbox messages a sender delivers (bot.channels.delivery.senders_for).
REPLYABLE_CHANNELS = ("whatsapp", "messenger")
# A console session used this recently counts as an agent at work.
AGENT_PRESENCE = timedelta(minutes=15)
DEFAULT_MINUTES_PER_TENANT = 5
WAIT_SAMPLES = 30
WAIT_SAMPLE_PERIOD = timedelta(days=7)
MIN_WAIT_SAMPLES = 3
MAX_TEXT = 4000
MAX_DETAIL = 1000
OUTCOMES = {
    "resolved": "Opgelost in het gesprek",
    "ticket": "Melding gemaakt of bijgewerkt",
    "callback": "Terugbelafspraak gemaakt",
    "referred": "Doorverwezen (schuldhulp, wijkteam, politie)",
    "no_reply": "Huurder reageerde niet meer",
}


class HandoffError(ValueError):
    """An agent's action that does not fit the handoff's state; the message is Dutch, for the console."""


@dataclass(frozen=True)
class HandoffRequest:
    """What the bot knows when it hands a conversation over."""

    conversation_id: str
    channel: str
    reason: str
    summary: str
    detail: str | None = None
    category: str | None = None
    urgency: str | None = None


@dataclass(frozen=True)
class HandoffDecision:
    """What happened: queued (position, wait), a callback (when), or a number is needed first."""

    kind: str  # "queued", "callback" or "need_phone"
    handoff_id: int | None = None
    position: int | None = None
    wait: str | None = None
    # What a colleague calls back about (the callback list shows it).
    callback_reason: str | None = None


def recipient_for(channel: str, conversation_id: str) -> str:
    """The tenant's address on their channel: the phone number on WhatsApp, else the sender id."""
    if channel == "whatsapp":
        return phone_from_sender(conversation_id) or conversation_id
    return conversation_id


def active_handoff(session: Session, conversation_id: str) -> Handoff | None:
    query = select(Handoff).where(
        Handoff.conversation_id == conversation_id, Handoff.status.in_(ACTIVE_STATUSES)
    )
    return session.scalars(query.order_by(Handoff.id.desc())).first()


def agents_at_work(session: Session, now: datetime) -> int:
    """How many console users made a request in the last quarter of an hour."""
    from bot.console.sessions import ConsoleSession

    query = select(func.count(func.distinct(ConsoleSession.user_id))).where(
        ConsoleSession.last_seen_at >= now - AGENT_PRESENCE, ConsoleSession.expires_at > now
    )
    return session.scalar(query) or 0


def queue_position(session: Session, handoff: Handoff) -> int:
    """1 for the first in line: queued handoffs ahead by priority, then by arrival."""
    ahead = select(func.count(Handoff.id)).where(
        Handoff.status == QUEUED,
        Handoff.id != handoff.id,
        (Handoff.priority > handoff.priority)
        | ((Handoff.priority == handoff.priority) & (Handoff.created_at <= handoff.created_at)),
    )
    return (session.scalar(ahead) or 0) + 1


def minutes_per_tenant(session: Session, now: datetime) -> float:
    """The median wait from handoff to claim over the last week's claims, or a default."""
    query = (
        select(Handoff.created_at, Handoff.claimed_at)
        .where(Handoff.claimed_at.is_not(None), Handoff.claimed_at >= now - WAIT_SAMPLE_PERIOD)
        .order_by(Handoff.claimed_at.desc())
        .limit(WAIT_SAMPLES)
    )
    waits = [(claimed - created).total_seconds() / 60 for created, claimed in session.execute(query)]
    if len(waits) < MIN_WAIT_SAMPLES:
        return DEFAULT_MINUTES_PER_TENANT
    return max(statistics.median(waits), 1.0)


def describe_wait(minutes: float) -> str:
    """A rough wait in Dutch words: 'een paar minuten', 'ongeveer 10 minuten', 'ongeveer een uur'."""
    if minutes <= 3:
        return "een paar minuten"
    if minutes < 55:
        return f"ongeveer {max(5, round(minutes / 5) * 5)} minuten"
    if minutes < 90:
        return "ongeveer een uur"
    return f"ongeveer {round(minutes / 60)} uur"


def hand_over(
    session: Session, request: HandoffRequest, *, office_hours: OfficeHours, now: datetime | None = None
) -> HandoffDecision:
    """Queue the conversation for an agent, or register a callback when nobody can take it now.

    A conversation already in the queue keeps its place. Raises ValueError for an
    unknown reason code.
    """
    now = now or utcnow()
    reason_for(request.reason)
    existing = active_handoff(session, request.conversation_id)
    if existing is not None:
        return _queued(session, existing, now)
    tenant_id = VerificationService(session).verified_tenant(request.conversation_id)
    agents = agents_at_work(session, now) if office_hours.is_open(now) else 0
    handoff = Handoff(
        conversation_id=request.conversation_id,
        channel=request.channel,
        recipient=recipient_for(request.channel, request.conversation_id),
        reason=request.reason,
        detail=(request.detail or "").strip()[:MAX_DETAIL] or None,
        category=request.category,
        urgency=request.urgency,
        priority=priority_of(request.reason, request.urgency),
        summary=request.summary.strip(),
        tenant_id=tenant_id,
        status=QUEUED if agents else CALLBACK,
        created_at=now,
    )
    session.add(handoff)
    session.flush()
    if agents:
        return _queued(session, handoff, now)
    return _callback(session, handoff, now)


def _queued(session: Session, handoff: Handoff, now: datetime) -> HandoffDecision:
    """The queue place and wait; a conversation an agent already took is first in line."""
    position = queue_position(session, handoff) if handoff.status == QUEUED else 1
    agents = max(agents_at_work(session, now), 1)
    minutes = minutes_per_tenant(session, now) * position / agents
    return HandoffDecision("queued", handoff.id, position, describe_wait(minutes))


def callback_reason(handoff: Handoff) -> str:
    """The reason as the callback list shows it: the label, and the tenant's words if any."""
    label = reason_for(handoff.reason).label
    return f"{label}: {handoff.detail}" if handoff.detail else label


def _callback(session: Session, handoff: Handoff, now: datetime) -> HandoffDecision:
    """A callback for the verified tenant or the WhatsApp number; without either, ask for a number."""
    tenant = session.get(Tenant, handoff.tenant_id) if handoff.tenant_id is not None else None
    phone = phone_from_sender(handoff.conversation_id)
    reason = callback_reason(handoff)
    if tenant is None and phone is None:
        return HandoffDecision("need_phone", handoff.id, callback_reason=reason)
    request_callback(session, reason=reason, tenant=tenant, phone=phone, now=now)
    return HandoffDecision("callback", handoff.id, callback_reason=reason)


def _for_agent(session: Session, handoff_id: int, agent: str) -> Handoff:
    """The handoff, if this agent has claimed it and it is still active (locked for the change)."""
    handoff = session.get(Handoff, handoff_id, with_for_update=True)
    if handoff is None:
        raise HandoffError("Dit gesprek bestaat niet.")
    if handoff.status != CLAIMED or handoff.claimed_by != agent:
        raise HandoffError("Neem dit gesprek eerst zelf aan.")
    return handoff


def conversation_of(session: Session, handoff_id: int, agent: str) -> str:
    """The conversation of a handoff this agent has claimed, before handing it back or closing it.

    Raises:
        HandoffError: when it is not this agent's to end.
    """
    return _for_agent(session, handoff_id, agent).conversation_id


def claim(session: Session, handoff_id: int, agent: str, now: datetime | None = None) -> Handoff:
    """Take a queued conversation; a conversation someone else took first is refused.

    One conditional UPDATE decides, so two agents claiming at once cannot both win.
    """
    now = now or utcnow()
    taken = session.execute(
        update(Handoff)
        .where(Handoff.id == handoff_id, Handoff.status == QUEUED)
        .values(status=CLAIMED, claimed_by=agent, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    handoff = session.get(Handoff, handoff_id, populate_existing=True)
    if handoff is None:
        raise HandoffError("Dit gesprek bestaat niet.")
    if taken.rowcount != 1:
        who = f" door {handoff.claimed_by}" if handoff.claimed_by else ""
        raise HandoffError(f"Dit gesprek is al aangenomen{who}.")
    return handoff


def reply(
    session: Session, handoff_id: int, agent: str, text: str, now: datetime | None = None
) -> AgentMessage:
    """Send the agent's words to the tenant on their own channel (through the outbox)."""
    handoff = _for_agent(session, handoff_id, agent)
    text = text.strip()
    if not text:
        raise HandoffError("Typ eerst een bericht.")
    if len(text) > MAX_TEXT:
        raise HandoffError(f"Een bericht mag hoogstens {MAX_TEXT} tekens hebben.")
    if handoff.channel not in REPLYABLE_CHANNELS:
        raise HandoffError(f"Via het kanaal '{handoff.channel}' kunnen wij geen antwoord sturen.")
    now = now or utcnow()
    outgoing = queue_message(
        session,
        ticket_id=None,
        tenant_id=handoff.tenant_id,
        channel=handoff.channel,
        recipient=handoff.recipient,
        text=text,
        conversation_id=handoff.conversation_id,
        now=now,
    )
    message = AgentMessage(
        handoff_id=handoff.id, author=agent, text=text, outbox_id=outgoing.id, created_at=now
    )
    session.add(message)
    session.flush()
    return message


def add_note(
    session: Session, handoff_id: int, agent: str, text: str, now: datetime | None = None
) -> HandoffNote:
    """An internal note; any agent may add one, claimed or not."""
    text = text.strip()
    if not text:
        raise HandoffError("Een notitie mag niet leeg zijn.")
    if session.get(Handoff, handoff_id) is None:
        raise HandoffError("Dit gesprek bestaat niet.")
    note = HandoffNote(handoff_id=handoff_id, author=agent, text=text[:MAX_TEXT], created_at=now or utcnow())
    session.add(note)
    session.flush()
    return note


def hand_back(session: Session, handoff_id: int, agent: str, now: datetime | None = None) -> Handoff:
    """The bot takes the conversation again (the caller resumes it in Rasa)."""
    handoff = _for_agent(session, handoff_id, agent)
    handoff.status, handoff.ended_by, handoff.ended_at = HANDED_BACK, agent, now or utcnow()
    return handoff


def close(
    session: Session, handoff_id: int, agent: str, outcome: str, now: datetime | None = None
) -> Handoff:
    """End the handoff with an outcome; the bot answers the tenant's next message again."""
    if outcome not in OUTCOMES:
        raise HandoffError("Kies hoe het gesprek is afgelopen.")
    handoff = _for_agent(session, handoff_id, agent)
    handoff.status, handoff.outcome = CLOSED, outcome
    handoff.ended_by, handoff.ended_at = agent, now or utcnow()
    return handoff
