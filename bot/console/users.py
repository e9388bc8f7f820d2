"""Console users: agents, operators and admins, with argon2-hashed passwords.

Log-in failures say nothing about which part was wrong; five in a row lock the account
for 15 minutes. A disabled user cannot log in and loses every open session.
"""

from __future__ import annotations

import enum
import re
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Boolean, Column, Enum, Integer, String, select
from sqlalchemy.orm import Session

from bot.db import Base, UTCDateTime, utcnow

MIN_PASSWORD_LENGTH = 12
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified when the user does not exist, so a wrong name takes as long as a wrong password."""
    return _hasher.hash("not-a-real-password-at-all")


class Role(str, enum.Enum):
    """What a user may do: agents take conversations, operators also keep the bot, admins everything."""

    AGENT = "agent"
    OPERATOR = "operator"
    ADMIN = "admin"


class ConsoleUser(Base):
    """A person who logs in to the console."""

    __tablename__ = "console_users"

    id = Column(Integer, primary_key=True)
    username = Column(String(40), nullable=False, unique=True)
    password_hash = Column(String(200), nullable=False)
    role = Column(
        Enum(
            Role,
            name="console_role",
            native_enum=False,
            create_constraint=True,
            length=16,
            values_callable=lambda roles: [role.value for role in roles],
            validate_strings=True,
        ),
        nullable=False,
    )
    active = Column(Boolean, nullable=False, default=True)
    failed_logins = Column(Integer, nullable=False, default=0)
    locked_until = Column(UTCDateTime, nullable=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    last_login_at = Column(UTCDateTime, nullable=True)


class UserError(ValueError):
    """A user that cannot be added or changed, with a message for the command line."""


def add_user(session: Session, *, username: str, password: str, role: Role | str) -> ConsoleUser:
    """Add an active user.

    Raises:
        UserError: for a bad or taken name, a short password or an unknown role.
    """
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise UserError("a username is 2-40 characters: lower-case letters, digits, '.', '_' or '-'")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    try:
        role = Role(role)
    except ValueError as error:
        raise UserError(f"unknown role {role!r}; use agent, operator or admin") from error
    if find_user(session, username) is not None:
        raise UserError(f"user {username!r} exists already")
    user = ConsoleUser(username=username, password_hash=_hasher.hash(password), role=role, active=True)
    session.add(user)
    session.flush()
    return user


def find_user(session: Session, username: str) -> ConsoleUser | None:
    return session.scalars(
        select(ConsoleUser).where(ConsoleUser.username == username.strip().lower())
    ).first()


def list_users(session: Session) -> list[ConsoleUser]:
    return list(session.scalars(select(ConsoleUser).order_by(ConsoleUser.username)))


def disable_user(session: Session, username: str) -> ConsoleUser:
    """Disable a user and end their sessions.

    Raises:
        UserError: if there is no such user.
    """
    from bot.console.sessions import revoke_all

    user = find_user(session, username)
    if user is None:
        raise UserError(f"no user {username!r}")
    user.active = False
    revoke_all(session, user)
    session.flush()
    return user


def authenticate(
    session: Session, username: str, password: str, *, now: datetime | None = None
) -> ConsoleUser | None:
    """The active, unlocked user with this password, or None; failures count towards a lock."""
    now = now or utcnow()
    user = find_user(session, username)
    if user is None:
        _verify(_dummy_hash(), password)
        return None
    if user.locked_until is not None and user.locked_until > now:
        _verify(_dummy_hash(), password)
        return None
    if not _verify(user.password_hash, password) or not user.active:
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until, user.failed_logins = now + LOCKOUT, 0
        session.flush()
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
    session.flush()
    return user


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
