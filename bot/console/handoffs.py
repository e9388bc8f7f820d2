"""What the console shows of handed-over conversations: the queue and one conversation's details.

Also the ticket work an agent does from a conversation: open a ticket for the tenant, or
move one of theirs on with a note.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.categories import Category
from bot.db import utcnow
from bot.handoff.models import ACTIVE_STATUSES, Handoff
from bot.handoff.reasons import REASONS
from bot.handoff.service import HandoffError
from bot.handoff.summary import CATEGORY_LABELS, URGENCY_LABELS
from bot.office_hours import OfficeHours
from bot.tenants import Tenant
from bot.tickets import (
    ALLOWED_TRANSITIONS,
    FINAL_STATUSES,
    ForbiddenTransition,
    Ticket,
    TicketStatus,
    Urgency,
    change_status,
    open_ticket,
)
from bot.trades import TRADE_LABELS, Trade

STATUS_LABELS = {
    "queued": "Wacht",
    "claimed": "Aangenomen",
    "handed_back": "Terug naar bot",
    "closed": "Gesloten",
}
TICKET_STATUS_LABELS = {
    "open": "Open",
    "planned": "Ingepland",
    "in_progress": "In behandeling",
    "done": "Klaar",
    "cancelled": "Geannuleerd",
}
AGENT_PROBLEM = "agent_intake"


@dataclass(frozen=True)
class TicketRow:
    """One of the tenant's unfinished tickets, with the statuses it may move to."""

    id: int
    number: str
    status: str
    status_label: str
    urgency: str
    description: str
    next_statuses: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class QueueRow:
    """One handed-over conversation as the queue and its page show it (local times, Dutch)."""

    id: int
    conversation_id: str
    channel: str
    # The tenant's address on that channel (a WhatsApp number can be called back).
    recipient: str
    status: str
    status_label: str
    claimed_by: str | None
    reason: str
    category: str
    urgency: str
    priority: int
    arrived: str
    waiting: str
    tenant: str | None
    address: str | None
    summary: str
    detail: str | None
    tickets: list[TicketRow]


