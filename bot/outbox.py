"""The outbox: every message we send, recorded in the transaction that caused it.

A status change and the message about it commit or roll back together, so a tenant is
never told about a change that did not happen. The bot's own replies on WhatsApp and
Messenger go through here too. `bot.channels.delivery` sends what is due: it claims a
batch (`claim_due`), sends outside any transaction, and records the outcome
(`mark_sent`, `mark_failed` with back-off). Delivery statuses the channel reports
later (delivered, read, failed) are stored with `record_status`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Integer, String, Text, func, or_, select
from sqlalchemy.orm import Session

from bot.db import Base, UTCDateTime, utcnow

# A message that failed this often is left for a person to look at.
MAX_ATTEMPTS = 5
# Wait after the 1st, 2nd, ... failed attempt (seconds): a short outage heals unnoticed,
# a long one is retried for about 40 minutes before a person has to look.
BACKOFF_SECONDS = (10, 60, 300, 1800)
# How long a sender may take before a claimed message is free for another sender.
CLAIM_SECONDS = 120
# Statuses: `pending` until sent; then the channel's own (`sent`, `delivered`, `read`,
# `failed`, `undelivered`); `refused` when we may not send it (WhatsApp's 24-hour rule)
# and `given_up` after MAX_ATTEMPTS.
FINAL_FAILURES = ("failed", "undelivered", "refused", "given_up")


class OutboxMessage(Base):
    """One message for one tenant about one ticket, waiting to be sent or sent."""

    __tablename__ = "outbox_messages"

    id = Column(Integer, primary_key=True)
    # The ticket it is about; none for a warning to staff before a ticket exists.
    ticket_id = Column(ForeignKey("tickets.id", ondelete="CASCADE"), nullable=True, index=True)
    tenant_id = Column(ForeignKey("tenants.id", ondelete="SET NULL"), nullable=True, index=True)
    # The conversation a bot reply belongs to (its Rasa sender id); none for notices.
    conversation_id = Column(String(128), nullable=True)
    # The channel to send on (`whatsapp`, `messenger`, ...) and the address there:
    # a phone number in E.164 for WhatsApp, the channel's user id otherwise.
    channel = Column(String(32), nullable=False)
    recipient = Column(String(128), nullable=False, index=True)
    # Dutch, as the tenant will read it (buttons already written out as a numbered list).
    text = Column(Text, nullable=False)
    media_url = Column(Text, nullable=True)
    # The buttons offered, [{"title", "payload"}], so a reply "2" can be mapped back.
    buttons = Column(JSON(none_as_null=True), nullable=True)
    status = Column(String(20), nullable=False, default="pending", server_default="pending", index=True)
    status_at = Column(UTCDateTime, nullable=True)
    # The channel's id of the sent message (Twilio's MessageSid, Meta's message_id).
    provider_id = Column(String(64), nullable=True, index=True)
    # Not before this moment: a claim by a sender, or the back-off after a failure.
    next_attempt_at = Column(UTCDateTime, nullable=True)
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
    conversation_id: str | None = None,
    media_url: str | None = None,
    buttons: list[dict] | None = None,
    now: datetime | None = None,
) -> OutboxMessage:
    """Record a message to send, in the caller's transaction."""
    message = OutboxMessage(
        ticket_id=ticket_id,
        tenant_id=tenant_id,
        conversation_id=conversation_id,
        channel=channel,
        recipient=recipient,
        text=text,
        media_url=media_url,
        buttons=buttons or None,
        status="pending",
        created_at=now or utcnow(),
        attempts=0,
    )
    session.add(message)
    session.flush()
    return message


def queue_replies(
    sessions, *, channel: str, recipient: str, conversation_id: str, rows: list[dict[str, Any]]
) -> None:
    """Queue a bot reply's rows (`text`, optional `media_url` and `buttons`) in one transaction."""
    from bot.db import transaction

    with transaction(sessions) as session:
        for row in rows:
            queue_message(
                session,
                ticket_id=None,
                tenant_id=None,
                channel=channel,
                recipient=recipient,
                conversation_id=conversation_id,
                text=row["text"],
                media_url=row.get("media_url"),
                buttons=row.get("buttons"),
            )


