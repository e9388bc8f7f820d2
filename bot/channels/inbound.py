"""Inbound messages, each handled once: Twilio and Meta retry, and a retry must change nothing.

The message id is recorded before the bot sees the message. A second delivery of a message
that is done, or still being handled, is acknowledged and dropped; one whose handling
failed (and was released) or got stuck (a crash) is handled again. The times also tell
when a tenant last wrote, for WhatsApp's 24-hour rule.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Column, Index, Integer, String, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db import Base, UTCDateTime, transaction, utcnow, wait_for_database
from bot.outbox import last_buttons

# Handling that has not finished after this long is taken to have crashed.
STUCK_AFTER = timedelta(minutes=5)


class InboundMessage(Base):
    """One message a channel delivered to us."""

    __tablename__ = "inbound_messages"
    __table_args__ = (
        UniqueConstraint("channel", "message_id"),
        Index("ix_inbound_messages_sender", "sender", "received_at"),
    )

    id = Column(Integer, primary_key=True)
    channel = Column(String(32), nullable=False)
    # Twilio's MessageSid, Meta's mid.
    message_id = Column(String(128), nullable=False)
    # The sender's address: a phone number in E.164 for WhatsApp, the page-scoped id for Messenger.
    sender = Column(String(128), nullable=False)
    state = Column(String(16), nullable=False)  # processing, done
    received_at = Column(UTCDateTime, nullable=False)
    done_at = Column(UTCDateTime, nullable=True)


def claim(
    session: Session, *, channel: str, message_id: str, sender: str, now: datetime | None = None
) -> bool:
    """Whether this delivery is the one to handle (True), or a repeat to drop (False)."""
    now = now or utcnow()
    try:
        with session.begin_nested():
            session.add(
                InboundMessage(
                    channel=channel, message_id=message_id, sender=sender, state="processing", received_at=now
                )
            )
        return True
    except IntegrityError:
        pass
    seen = session.scalars(
        select(InboundMessage)
        .where(InboundMessage.channel == channel, InboundMessage.message_id == message_id)
        .with_for_update()
    ).one()
    if seen.state == "processing" and seen.received_at < now - STUCK_AFTER:
        seen.received_at = now
        return True
    return False


def finish(session: Session, *, channel: str, message_id: str, now: datetime | None = None) -> None:
    """The bot has handled the message and its replies are in the outbox."""
    seen = _find(session, channel, message_id)
    if seen is not None:
        seen.state = "done"
        seen.done_at = now or utcnow()


def release(session: Session, *, channel: str, message_id: str) -> None:
    """Handling failed: forget the delivery, so the channel's retry is handled."""
    seen = _find(session, channel, message_id)
    if seen is not None:
        session.delete(seen)


def last_message_at(session: Session, *, channel: str, sender: str) -> datetime | None:
    """When this sender last wrote to us on this channel."""
    query = (
        select(InboundMessage.received_at)
        .where(InboundMessage.channel == channel, InboundMessage.sender == sender)
        .order_by(InboundMessage.received_at.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def _find(session: Session, channel: str, message_id: str) -> InboundMessage | None:
    query = select(InboundMessage).where(
        InboundMessage.channel == channel, InboundMessage.message_id == message_id
    )
    return session.scalars(query).first()


class Ledger:
    """A channel's inbound bookkeeping, each step in its own transaction (for the webhooks' threads)."""

    def __init__(self, sessions, channel: str) -> None:
        self.sessions = sessions
        self.channel = channel

    def wait_for_database(self) -> None:
        """While the database restarts, wait for it (up to DATABASE_RETRY_SECONDS)."""
        wait_for_database(self.sessions.kw["bind"])

    def claim(self, message_id: str, sender: str) -> bool:
        """Claim a new message, after waiting for a restarting database (the first step of a webhook)."""
        self.wait_for_database()
        with transaction(self.sessions) as session:
            return claim(session, channel=self.channel, message_id=message_id, sender=sender)

    def finish(self, message_id: str) -> None:
        with transaction(self.sessions) as session:
            finish(session, channel=self.channel, message_id=message_id)

    def release(self, message_id: str) -> None:
        with transaction(self.sessions) as session:
            release(session, channel=self.channel, message_id=message_id)

    def offered_buttons(self, recipient: str) -> list[dict]:
        """The buttons last offered to this recipient, for reading a typed choice."""
        with transaction(self.sessions) as session:
            return last_buttons(session, channel=self.channel, recipient=recipient)