def _waiting(since: datetime, now: datetime) -> str:
    minutes = max(int((now - since).total_seconds() // 60), 0)
    return f"{minutes} min" if minutes < 120 else f"{minutes // 60} uur"


def _ticket_row(ticket: Ticket) -> TicketRow:
    status = TicketStatus(ticket.status)
    return TicketRow(
        id=ticket.id,
        number=ticket.number,
        status=status.value,
        status_label=TICKET_STATUS_LABELS[status.value],
        urgency=URGENCY_LABELS.get(Urgency(ticket.urgency).value, ""),
        description=ticket.description or "",
        next_statuses=[
            (target.value, TICKET_STATUS_LABELS[target.value]) for target in ALLOWED_TRANSITIONS[status]
        ],
    )


def _open_tickets_by_tenant(session: Session, tenant_ids: set[int]) -> dict[int, list[TicketRow]]:
    """Every listed tenant's unfinished tickets, in one query."""
    if not tenant_ids:
        return {}
    query = (
        select(Ticket)
        .where(Ticket.tenant_id.in_(tenant_ids), Ticket.status.not_in(list(FINAL_STATUSES)))
        .order_by(Ticket.created_at, Ticket.id)
    )
    found: dict[int, list[TicketRow]] = defaultdict(list)
    for ticket in session.scalars(query):
        found[ticket.tenant_id].append(_ticket_row(ticket))
    return found


def _row(handoff: Handoff, tickets: list[TicketRow], office_hours: OfficeHours, now: datetime) -> QueueRow:
    tenant = handoff.tenant
    reason = REASONS.get(handoff.reason)
    return QueueRow(
        id=handoff.id,
        conversation_id=handoff.conversation_id,
        channel=handoff.channel,
        recipient=handoff.recipient,
        status=handoff.status,
        status_label=STATUS_LABELS.get(handoff.status, handoff.status),
        claimed_by=handoff.claimed_by,
        reason=reason.label if reason else handoff.reason,
        category=CATEGORY_LABELS.get(handoff.category or "", "–"),
        urgency=URGENCY_LABELS.get(handoff.urgency or "", "–"),
        priority=handoff.priority,
        arrived=f"{office_hours.local(handoff.created_at):%d-%m %H:%M}",
        waiting=_waiting(handoff.created_at, now),
        tenant=f"{tenant.name} ({tenant.customer_number})" if tenant else None,
        address=tenant.unit.address if tenant and tenant.unit else None,
        summary=handoff.summary,
        detail=handoff.detail,
        tickets=tickets,
    )


def queue_rows(session: Session, office_hours: OfficeHours, *, now: datetime | None = None) -> list[QueueRow]:
    """The conversations waiting for or with an agent: most pressing first, then longest waiting."""
    now = now or utcnow()
    query = (
        select(Handoff)
        .where(Handoff.status.in_(ACTIVE_STATUSES))
        .options(selectinload(Handoff.tenant).selectinload(Tenant.unit))
        .order_by(Handoff.priority.desc(), Handoff.created_at, Handoff.id)
    )
    handoffs = list(session.scalars(query))
    tickets = _open_tickets_by_tenant(session, {h.tenant_id for h in handoffs if h.tenant_id is not None})
    return [_row(handoff, tickets.get(handoff.tenant_id, []), office_hours, now) for handoff in handoffs]


def conversation_row(
    session: Session, handoff_id: int, office_hours: OfficeHours, *, now: datetime | None = None
) -> QueueRow | None:
    handoff = session.get(
        Handoff, handoff_id, options=[selectinload(Handoff.tenant).selectinload(Tenant.unit)]
    )
    if handoff is None:
        return None
    tickets = _open_tickets_by_tenant(session, {handoff.tenant_id} if handoff.tenant_id else set())
    return _row(handoff, tickets.get(handoff.tenant_id, []), office_hours, now or utcnow())


def ticket_choices() -> dict[str, list[tuple[str, str]]]:
    """The options of the console's ticket form: categories, trades and urgencies, with Dutch labels."""
    return {
        "categories": [(c.value, CATEGORY_LABELS[c.value]) for c in Category if c is not Category.OTHER],
        "trades": [(trade.value, TRADE_LABELS[trade]) for trade in Trade],
        "urgencies": [(u.value, URGENCY_LABELS[u.value]) for u in Urgency],
    }


def _tenant_of(session: Session, handoff: Handoff, customer_number: str | None) -> Tenant:
    if handoff.tenant is not None:
        return handoff.tenant
    number = (customer_number or "").strip().upper()
    tenant = (
        session.scalars(select(Tenant).where(Tenant.customer_number == number)).first() if number else None
    )
    if tenant is None:
        raise HandoffError("De huurder is niet geverifieerd: vul een bestaand klantnummer in.")
    return tenant


def open_ticket_for(
    session: Session,
    handoff_id: int,
    agent: str,
    *,
    category: str,
    trade: str | None,
    urgency: str,
    description: str,
    customer_number: str | None = None,
    now: datetime | None = None,
) -> Ticket:
    """Open a ticket for the conversation's tenant (the verified one, or the customer number given)."""
    handoff = session.get(Handoff, handoff_id)
    if handoff is None:
        raise HandoffError("Dit gesprek bestaat niet.")
    if not description.strip():
        raise HandoffError("Beschrijf wat er aan de hand is.")
    tenant = _tenant_of(session, handoff, customer_number)
    try:
        return open_ticket(
            session,
            category=category,
            problem=AGENT_PROBLEM,
            channel=handoff.channel,
            description=description.strip(),
            urgency=urgency,
            trade=trade or None,
            tenant=tenant,
            conversation_id=handoff.conversation_id,
            by=agent,
            now=now,
        )
    except ValueError as error:
        raise HandoffError(f"De melding klopt niet: {error}") from None


def update_ticket(
    session: Session, handoff_id: int, ticket_id: int, agent: str, *, status: str, note: str
) -> Ticket:
    """Move one of the conversation's tenant's tickets on, with the agent's note in its history."""
    handoff = session.get(Handoff, handoff_id)
    ticket = session.get(Ticket, ticket_id)
    if (
        handoff is None
        or ticket is None
        or handoff.tenant_id is None
        or ticket.tenant_id != handoff.tenant_id
    ):
        raise HandoffError("Deze melding hoort niet bij de huurder van dit gesprek.")
    try:
        change_status(session, ticket=ticket, to=status, by=agent, note=note.strip() or None)
    except (ForbiddenTransition, ValueError) as error:
        raise HandoffError(f"Dat kan niet: {error}") from None
    return ticket
