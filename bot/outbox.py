"""The outbox: messages for tenants and staff, recorded in the transaction that caused them.

A status change and the message about it commit or roll back together, so a tenant is
never told about a change that did not happen. Nothing delivers these messages yet:
sending them over WhatsApp and the other channels is the channels' work, which will
read `pending_outbox` and report back with `mark_sent` or `mark_failed`. Until then
this is only a record of what we would have sent, and to whom.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Session

from bot.db import Base, UTCDateTime, utcnow

# A message that failed this often is left for a person to look at.
MAX_ATTEMPTS = 5


class OutboxMessage(Base):
    """One message for one tenant about one ticket, waiting to be sent or sent."""

    __tablename__ = "outbox_messages"

    id = Column(Integer, primary_key=True)
    # The ticket it is about; none for a warning to staff before a ticket exists.
    ticket_id = Column(ForeignKey("tickets.id", ondelete="CASCADE"), nullable=True, index=True)
    tenant_id = Column(ForeignKey("tenants.id", ondelete="SET NULL"), nullable=True, index=True)
    # The channel to send on (`whatsapp`, `messenger`, ...) and the address there:
    # a phone number in E.164 for WhatsApp, the channel's user id otherwise.
    channel = Column(String(32), nullable=False)
    recipient = Column(String(128), nullable=False)
    # Dutch, as the tenant will read it.
    text = Column(Text, nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    sent_at = Column(UTCDateTime, nullable=True, index=True)
    attempts = Column(Integer, nullable=False, default=0)
    last_error = Column(Text, nullable=True)

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None

    def __repr__(self) -> str:
        state = "sent" if self.is_sent else f"pending, {self.attempts} attempt(s)"
        return f"<OutboxMessage {self.id} {self.channel} ({state})>"


def queue_message(
    session: Session,
    *,
    ticket_id: int | None,
    tenant_id: int | None,
    channel: str,
    recipient: str,
    text: str,
    now: datetime | None = None,
) -> OutboxMessage:
    """Record a message to send, in the caller's transaction."""
    message = OutboxMessage(
        ticket_id=ticket_id,
        tenant_id=tenant_id,
        channel=channel,
        recipient=recipient,
        text=text,
        created_at=now or utcnow(),
        attempts=0,
    )
    session.add(message)
    session.flush()
    return message


def pending_outbox(
    session: Session, limit: int = 50, *, max_attempts: int = MAX_ATTEMPTS
) -> list[OutboxMessage]:
    """Messages not sent yet and not given up on, oldest first.

    The rows stay locked until the caller's transaction ends, so two senders never take
    the same message: PostgreSQL skips rows another sender holds (`SKIP LOCKED`), SQLite
    lets one writer in at a time (see `bot.db`). Mark each message before committing.
    """
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < max_attempts)
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(session.scalars(query))


def mark_sent(session: Session, *, message: OutboxMessage, now: datetime | None = None) -> None:
    """Record that `message` was delivered to the channel.

    Raises:
        ValueError: if it was marked sent before.
    """
    if message.is_sent:
        raise ValueError(f"outbox message {message.id} was already sent at {message.sent_at.isoformat()}")
    message.attempts += 1
    message.sent_at = now or utcnow()
    message.last_error = None
    session.flush()


def mark_failed(session: Session, *, message: OutboxMessage, error: str) -> None:
    """Record a failed attempt; after `MAX_ATTEMPTS` the message is no longer pending.

    Raises:
        ValueError: if it was marked sent before.
    """
    if message.is_sent:
        raise ValueError(f"outbox message {message.id} was already sent at {message.sent_at.isoformat()}")
    message.attempts += 1
    message.last_error = error
    session.flush()
