"""From a triaged conversation to a ticket: the summary the tenant confirms, then the ticket.

The dialogue collects the problem (triage), the room, the tenant's own words, photos and
when they are home; `draft_ticket` puts that together, `summary_text` says it back in one
short message, and `open_from_conversation` opens the ticket for the verified tenant,
links duplicates, alerts the on-call contractor for an emergency out of hours and says
when the tenant can expect us.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.availability import describe_availability
from bot.db import app_transaction, utcnow
from bot.duplicates import duplicate_notice, find_duplicate, original_of
from bot.escalation import NO_ON_CALL_CONTRACTOR, escalate
from bot.office_hours import OfficeHours
from bot.outbox import queue_message
from bot.routing import Routing
from bot.summary import ROOM_LABELS
from bot.tenants import SharedArea, Tenant
from bot.tickets import Contractor, Ticket, Urgency, open_ticket, open_tickets_for_tenant
from bot.trades import TRADE_LABELS, Trade
from bot.triage.schema import Outcome, Problem, TriageUrgency
from bot.verification import VerificationService

logger = logging.getLogger(__name__)

# Shared areas of a complex by the room the tenant named (codes as in the demo data and imports).
SHARED_AREA_FOR_ROOM = {
    "stairwell": "stairwell",
    "gallery": "gallery",
    "entrance": "entrance",
    "bin_area": "bin_room",
    "storage_room": "storage",
    "lift_lobby": "lift",
}
URGENCY_PHRASES = {
    Urgency.EMERGENCY: "dit is spoed",
    Urgency.URGENT: "dit moet snel opgelost worden",
    Urgency.NORMAL: "dit plannen we met u in",
}
MAX_DESCRIPTION = 1000


@dataclass(frozen=True)
class TicketDraft:
    """Everything a ticket needs from the conversation, before the tenant confirms it."""

    problem_id: str
    problem_name: str
    urgency: Urgency
    trade: Trade | None
    category: str = "repair"
    object_: str | None = None
    room: str | None = None
    description: str = ""
    photos: tuple[str, ...] = ()
    availability: dict | None = None
    shared_area: bool = False
    answers: dict = field(default_factory=dict)

    @property
    def someone_home_required(self) -> bool:
        return not self.shared_area

    def to_slot(self) -> dict:
        return {
            "problem_id": self.problem_id,
            "problem_name": self.problem_name,
            "urgency": self.urgency.value,
            "trade": self.trade.value if self.trade else None,
            "category": self.category,
            "object": self.object_,
            "room": self.room,
            "description": self.description,
            "photos": list(self.photos),
            "availability": self.availability,
            "shared_area": self.shared_area,
            "answers": dict(self.answers),
        }

    @classmethod
    def from_slot(cls, value: dict) -> TicketDraft:
        return cls(
            problem_id=value["problem_id"],
            problem_name=value["problem_name"],
            urgency=Urgency(value["urgency"]),
            trade=Trade(value["trade"]) if value.get("trade") else None,
            category=value.get("category") or "repair",
            object_=value.get("object"),
            room=value.get("room"),
            description=value.get("description") or "",
            photos=tuple(value.get("photos") or ()),
            availability=value.get("availability"),
            shared_area=bool(value.get("shared_area")),
            answers=dict(value.get("answers") or {}),
        )


def ticket_urgency(outcome: Outcome) -> Urgency:
    """A triage outcome's ticket urgency: self-help that did not work is planned normally."""
    if outcome.urgency is TriageUrgency.SELF_HELP:
        return Urgency.NORMAL
    return Urgency(outcome.urgency.value)


