"""What operators decided about messages in the review inbox."""

from __future__ import annotations

from sqlalchemy import Column, Integer, String, Text

from bot.db import Base, UTCDateTime, utcnow

LABELLED = "labelled"
OUT_OF_SCOPE = "out_of_scope"
IGNORED = "ignored"


class ReviewDecision(Base):
    """One reviewed message: labelled (and written as a training example), out of scope, or ignored.

    The message is identified by its event in Rasa's tracker store; what was written to the
    training data is the scrubbed text, never the tenant's original words.
    """

    __tablename__ = "review_decisions"

    id = Column(Integer, primary_key=True)
    event_id = Column(Integer, nullable=False, unique=True)
    conversation_id = Column(String(128), nullable=False)
    decision = Column(String(16), nullable=False)
    predicted_intent = Column(String(64), nullable=True)
    intent = Column(String(64), nullable=True)
    example = Column(Text, nullable=True)
    file = Column(String(200), nullable=True)
    decided_by = Column(String(40), nullable=False)
    decided_at = Column(UTCDateTime, nullable=False, default=utcnow)


class ReviewFlag(Base):
    """A tenant's message an agent marked as misunderstood by the bot; it goes to the review inbox."""

    __tablename__ = "review_flags"

    id = Column(Integer, primary_key=True)
    event_id = Column(Integer, nullable=False, unique=True)
    conversation_id = Column(String(128), nullable=False)
    flagged_by = Column(String(40), nullable=False)
    flagged_at = Column(UTCDateTime, nullable=False, default=utcnow)
