"""Server-side console sessions: the browser holds a random token, the database its hash.

Each session has its own CSRF token that every form and POST must send back. Sessions end
after 8 hours, at log-out, or when the user is disabled.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Column, ForeignKey, Integer, String, delete, select, update
from sqlalchemy.orm import Session, relationship

from bot.console.users import ConsoleUser
from bot.db import Base, UTCDateTime, utcnow

SESSION_LIFETIME = timedelta(hours=8)
# How often a session's last use is written down (it tells whether an agent is at work).
SEEN_EVERY = timedelta(minutes=1)


class ConsoleSession(Base):
    """One log-in of one user in one browser."""

    __tablename__ = "console_sessions"

    id = Column(Integer, primary_key=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    user_id = Column(ForeignKey("console_users.id", ondelete="CASCADE"), nullable=False, index=True)
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = Column(UTCDateTime, nullable=False)
    # The last request seen, so the bot can tell whether an agent is at work right now.
    last_seen_at = Column(UTCDateTime, nullable=True)

    user = relationship(ConsoleUser)


@dataclass(frozen=True)
class LoggedIn:
    """Who is logged in, and the CSRF token their forms must carry."""

    user_id: int
    username: str
    role: str
    csrf_token: str
    # Whether the session's last use should be written down (see `mark_seen`).
    seen_long_ago: bool = False

    def csrf_ok(self, sent: str | None) -> bool:
        return bool(sent) and hmac.compare_digest(sent, self.csrf_token)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, user: ConsoleUser, *, now: datetime | None = None) -> str:
    """A new session for `user`; returns the token for the browser's cookie."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    session.add(
        ConsoleSession(
            token_hash=_hash(token),
            user_id=user.id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    session.flush()
    return token


def logged_in(session: Session, token: str | None, *, now: datetime | None = None) -> LoggedIn | None:
    """The session of this cookie token, if it is valid and its user still active."""
    if not token:
        return None
    row = session.scalars(select(ConsoleSession).where(ConsoleSession.token_hash == _hash(token))).first()
    now = now or utcnow()
    if row is None or row.expires_at <= now or not row.user.active:
        return None
    stale = row.last_seen_at is None or row.last_seen_at <= now - SEEN_EVERY
    return LoggedIn(row.user_id, row.user.username, row.user.role.value, row.csrf_token, stale)


def mark_seen(session: Session, token: str, *, now: datetime | None = None) -> None:
    """Write down that the session was just used; at most once a minute, so reads stay reads."""
    session.execute(
        update(ConsoleSession)
        .where(ConsoleSession.token_hash == _hash(token))
        .values(last_seen_at=now or utcnow())
    )


def end_session(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(ConsoleSession).where(ConsoleSession.token_hash == _hash(token)))


def revoke_all(session: Session, user: ConsoleUser) -> None:
    session.execute(delete(ConsoleSession).where(ConsoleSession.user_id == user.id))