def draft_ticket(
    problem: Problem,
    outcome: Outcome,
    *,
    answers: dict,
    room: str | None = None,
    object_: str | None = None,
    description: str = "",
    photos: tuple[str, ...] = (),
) -> TicketDraft:
    """The ticket a decided triage leads to; self-help that failed becomes a normal repair."""
    trade = Trade(outcome.trade.value) if outcome.trade else None
    if trade is None and outcome.urgency is TriageUrgency.SELF_HELP:
        trade = Trade.GENERAL
    return TicketDraft(
        problem_id=problem.id,
        problem_name=problem.name,
        urgency=ticket_urgency(outcome),
        trade=trade,
        category=problem.category,
        object_=object_,
        room=room,
        description=description.strip()[:MAX_DESCRIPTION],
        photos=photos,
        shared_area=problem.shared_area,
        answers=answers,
    )


def summary_text(draft: TicketDraft) -> str:
    """What we understood, in one short Dutch sentence (without "Dus als ik het goed begrijp")."""
    what = draft.problem_name
    if draft.room and draft.room in ROOM_LABELS:
        what += f" {ROOM_LABELS[draft.room]}"
    text = f"{what}; {URGENCY_PHRASES[draft.urgency]}"
    if draft.trade is not None:
        text += f" en er komt een {TRADE_LABELS[draft.trade]}"
    if draft.someone_home_required and draft.urgency is not Urgency.EMERGENCY:
        text += f". U bent thuis {describe_availability(draft.availability)}"
    if draft.photos:
        text += ". Uw foto sturen we mee" if len(draft.photos) == 1 else ". Uw foto's sturen we mee"
    return text


@dataclass(frozen=True)
class OpenedTicket:
    """What the tenant hears after the ticket is made."""

    number: str
    handling_time: str
    duplicate_text: str | None = None
    on_call_alerted: bool = False


def open_from_conversation(
    database_url: str,
    *,
    draft: TicketDraft,
    conversation_id: str,
    channel: str,
    office_hours: OfficeHours,
    routing: Routing | None = None,
    now: datetime | None = None,
) -> OpenedTicket | None:
    """Open the ticket for the conversation's verified tenant; None when nobody is verified.

    A shared-area problem that is already reported in the complex, or the same tenant's
    report of the same problem within 14 days, is linked to the original ticket and the
    tenant hears it is known, without anything about the neighbour who reported it.
    An emergency out of hours alerts the on-call contractor of its trade; when there is
    none, the on-call staff member of `routing` is warned instead.
    """
    now = now or utcnow()
    with app_transaction(database_url) as session:
        tenant_id = VerificationService(session).verified_tenant(conversation_id)
        if tenant_id is None:
            return None
        tenant = session.get(Tenant, tenant_id)
        shared_area = _shared_area(session, tenant, draft) if draft.shared_area else None
        original = find_duplicate(
            session,
            tenant=tenant,
            problem=draft.problem_id,
            shared_area=shared_area,
            object_=draft.object_,
            room=draft.room,
            now=now,
        )
        ticket = open_ticket(
            session,
            category=draft.category,
            problem=draft.problem_id,
            object_=draft.object_,
            room=draft.room,
            description=draft.description,
            urgency=draft.urgency,
            trade=draft.trade,
            tenant=tenant,
            shared_area=shared_area,
            channel=channel,
            conversation_id=conversation_id,
            photos=draft.photos,
            availability=draft.availability,
            someone_home_required=draft.someone_home_required,
            duplicate_of=original,
            now=now,
        )
        alerted = False
        if original is None and draft.urgency is Urgency.EMERGENCY and not office_hours.is_open(now):
            alerted = alert_on_call(session, ticket, now=now)
            if not alerted and routing is not None:
                escalate(
                    session,
                    routing=routing,
                    office_hours=office_hours,
                    conversation_id=conversation_id,
                    channel=channel,
                    reason=NO_ON_CALL_CONTRACTOR,
                    summary=summary_text(draft),
                    tenant_words=draft.description,
                    ticket_id=ticket.id,
                    ticket_number=ticket.number,
                    now=now,
                )
        duplicate_text = duplicate_notice(original_of(original)).text if original is not None else None
        return OpenedTicket(
            number=ticket.number,
            handling_time=handling_time(draft.urgency, office_hours, now=now, on_call_alerted=alerted),
            duplicate_text=duplicate_text,
            on_call_alerted=alerted,
        )


