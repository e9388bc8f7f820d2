"""What the conversation asks of the app data: verify tenancy, tell a tenant their tickets.

The Rasa actions call these functions with plain values from the tracker; each call is
one database transaction. The engine is made on first use (never at import) from the
settings' `DATABASE_URL` and reused for the life of the action server.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.db import app_transaction
from bot.summary import describe_problem
from bot.tenants import Tenant, parse_house_number
from bot.ticket_messages import open_tickets_message, ticket_line
from bot.tickets import PART_OF_DAY_LABELS, open_tickets_for_tenant
from bot.verification import (
    Status,
    VerificationService,
    normalise_customer_number,
    parse_date_of_birth,
)


@dataclass(frozen=True)
class VerificationOutcome:
    """The result of one verification attempt, as the dialogue needs it."""

    status: str  # "verified", "failed" or "locked"
    attempts_left: int = 0


def clean_house_number(raw: str | None) -> str | None:
    """The house number as typed but checked (`12`, `12a`, `12-1`), or None."""
    if not raw or parse_house_number(raw.strip()) is None:
        return None
    return raw.strip()


def clean_extra_factor(raw: str | None) -> str | None:
    """A date of birth (as `YYYY-MM-DD`) or a customer number, or None if it is neither."""
    if not raw:
        return None
    birth = parse_date_of_birth(raw)
    if birth is not None:
        return birth.isoformat()
    number = normalise_customer_number(raw)
    return number if number and any(c.isdigit() for c in number) else None


def verify(
    database_url: str,
    *,
    conversation_id: str,
    sender: str | None,
    postcode: str,
    house_number: str,
    extra_factor: str,
) -> VerificationOutcome:
    """Check the answers; the same outcome whichever answer was wrong."""
    birth = parse_date_of_birth(extra_factor)
    with app_transaction(database_url) as session:
        result = VerificationService(session).check(
            conversation_id,
            sender,
            postcode=postcode,
            house_number=house_number,
            date_of_birth=birth,
            customer_number=None if birth else extra_factor,
        )
    status = {Status.VERIFIED: "verified", Status.LOCKED: "locked"}.get(result.status, "failed")
    return VerificationOutcome(status=status, attempts_left=result.attempts_left or 0)


def is_verified(database_url: str, *, conversation_id: str) -> bool:
    """Whether this conversation has verified a tenancy that is still valid."""
    with app_transaction(database_url) as session:
        return VerificationService(session).verified_tenant(conversation_id) is not None


def open_tickets_text(database_url: str, *, conversation_id: str) -> str | None:
    """The verified tenant's open tickets in plain Dutch; None if not verified."""
    with app_transaction(database_url) as session:
        tenant_id = VerificationService(session).verified_tenant(conversation_id)
        if tenant_id is None:
            return None
        tenant = session.get(Tenant, tenant_id)
        lines = [
            ticket_line(
                number=ticket.number,
                what=describe_problem(problem=ticket.problem, object_=ticket.object, room=ticket.room),
                status=ticket.status.value,
                planned_date=ticket.planned_date,
                part_of_day=PART_OF_DAY_LABELS.get(ticket.planned_part_of_day),
            )
            for ticket in open_tickets_for_tenant(session, tenant=tenant)
        ]
    return open_tickets_message(lines)
