"""The callback list of the console: open requests with when we promised to call, marked done by agents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.db import utcnow
from bot.office_hours import WEEKDAYS, OfficeHours
from bot.tenants import Tenant
from bot.tickets import CallbackRequest


@dataclass(frozen=True)
class CallbackRow:
    """One open request as an agent sees it (local times, Dutch)."""

    id: int
    requested: str
    due: str
    overdue: bool
    phone: str | None
    tenant: str | None
    address: str | None
    reason: str


def callback_due(office_hours: OfficeHours, requested_at: datetime) -> datetime:
    """The end of the working day we promised: today's close in office hours, else the next working day's."""
    opening = office_hours.next_opening(requested_at)
    close = office_hours.days[WEEKDAYS[opening.weekday()]].close
    return opening.replace(hour=close.hour, minute=close.minute, second=0, microsecond=0)


def open_callbacks(
    session: Session, office_hours: OfficeHours, *, now: datetime | None = None
) -> list[CallbackRow]:
    """Open requests, the longest waiting first."""
    now = now or utcnow()
    query = (
        select(CallbackRequest)
        .where(CallbackRequest.handled_at.is_(None))
        .options(selectinload(CallbackRequest.tenant).selectinload(Tenant.unit))
        .order_by(CallbackRequest.requested_at, CallbackRequest.id)
    )
    rows = []
    for request in session.scalars(query):
        due = callback_due(office_hours, request.requested_at)
        tenant = request.tenant
        rows.append(
            CallbackRow(
                id=request.id,
                requested=f"{office_hours.local(request.requested_at):%d-%m %H:%M}",
                due=f"{due:%d-%m %H:%M}",
                overdue=due < office_hours.local(now),
                phone=request.phone or (tenant.phone_numbers[0] if tenant and tenant.phone_numbers else None),
                tenant=f"{tenant.name} ({tenant.customer_number})" if tenant else None,
                address=tenant.unit.address if tenant and tenant.unit else None,
                reason=request.reason,
            )
        )
    return rows


def mark_done(session: Session, *, request_id: int, by: str, now: datetime | None = None) -> bool:
    """Mark a request as called back; False if it does not exist or was done already."""
    request = session.get(CallbackRequest, request_id)
    if request is None or request.handled_at is not None:
        return False
    request.handled_at = now or utcnow()
    request.handled_by = by
    session.flush()
    return True