def _oldest_first(query, limit: int):
    """The query in queue order, its rows locked for this transaction; others skip them.

    PostgreSQL skips rows another sender holds (`SKIP LOCKED`); SQLite lets one writer in at
    a time (see `bot.db`).
    """
    return (
        query.order_by(OutboxMessage.created_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )


def pending_outbox(
    session: Session, limit: int = 50, *, max_attempts: int = MAX_ATTEMPTS
) -> list[OutboxMessage]:
    """Messages not sent yet and not given up on, oldest first, locked until the transaction ends."""
    query = select(OutboxMessage).where(
        OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < max_attempts
    )
    return list(session.scalars(_oldest_first(query, limit)))


def claim_due(
    session: Session, *, channels: tuple[str, ...], now: datetime, limit: int = 20
) -> list[OutboxMessage]:
    """Take the messages due for these channels, oldest first, for one sender for a while.

    Commit right after: the claim (`next_attempt_at` moved on) keeps other senders off
    while this one sends outside the transaction; if it dies, the claim runs out.
    """
    query = select(OutboxMessage).where(
        OutboxMessage.status == "pending",
        OutboxMessage.channel.in_(channels),
        or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
    )
    messages = list(session.scalars(_oldest_first(query, limit)))
    for message in messages:
        message.next_attempt_at = now + timedelta(seconds=CLAIM_SECONDS)
    session.flush()
    return messages


def release_claims(session: Session, *, message_ids: list[int], now: datetime) -> int:
    """Hand claimed messages that were not tried back to the queue, due at once; how many."""
    query = select(OutboxMessage).where(OutboxMessage.id.in_(message_ids), OutboxMessage.status == "pending")
    released = list(session.scalars(query))
    for message in released:
        message.next_attempt_at = now
    session.flush()
    return len(released)


def mark_sent(
    session: Session, *, message: OutboxMessage, now: datetime | None = None, provider_id: str | None = None
) -> None:
    """The channel took `message`; its own id (`provider_id`) comes back with later statuses.

    Raises:
        ValueError: if it was marked sent before.
    """
    _refuse_if_sent(message)
    message.attempts += 1
    message.sent_at = now or utcnow()
    message.status = "sent"
    message.status_at = message.sent_at
    message.provider_id = provider_id
    message.next_attempt_at = None
    message.last_error = None
    session.flush()


def mark_failed(
    session: Session,
    *,
    message: OutboxMessage,
    error: str,
    now: datetime | None = None,
    retry: bool = True,
    retry_after: float | None = None,
) -> None:
    """A failed attempt: try again after the back-off, or stop (not retryable, or `MAX_ATTEMPTS` tries).

    Raises:
        ValueError: if it was marked sent before.
    """
    _refuse_if_sent(message)
    now = now or utcnow()
    message.attempts += 1
    message.last_error = error[:2000]
    if not retry:
        message.status, message.status_at, message.next_attempt_at = "refused", now, None
    elif message.attempts >= MAX_ATTEMPTS:
        message.status, message.status_at, message.next_attempt_at = "given_up", now, None
    else:
        wait = BACKOFF_SECONDS[min(message.attempts, len(BACKOFF_SECONDS)) - 1]
        message.next_attempt_at = now + timedelta(seconds=max(wait, retry_after or 0))
    session.flush()


def _refuse_if_sent(message: OutboxMessage) -> None:
    if message.is_sent:
        raise ValueError(f"outbox message {message.id} was already sent at {message.sent_at.isoformat()}")


def record_status(
    session: Session, *, provider_id: str, status: str, now: datetime, error: str | None = None
) -> bool:
    """A delivery status from the channel (sent, delivered, read, failed, undelivered); False if unknown.

    Statuses can arrive out of order: `read` is never overwritten by a late `delivered`.
    """
    message = session.scalars(select(OutboxMessage).where(OutboxMessage.provider_id == provider_id)).first()
    if message is None:
        return False
    order = ("pending", "sent", "delivered", "read")
    if status in order and message.status in order and order.index(status) < order.index(message.status):
        return True
    message.status = status
    message.status_at = now
    if error:
        message.last_error = error
    session.flush()
    return True


def last_buttons(session: Session, *, channel: str, recipient: str) -> list[dict]:
    """The buttons of the bot's last reply to this recipient, if that reply had any.

    Only the latest reply counts: a "3" typed after a question without buttons is a
    house number, not the third button of an older question.
    """
    query = (
        select(OutboxMessage.buttons)
        .where(
            OutboxMessage.channel == channel,
            OutboxMessage.recipient == recipient,
            OutboxMessage.conversation_id.is_not(None),
            OutboxMessage.media_url.is_(None),
        )
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )
    return list(session.scalars(query).first() or [])


def backlog(session: Session) -> int:
    """How many messages wait to be sent."""
    return session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "pending")
    )
