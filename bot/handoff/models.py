"""What a handoff to a person leaves in the app database: the handoff, agents' replies, notes."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Text
from sqlalchemy.orm import relationship

from bot.db import Base, UTCDateTime, utcnow
from bot.tenants import Tenant

QUEUED = "queued"
CLAIMED = "claimed"
HANDED_BACK = "handed_back"
CLOSED = "closed"
# While a handoff is in one of these, the bot stays silent in its conversation.
ACTIVE_STATUSES = (QUEUED, CLAIMED)


class Handoff(Base):
    """One conversation handed to a person: why, what the bot understood, who took it, how it ended."""

    __tablename__ = "handoffs"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(128), nullable=False, index=True)
    # The tenant's channel and address there, so replies go back the way the tenant came.
    channel = Column(String(32), nullable=False)
    recipient = Column(String(128), nullable=False)
    reason = Column(String(32), nullable=False)
    # The words that made us hand over (a cue, the arrears story), for the agent.
    detail = Column(Text, nullable=True)
    category = Column(String(32), nullable=True)
    urgency = Column(String(16), nullable=True)
    # Higher is more pressing; the queue is ordered by it, then by waiting time.
    priority = Column(Integer, nullable=False, default=0)
    summary = Column(Text, nullable=False, default="")
    tenant_id = Column(ForeignKey("tenants.id", ondelete="SET NULL"), nullable=True, index=True)
    status = Column(String(16), nullable=False, default=QUEUED, index=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    claimed_by = Column(String(40), nullable=True)
    claimed_at = Column(UTCDateTime, nullable=True)
    ended_by = Column(String(40), nullable=True)
    ended_at = Column(UTCDateTime, nullable=True)
    outcome = Column(String(32), nullable=True)

    tenant = relationship(Tenant)
    notes = relationship("HandoffNote", order_by="HandoffNote.id", cascade="all, delete-orphan")

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def __repr__(self) -> str:
        return f"<Handoff {self.id} {self.reason} ({self.status})>"


class AgentMessage(Base):
    """A reply an agent wrote to the tenant (the outbox row carries the delivery)."""

    __tablename__ = "agent_messages"

    id = Column(Integer, primary_key=True)
    handoff_id = Column(ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False, index=True)
    author = Column(String(40), nullable=False)
    text = Column(Text, nullable=False)
    outbox_id = Column(ForeignKey("outbox_messages.id", ondelete="SET NULL"), nullable=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)


class HandoffNote(Base):
    """An internal note on a handoff; the tenant never sees it."""

    __tablename__ = "handoff_notes"

    id = Column(Integer, primary_key=True)
    handoff_id = Column(ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False, index=True)
    author = Column(String(40), nullable=False)
    text = Column(Text, nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
