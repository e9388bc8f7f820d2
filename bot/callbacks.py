"""Promise a tenant that a colleague calls back: now during office hours, else the next working day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.db import app_transaction, utcnow
from bot.office_hours import OfficeHours
from bot.tenants import Tenant, normalise_phone
from bot.tickets import phone_from_sender, request_callback
from bot.verification import VerificationService

MAX_REASON = 500


@dataclass(frozen=True)
class CallbackPromise:
    """Whether a callback was registered, and when the tenant may expect it (Dutch)."""

    registered: bool
    when: str


def callback_when(office_hours: OfficeHours, now: datetime) -> str:
    """'vandaag nog' during office hours, else e.g. 'maandag 30 november vanaf 08:00'."""
    if office_hours.is_open(now):
        return "vandaag nog"
    return office_hours.describe_next_opening(now).replace(" om ", " vanaf ")


def promise_callback(
    database_url: str,
    *,
    conversation_id: str,
    sender: str | None,
    reason: str,
    office_hours: OfficeHours,
    phone: str | None = None,
    now: datetime | None = None,
) -> CallbackPromise:
    """Register a callback for the conversation's verified tenant or the number we can reach.

    The number is the one the tenant gave (`phone`), else the sender's own (WhatsApp).
    Without a tenant or a number nothing is registered, so the caller can ask for one.
    """
    now = now or utcnow()
    number = normalise_phone(phone) if phone else phone_from_sender(sender)
    with app_transaction(database_url) as session:
        tenant_id = VerificationService(session).verified_tenant(conversation_id)
        tenant = session.get(Tenant, tenant_id) if tenant_id is not None else None
        if tenant is None and number is None:
            return CallbackPromise(registered=False, when=callback_when(office_hours, now))
        request_callback(session, reason=reason.strip()[:MAX_REASON], tenant=tenant, phone=number, now=now)
    return CallbackPromise(registered=True, when=callback_when(office_hours, now))
