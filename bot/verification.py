"""Verifying that the person in a chat rents a home, before anything personal is shown.

Plain Python on a SQLAlchemy session; a thin Rasa action or form calls it.

The flow: `start` says what to ask, `check` compares the answers with the tenant data,
`verified_tenant` tells later actions whose data this conversation may see.

Privacy: the address is always asked. A phone match alone never verifies anyone, and
it does not shorten the questions either. Asking a known number only for the extra
factor, and an unknown number for the address as well, would tell anyone who types a
number into WhatsApp (or spoofs a sender) whether it belongs to a current tenant, and
"we recognise your number" would say the same in words. So every conversation gets the
same question: postcode, house number and one extra factor (date of birth or customer
number). The cost is two extra answers for tenants we could have recognised.
The phone number is then used in two ways only:

- as a consistency check: a number registered to current tenants verifies only their
  own homes (a co-tenant of the same home still can). Someone writing from tenant A's
  number who knows B's address and date of birth gets the generic failure and, after
  three tries, a person;
- as a key for the lockout, so a new conversation id does not reset it.

Every failure looks the same: one `Status.FAILED` result without saying which answer
was wrong, whether the address exists or whether the number is known. Answers that do
not parse count as a failed attempt too; forms should check the format first (which
reveals nothing) with `parse_date_of_birth`, `normalise_customer_number` and
`bot.tenants.normalise_postcode` / `parse_house_number`.

Lockout: after `MAX_FAILED_ATTEMPTS` failures, the conversation and the phone number
are both locked for `LOCK_DURATION`, and the result says to offer a person. Failures
are forgotten `FAILURE_MEMORY` after the last one, so yesterday's typo does not count.

Expiry: a verification belongs to one conversation session. It lapses after
`IDLE_EXPIRY` without use, the same 60 minutes after which Rasa starts a new session
(`session_expiration_time` in domain/core.yml), and in any case `MAX_VERIFIED_FOR`
after it was given. On WhatsApp the conversation id is the sender and outlives
sessions, so the session-start action should also call `forget`. A tenancy that ends
ends the verification too. Everything is stored in the database, so a restart of the
action server keeps verifications, failures and locks.

Transactions: the service only flushes; the caller commits, usually with
`bot.db.transaction`. Commit after a failed `check` as well, or the failure is lost.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    delete,
    or_,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.db import Base, UTCDateTime, utcnow
from bot.tenants import Tenant, Unit, find_tenants_by_phone, find_unit, normalise_phone, parse_house_number

MAX_FAILED_ATTEMPTS = 3
LOCK_DURATION = timedelta(minutes=15)
FAILURE_MEMORY = timedelta(hours=1)
IDLE_EXPIRY = timedelta(minutes=60)
MAX_VERIFIED_FOR = timedelta(hours=4)
# Tenancies start and end on local (Dutch) calendar days.
LOCAL_TIMEZONE = ZoneInfo("Europe/Amsterdam")
MAX_ID_LENGTH = 255

Clock = Callable[[], datetime]

DUTCH_MONTHS = {
    "januari": 1,
    "jan": 1,
    "februari": 2,
    "feb": 2,
    "maart": 3,
    "mrt": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "augustus": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "oktober": 10,
    "okt": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
# Each pattern yields (day, month, year) groups; the month may be a word.
_DATE_PATTERNS = (
    re.compile(r"(\d{1,2})[-/.\s]+(\d{1,2})[-/.\s]+(\d{4})"),  # 7-3-1980, 07/03/1980, 7.3.1980
    re.compile(r"(\d{2})(\d{2})(\d{4})"),  # 07031980
    re.compile(r"(\d{1,2})\s*([a-z]+)\.?,?\s*(\d{4})"),  # 7 maart 1980, 7 mrt. 1980
)
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
EARLIEST_BIRTH_YEAR = 1900


class NextStep(str, enum.Enum):
    """What the conversation should do next, from `VerificationService.start`."""

    ASK_ADDRESS_AND_EXTRA_FACTOR = "ask_address_and_extra_factor"
    LOCKED = "locked"
    ALREADY_VERIFIED = "already_verified"


class Status(str, enum.Enum):
    """The outcome of `VerificationService.check`."""

    VERIFIED = "verified"
    FAILED = "failed"
    LOCKED = "locked"


@dataclass(frozen=True)
class Result:
    """The outcome of one check; `tenant_id` only when verified, `locked_until` only when locked."""

    status: Status
    attempts_left: int
    tenant_id: int | None = None
    locked_until: datetime | None = None

    @property
    def offer_person(self) -> bool:
        """Whether the conversation should offer a person (after too many failures)."""
        return self.status is Status.LOCKED


class Scope(str, enum.Enum):
    """What failed attempts are counted for."""

    CONVERSATION = "conversation"
    PHONE = "phone"


class VerificationAttempts(Base):
    """Recent failed attempts and the lock of one conversation or one phone number."""

    __tablename__ = "verification_attempts"
    __table_args__ = (
        UniqueConstraint("scope", "key"),
        CheckConstraint("scope IN ('conversation', 'phone')", name="scope"),
    )

    id = Column(Integer, primary_key=True)
    scope = Column(String(16), nullable=False)
    # The conversation id, or the phone number in E.164.
    key = Column(String(MAX_ID_LENGTH), nullable=False)
    failed_attempts = Column(Integer, nullable=False, default=0)
    last_failed_at = Column(UTCDateTime, nullable=True)
    locked_until = Column(UTCDateTime, nullable=True)

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def forget_if_stale(self, now: datetime) -> None:
        """Start counting afresh once a lock has passed or the last failure is old."""
        lock_passed = self.locked_until is not None and self.locked_until <= now
        failure_old = self.last_failed_at is not None and self.last_failed_at + FAILURE_MEMORY <= now
        if lock_passed or (self.locked_until is None and failure_old):
            self.reset()

    def reset(self) -> None:
        self.failed_attempts = 0
        self.last_failed_at = None
        self.locked_until = None

    def __repr__(self) -> str:
        return f"<VerificationAttempts {self.scope}: {self.failed_attempts}>"


class Verification(Base):
    """A conversation whose sender proved to be this tenant, until `expires_at`."""

    __tablename__ = "verifications"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(MAX_ID_LENGTH), nullable=False, unique=True)
    # The sender's number in E.164 when it is one; for the record, never for matching.
    phone = Column(String(16), nullable=True)
    tenant_id = Column(ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False, index=True)
    verified_at = Column(UTCDateTime, nullable=False)
    expires_at = Column(UTCDateTime, nullable=False, index=True)

    def __repr__(self) -> str:
        return f"<Verification of tenant {self.tenant_id} until {self.expires_at:%Y-%m-%d %H:%M}>"


def parse_date_of_birth(raw: str | date | None) -> date | None:
    """A date of birth in a Dutch notation, or None if `raw` is not one.

    `7-3-1980`, `07-03-1980`, `7/3/1980`, `7.3.1980`, `7 maart 1980`, `7 mrt 1980`,
    `1980-03-07` and `07031980` are all 7 March 1980: day first, except ISO dates.
    """
    if isinstance(raw, date):
        return raw
    if not raw:
        return None
    text = " ".join(raw.strip().lower().split())
    iso = _ISO_DATE.fullmatch(text)
    if iso:
        return _valid_date(iso.group(3), iso.group(2), iso.group(1))
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            return _valid_date(*match.groups())
    return None


def _valid_date(day: str, month: str, year: str) -> date | None:
    month_number = int(month) if month.isdigit() else DUTCH_MONTHS.get(month)
    if month_number is None or int(year) < EARLIEST_BIRTH_YEAR:
        return None
    try:
        return date(int(year), month_number, int(day))
    except ValueError:
        return None


def normalise_customer_number(raw: str | None) -> str | None:
    """A customer number without spaces and dashes, in upper case; None if empty."""
    return re.sub(r"[\s-]", "", raw or "").upper() or None


@dataclass(frozen=True)
class _Answers:
    postcode: str | None
    house_number: str | int | None
    date_of_birth: str | date | None
    customer_number: str | None


class VerificationService:
    """Verification of chat senders as tenants, with lockout and expiry; see the module docs.

    Args:
        session: the database session; the service flushes, the caller commits.
        clock: returns the current time as an aware UTC datetime; tests move it forward.
    """

    def __init__(self, session: Session, clock: Clock = utcnow) -> None:
        self._session = session
        self._clock = clock

    def start(self, conversation_id: str, sender: str | None) -> NextStep:
        """What to ask the sender next: the same question whether or not the number is known."""
        now = self._now()
        if any(attempts.is_locked(now) for attempts in self._find_attempts(conversation_id, sender)):
            return NextStep.LOCKED
        if self._active_verification(conversation_id, now) is not None:
            return NextStep.ALREADY_VERIFIED
        return NextStep.ASK_ADDRESS_AND_EXTRA_FACTOR

    def check(
        self,
        conversation_id: str,
        sender: str | None,
        *,
        postcode: str | None = None,
        house_number: str | int | None = None,
        date_of_birth: str | date | None = None,
        customer_number: str | None = None,
    ) -> Result:
        """Check the answers: postcode, house number and a date of birth or customer number.

        When both extra factors are given, both must be right. While locked nothing is
        compared and no attempt is counted.
        """
        now = self._now()
        attempts = self._lock_attempts(conversation_id, sender, now)
        locked_until = max((a.locked_until for a in attempts if a.is_locked(now)), default=None)
        if locked_until is not None:
            return Result(Status.LOCKED, attempts_left=0, locked_until=locked_until)
        answers = _Answers(postcode, house_number, date_of_birth, customer_number)
        tenant = self._match(sender, answers, _local_date(now))
        if tenant is None:
            return self._fail(conversation_id, attempts, now)
        return self._succeed(conversation_id, sender, tenant, attempts, now)

    def verified_tenant(self, conversation_id: str) -> int | None:
        """The id of the tenant this conversation is verified as, or None.

        Each call counts as use and keeps the verification alive (see `IDLE_EXPIRY`).
        """
        verification = self._active_verification(conversation_id, self._now())
        return verification.tenant_id if verification is not None else None

    def forget(self, conversation_id: str) -> None:
        """End the conversation's verification, e.g. when a new session starts.

        Failed attempts and locks stay: starting over must not reset them.
        """
        self._session.execute(delete(Verification).where(Verification.conversation_id == conversation_id))

    def purge_expired(self) -> int:
        """Delete expired verifications and forgotten failures; returns how many rows went."""
        now = self._now()
        verifications = self._session.execute(delete(Verification).where(Verification.expires_at <= now))
        attempts = self._session.execute(
            delete(VerificationAttempts).where(
                or_(VerificationAttempts.locked_until.is_(None), VerificationAttempts.locked_until <= now),
                or_(
                    VerificationAttempts.last_failed_at.is_(None),
                    VerificationAttempts.last_failed_at <= now - FAILURE_MEMORY,
                ),
            )
        )
        return verifications.rowcount + attempts.rowcount

    def _now(self) -> datetime:
        now = self._clock()
        if now.tzinfo is None:
            raise ValueError(f"the clock returned a naive datetime {now!r}: return an aware UTC datetime")
        return now

    def _match(self, sender: str | None, answers: _Answers, today: date) -> Tenant | None:
        """The one current tenant the answers fit, or None for any mismatch or doubt."""
        unit = _find_unit(self._session, answers.postcode, answers.house_number)
        factors = _extra_factors(answers.date_of_birth, answers.customer_number)
        phone_tenants = find_tenants_by_phone(self._session, phone=sender, on=today) if sender else []
        if unit is None or factors is None:
            return None
        if phone_tenants and unit.id not in {tenant.unit_id for tenant in phone_tenants}:
            return None
        birth, number = factors
        tenants = self._session.scalars(select(Tenant).where(Tenant.unit_id == unit.id).order_by(Tenant.id))
        matches = [t for t in tenants if t.is_current(today) and _fits(t, birth, number)]
        if len(matches) > 1:
            # Co-tenants with the same date of birth: only the phone number can tell them apart.
            matches = [tenant for tenant in matches if tenant in phone_tenants]
        return matches[0] if len(matches) == 1 else None

    def _fail(self, conversation_id: str, attempts: list[VerificationAttempts], now: datetime) -> Result:
        self.forget(conversation_id)
        for counter in attempts:
            counter.failed_attempts += 1
            counter.last_failed_at = now
        failures = max(counter.failed_attempts for counter in attempts)
        if failures < MAX_FAILED_ATTEMPTS:
            self._session.flush()
            return Result(Status.FAILED, attempts_left=MAX_FAILED_ATTEMPTS - failures)
        locked_until = now + LOCK_DURATION
        for counter in attempts:
            counter.locked_until = locked_until
        self._session.flush()
        return Result(Status.LOCKED, attempts_left=0, locked_until=locked_until)

    def _succeed(
        self,
        conversation_id: str,
        sender: str | None,
        tenant: Tenant,
        attempts: list[VerificationAttempts],
        now: datetime,
    ) -> Result:
        for counter in attempts:
            counter.reset()
        values = {"tenant_id": tenant.id, "verified_at": now, "expires_at": now + IDLE_EXPIRY}
        verification = self._get_or_create(Verification, {"conversation_id": conversation_id}, values)
        verification.phone = normalise_phone(sender)
        for name, value in values.items():
            setattr(verification, name, value)
        self._session.flush()
        return Result(Status.VERIFIED, attempts_left=MAX_FAILED_ATTEMPTS, tenant_id=tenant.id)

    def _active_verification(self, conversation_id: str, now: datetime) -> Verification | None:
        query = select(Verification).where(Verification.conversation_id == conversation_id)
        verification = self._session.scalars(query).one_or_none()
        if verification is None or verification.expires_at <= now:
            return None
        tenant = self._session.get(Tenant, verification.tenant_id)
        if tenant is None or not tenant.is_current(_local_date(now)):
            return None
        verification.expires_at = min(now + IDLE_EXPIRY, verification.verified_at + MAX_VERIFIED_FOR)
        self._session.flush()
        return verification

    def _find_attempts(self, conversation_id: str, sender: str | None) -> list[VerificationAttempts]:
        keys = _attempt_keys(conversation_id, sender)
        conditions = [
            (VerificationAttempts.scope == s.value) & (VerificationAttempts.key == k) for s, k in keys
        ]
        return list(self._session.scalars(select(VerificationAttempts).where(or_(*conditions))))

    def _lock_attempts(
        self, conversation_id: str, sender: str | None, now: datetime
    ) -> list[VerificationAttempts]:
        """The attempt counters of the conversation and the phone number, locked for this transaction."""
        counters = []
        for scope, key in _attempt_keys(conversation_id, sender):
            identity = {"scope": scope.value, "key": key}
            counter = self._get_or_create(VerificationAttempts, identity, {"failed_attempts": 0})
            counter.forget_if_stale(now)
            counters.append(counter)
        return counters

    def _get_or_create(self, model: type[Base], identity: dict, defaults: dict):
        """The row with `identity`, inserted with `defaults` if missing, locked until the transaction ends.

        Insert-or-ignore, then select: safe when two messages of one conversation race.
        """
        table = model.__table__
        dialect = self._session.get_bind().dialect.name
        if dialect not in ("postgresql", "sqlite"):
            raise NotImplementedError(f"verification needs PostgreSQL or SQLite, not {dialect}")
        insert = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
        self._session.execute(
            insert.values(**identity, **defaults).on_conflict_do_nothing(index_elements=list(identity))
        )
        query = select(model).filter_by(**identity).with_for_update()
        return self._session.scalars(query.execution_options(populate_existing=True)).one()


def _attempt_keys(conversation_id: str, sender: str | None) -> list[tuple[Scope, str]]:
    keys = [(Scope.CONVERSATION, conversation_id)]
    phone = normalise_phone(sender)
    if phone is not None:
        keys.append((Scope.PHONE, phone))
    return keys


def _find_unit(session: Session, postcode: str | None, house_number: str | int | None) -> Unit | None:
    parsed = parse_house_number(house_number)
    if not postcode or parsed is None:
        return None
    number, addition = parsed
    return find_unit(session, postcode=postcode, house_number=number, addition=addition)


def _extra_factors(
    raw_birth: str | date | None, raw_number: str | None
) -> tuple[date | None, str | None] | None:
    """The parsed date of birth and customer number; None unless at least one is given and all parse."""
    birth = parse_date_of_birth(raw_birth)
    number = normalise_customer_number(raw_number)
    if (raw_birth and birth is None) or (raw_number and number is None) or (birth is None and number is None):
        return None
    return birth, number


def _fits(tenant: Tenant, birth: date | None, number: str | None) -> bool:
    birth_fits = birth is None or tenant.date_of_birth == birth
    number_fits = number is None or normalise_customer_number(tenant.customer_number) == number
    return birth_fits and number_fits


def _local_date(now: datetime) -> date:
    return now.astimezone(LOCAL_TIMEZONE).date()
