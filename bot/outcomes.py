"""How conversations end: self-help that worked or not, satisfaction scores (for the insights)."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import CheckConstraint, Column, Integer, String, select
from sqlalchemy.orm import Session

from bot.db import Base, UTCDateTime, app_transaction, utcnow

SELF_HELP_SOLVED = "self_help_solved"
SELF_HELP_FAILED = "self_help_failed"
KINDS = (SELF_HELP_SOLVED, SELF_HELP_FAILED)


class ConversationOutcome(Base):
    """One thing that happened at the end of a flow, per conversation."""

    __tablename__ = "conversation_outcomes"
    __table_args__ = (CheckConstraint(f"kind IN {KINDS!r}", name="kind"),)

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(128), nullable=False, index=True)
    channel = Column(String(32), nullable=False)
    kind = Column(String(32), nullable=False, index=True)
    # The triage problem id it was about, if any.
    problem = Column(String(64), nullable=True)
    at = Column(UTCDateTime, nullable=False, default=utcnow, index=True)


def add_outcome(
    session: Session,
    *,
    conversation_id: str,
    channel: str,
    kind: str,
    problem: str | None = None,
    now: datetime | None = None,
) -> ConversationOutcome:
    """Record an outcome in the caller's transaction.

    Raises:
        ValueError: for an unknown kind.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown outcome kind {kind!r}; known: {', '.join(KINDS)}")
    outcome = ConversationOutcome(
        conversation_id=conversation_id, channel=channel, kind=kind, problem=problem, at=now or utcnow()
    )
    session.add(outcome)
    session.flush()
    return outcome


def record(database_url: str, **fields) -> None:
    """Record an outcome in its own transaction (for the actions)."""
    with app_transaction(database_url) as session:
        add_outcome(session, **fields)


def count_by_kind(session: Session, *, since: datetime | None = None) -> dict[str, int]:
    """How often each outcome happened (since a moment)."""
    query = select(ConversationOutcome.kind)
    if since is not None:
        query = query.where(ConversationOutcome.at >= since)
    counts = dict.fromkeys(KINDS, 0)
    for kind in session.scalars(query):
        counts[kind] += 1
    return counts


class SatisfactionScore(Base):
    """The tenant's 1-5 score at the end of a finished flow."""

    __tablename__ = "satisfaction_scores"
    __table_args__ = (CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),)

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(128), nullable=False, index=True)
    channel = Column(String(32), nullable=False)
    score = Column(Integer, nullable=False)
    # What the flow was about: a ticket, self-help, nuisance, arrears.
    flow = Column(String(32), nullable=True)
    at = Column(UTCDateTime, nullable=False, default=utcnow, index=True)


SCORE_PATTERN = re.compile(r"(?<!\d)([1-5])(?!\d)")


def read_score(text: str | None) -> int | None:
    """A score 1-5 from a reply like "4", "een 5" or "4 sterren"; None if there is none or several."""
    found = set(SCORE_PATTERN.findall(text or ""))
    return int(found.pop()) if len(found) == 1 else None


def add_score(
    session: Session, *, conversation_id: str, channel: str, score: int, flow: str | None = None,
    now: datetime | None = None,
) -> SatisfactionScore:  # fmt: skip
    """Record a score in the caller's transaction.

    Raises:
        ValueError: for a score outside 1-5.
    """
    if not 1 <= score <= 5:
        raise ValueError(f"a satisfaction score is 1 to 5, not {score}")
    row = SatisfactionScore(
        conversation_id=conversation_id, channel=channel, score=score, flow=flow, at=now or utcnow()
    )
    session.add(row)
    session.flush()
    return row


def record_score(database_url: str, **fields) -> None:
    """Record a score in its own transaction (for the actions)."""
    with app_transaction(database_url) as session:
        add_score(session, **fields)