def attach_to_last_open_ticket(database_url: str, *, conversation_id: str, photos: list[str]) -> str | None:
    """Add photos to the verified tenant's most recent open ticket; its number, or None."""
    with app_transaction(database_url) as session:
        tenant_id = VerificationService(session).verified_tenant(conversation_id)
        if tenant_id is None:
            return None
        tickets = open_tickets_for_tenant(session, tenant=session.get(Tenant, tenant_id))
        if not tickets:
            return None
        ticket = tickets[-1]
        ticket.photos = [*ticket.photos, *(url for url in photos if url not in ticket.photos)]
        return ticket.number


def _shared_area(session: Session, tenant: Tenant, draft: TicketDraft) -> SharedArea | None:
    """The shared area of the tenant's complex the problem is in, by room or by the lift."""
    code = SHARED_AREA_FOR_ROOM.get(draft.room or "")
    if code is None and (draft.object_ == "lift" or draft.problem_id.startswith("lift")):
        code = "lift"
    if code is None or tenant.unit is None:
        return None
    query = select(SharedArea).where(SharedArea.complex_id == tenant.unit.complex_id, SharedArea.code == code)
    return session.scalars(query).first()


def handling_time(
    urgency: Urgency, office_hours: OfficeHours, *, now: datetime, on_call_alerted: bool
) -> str:
    """When the tenant can expect us, in Dutch; out of hours it says when we are back."""
    text = office_hours.handling_times[urgency.value]
    if urgency is Urgency.EMERGENCY:
        if on_call_alerted:
            return f"{text} Wij hebben de dienstdoende vakman nu gewaarschuwd."
        return text
    if not office_hours.is_open(now):
        return (
            f"{text} Wij zijn er weer {office_hours.describe_next_opening(now)}; dan pakken we uw melding op."
        )
    return text


def alert_on_call(session: Session, ticket: Ticket, *, now: datetime) -> bool:
    """Queue a message to the on-call contractor of the ticket's trade for its complex.

    Returns False when there is none, so the caller can escalate to the on-call staff.
    """
    contractor = on_call_contractor(session, ticket)
    if contractor is None:
        logger.warning(
            "no on-call contractor for emergency ticket %s (trade %s)",
            ticket.number,
            ticket.trade.value if ticket.trade else "none",
        )
        return False
    queue_message(
        session,
        ticket_id=ticket.id,
        tenant_id=None,
        channel="whatsapp",
        recipient=contractor.phone,
        text=contractor_alert_text(ticket),
        now=now,
    )
    logger.info(
        "on-call contractor alerted for emergency ticket %s (trade %s)", ticket.number, ticket.trade.value
    )
    return True


def on_call_contractor(session: Session, ticket: Ticket) -> Contractor | None:
    """The on-call contractor of the ticket's trade who works for its complex (or for all)."""
    if ticket.trade is None:
        return None
    query = select(Contractor).where(Contractor.trade == ticket.trade, Contractor.on_call.is_(True))
    candidates = list(session.scalars(query.order_by(Contractor.id)))
    for contractor in candidates:
        if not contractor.complexes or ticket.complex in contractor.complexes:
            return contractor
    return None


def contractor_alert_text(ticket: Ticket) -> str:
    """The contractor's message: what, where and the ticket number; they need the address to go."""
    where = ticket.unit.address if ticket.unit is not None else ""
    if ticket.shared_area is not None:
        where = f"{ticket.shared_area.name}, {ticket.complex.name}"
    return (
        f"SPOED {ticket.number}: {ticket.problem} ({ticket.trade.value}) op {where}. "
        "De contactgegevens van de huurder staan bij de melding."
    )


__all__ = ["OpenedTicket", "TicketDraft", "draft_ticket", "open_from_conversation", "summary_text"]
