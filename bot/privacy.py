"""Privacy duties under the AVG (GDPR): retention of chat data, and erasure on request.

**Retention** (`run_retention`, `python -m bot privacy retention`): a conversation whose *last*
event in Rasa's tracker store is older than the cutoff (`RETENTION_DAYS`, default 365) loses
all its events, and the app database loses what tenants and agents wrote, and personal
details, of those conversations or from before the cutoff (the table below). Conversations
with an active handoff (queued or claimed) are skipped whole; open tickets and callbacks nobody
handled yet are left as they are.

**Erasure** (`run_erasure`, `python -m bot privacy erase`): everything about one person, found
as a *subject*:

- by phone number: its conversations in every sender id form (Twilio's `whatsapp:+316...`,
  Meta's `316...`, plain E.164), found in the tracker store and the app tables;
- by conversation id (Messenger's page-scoped id); a WhatsApp id counts as its number;
- the tenants identified by them: the number in `tenant_phones` (a number housemates share
  identifies both: run with `--dry-run` first, it reports how many tenants were found) and
  the tenants those conversations were verified as or linked to (tickets, handoffs, nuisance
  reports); then the conversations linked to those tenants on other channels (one step).

Every row of those conversations, that number or those tenants goes; open tickets are
anonymised too and active handoffs closed, and the summary says how many. Rows keyed only by
another number of the same tenant are not touched: erase that number as well.

**Tickets are kept, anonymised**: description, history notes (`REMOVED`), photos, availability,
the conversation id and the tenant link go; number, category, problem, object, room, urgency,
trade, status, channel, unit, complex, shared area, duplicate link and every date stay, so the
corporation's statistics remain. Tenants, their phone numbers (`tenant_phones` is filled only
by the corporation's import and the demo data) and units are master data of the corporation's
own systems: never touched.

What each table holds that is personal, and what retention (R) and erasure (E) do with it:

========================  ==============================  =============================================
table                     personal                        R: retention, E: erasure
========================  ==============================  =============================================
events (tracker store)    all the tenant wrote and was    R: deleted, conversations inactive since the
                          told, photo links (metadata),      cutoff. E: deleted, the subject's
                          profile names, locations           conversations.
tickets                   description, photos,            Anonymised. R: done or cancelled, of an
                          availability, conversation id,     expired conversation or last updated before
                          tenant                             the cutoff. E: open ones too (reported).
ticket_history            notes (may quote the tenant)    Notes of anonymised tickets replaced; status,
                                                             time and who stay.
handoffs                  conversation id, recipient,     Anonymised: reason, category, urgency,
                          the tenant's words (detail),       priority, status, times, agents and outcome
                          summary, tenant                    stay (insights). R: not active ones. E:
                                                             active ones are closed (reported).
agent_messages,           what agents wrote to and        Deleted with their handoff's anonymisation.
handoff_notes             about the tenant
outbox_messages           recipient, text, media          Deleted. R: created before the cutoff or of
                                                             an expired conversation. E: to the number
                                                             or a conversation, of the tenants or their
                                                             tickets, staff alerts naming them.
callback_requests         phone, reason (the tenant's     Deleted. R: handled ones asked before the
                          words), tenant                     cutoff; open ones stay. E: open ones too.
verification_attempts     conversation id or number       Deleted. R: no failure since the cutoff and
                                                             not locked.
verifications             conversation id, number,        Deleted. R: expired before the cutoff or of
                          tenant                             an expired conversation.
nuisance_reports          description, the neighbour's    Deleted (the repeat rule looks back 183
                          address, tenant                    days, within the default period).
escalations               conversation id, summary        Anonymised: reason, staff warned, ticket and
                                                             time stay (the safety record).
conversation_outcomes,    conversation id                 Anonymised: kind, problem, score, flow and
satisfaction_scores                                          time stay (insights).
review_flags,             conversation id, the event      Deleted with their conversation only (not by
review_decisions          they point to                      age): while it lives the event does, and
                                                             the decision keeps it out of the inbox.
                                                             Deleted events' ids are reused.
inbound_messages          sender (number or page id)      Deleted. R: received before the cutoff
                                                             (dedup and the 24-hour rule look back a
                                                             day at most).
tenants, tenant_phones,   master data of the              Kept.
units, complexes,         corporation
shared_areas
contractors, ticket_      no tenant data                  Kept.
counters, console_users,
console_sessions
========================  ==============================  =============================================

Each run is one transaction per database. The app database commits first: if the tracker
store's commit then fails, the next run finds the same conversations and finishes the job.
Events are deleted last, so the tracker store, where Rasa writes all the time, is locked
(SQLite) only for the deletes and the commits.
`--dry-run` does the same work and rolls both back, so it reports exactly what a run would do.
Logs and summaries hold counts only, never numbers, ids, names or words.

Not covered: the media themselves (Twilio keeps a WhatsApp photo until it is deleted in the
Twilio account; the simulator's uploads are files under `var/simulator_media/`), examples
already in `data/nlu/` (scrubbed of personal data when saved, see `bot.review.scrub`), and backups.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import phonenumbers
from sqlalchemy import and_, create_engine, delete, func, inspect, not_, null, or_, select, true, update
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.channels.inbound import InboundMessage
from bot.db import session_factory, utcnow
from bot.escalation import Escalation
from bot.handoff.models import ACTIVE_STATUSES, CLOSED, AgentMessage, Handoff, HandoffNote
from bot.nuisance import NuisanceReport
from bot.outbox import OutboxMessage
from bot.outcomes import ConversationOutcome, SatisfactionScore
from bot.review.models import ReviewDecision, ReviewFlag
from bot.tenants import WHATSAPP_PREFIX, TenantPhone, normalise_phone
from bot.tickets import FINAL_STATUSES, CallbackRequest, Ticket, TicketHistory, phone_from_sender
from bot.tracker_store import EVENTS
from bot.verification import Scope, Verification, VerificationAttempts

logger = logging.getLogger(__name__)

# What replaces free text (and conversation ids) that is kept anonymised; Dutch, staff read it.
REMOVED = "[verwijderd]"
# Ids per IN (...) list: SQLite limits the parameters of one statement.
CHUNK = 500
DELETED = "deleted"
ANONYMISED = "anonymised"
# Every table a run may change and what it does there, in the order the summary shows them.
TABLE_ACTIONS: dict[str, str] = {
    "events": DELETED,
    "tickets": ANONYMISED,
    "ticket_history": ANONYMISED,
    "handoffs": ANONYMISED,
    "agent_messages": DELETED,
    "handoff_notes": DELETED,
    "outbox_messages": DELETED,
    "callback_requests": DELETED,
    "verification_attempts": DELETED,
    "verifications": DELETED,
    "nuisance_reports": DELETED,
    "escalations": ANONYMISED,
    "conversation_outcomes": ANONYMISED,
    "satisfaction_scores": ANONYMISED,
    "review_flags": DELETED,
    "review_decisions": DELETED,
    "inbound_messages": DELETED,
}
# Where the app database keeps conversation ids (Rasa's sender ids).
CONVERSATION_COLUMNS = (
    Ticket.conversation_id,
    Handoff.conversation_id,
    OutboxMessage.conversation_id,
    Verification.conversation_id,
    NuisanceReport.conversation_id,
    Escalation.conversation_id,
    ConversationOutcome.conversation_id,
    SatisfactionScore.conversation_id,
    ReviewFlag.conversation_id,
    ReviewDecision.conversation_id,
)
# The tables that link a conversation to the tenant it was verified as.
TENANT_LINKS = (
    (Verification.conversation_id, Verification.tenant_id),
    (Ticket.conversation_id, Ticket.tenant_id),
    (Handoff.conversation_id, Handoff.tenant_id),
    (NuisanceReport.conversation_id, NuisanceReport.tenant_id),
)
ANONYMOUS_TICKET = {
    "description": REMOVED,
    "conversation_id": None,
    "tenant_id": None,
    "photos": [],
    "availability": null(),
    # A bulk update would otherwise set `updated_at` to now; the dates stay.
    "updated_at": Ticket.updated_at,
}
ANONYMOUS_HANDOFF = {
    "conversation_id": REMOVED,
    "recipient": REMOVED,
    "detail": None,
    "summary": REMOVED,
    "tenant_id": None,
}


@dataclass
class PrivacyReport:
    """What a run deleted or anonymised: rows per table and conversations; counts only."""

    kind: str  # "retention" or "erasure"
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLE_ACTIONS, 0))
    conversations: int = 0
    # Retention: inactive conversations kept because they have an active handoff.
    kept_conversations: int = 0
    cutoff: datetime | None = None
    # Erasure: tenants identified, and what an erasure does that retention never would.
    tenants: int = 0
    open_tickets_anonymised: int = 0
    active_handoffs_closed: int = 0
    dry_run: bool = False

    def add(self, table: str, rows: int) -> None:
        self.counts[table] += rows

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def lines(self) -> list[str]:
        """The summary for the command line: what happened, then one line per table."""
        lines = ["Dry run: nothing was changed; a run would do this."] if self.dry_run else []
        if self.kind == "retention":
            since = f"{self.cutoff:%Y-%m-%d %H:%M} UTC" if self.cutoff else "the cutoff"
            lines.append(
                f"Retention: {self.conversations} conversation(s) without activity since {since} "
                f"deleted; {self.kept_conversations} kept for an active handoff."
            )
        else:
            lines.append(f"Erasure: {self.conversations} conversation(s), {self.tenants} tenant(s) found.")
        for table, action in TABLE_ACTIONS.items():
            name = "events (tracker store)" if table == "events" else table
            lines.append(f"  {name:<24}{self.counts[table]:>7} {action}")
        if self.open_tickets_anonymised:
            lines.append(f"Note: {self.open_tickets_anonymised} open ticket(s) anonymised (erasure request).")
        if self.active_handoffs_closed:
            lines.append(f"Note: {self.active_handoffs_closed} active handoff(s) closed (erasure request).")
        return lines


@dataclass(frozen=True)
class Subject:
    """Whom an erasure is about: conversations, a phone number (E.164) and tenants."""

    conversation_ids: frozenset[str]
    phone: str | None = None
    tenant_ids: frozenset[int] = frozenset()

    @property
    def addresses(self) -> frozenset[str]:
        """Where messages to the subject went: the number, the conversations' ids."""
        return self.conversation_ids | ({self.phone} if self.phone else set())


# The tracker store.


def open_tracker(url: str) -> Engine | None:
    """A writable engine on Rasa's tracker store, or None when its SQLite file does not exist.

    Not `bot.db`'s engine: its `BEGIN IMMEDIATE` would hold Rasa's writes off from the first
    read. Here SQLite locks the store from the first delete, which a run does last.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").is_file():
        return None
    return create_engine(parsed, future=True, pool_pre_ping=True)


def _has_events(tracker: Connection | None) -> bool:
    return tracker is not None and inspect(tracker).has_table(EVENTS.name)


def inactive_conversations(tracker: Connection | None, *, before: datetime) -> list[str]:
    """The conversations whose last event is older than `before`, sorted."""
    if not _has_events(tracker):
        return []
    query = (
        select(EVENTS.c.sender_id)
        .group_by(EVENTS.c.sender_id)
        .having(func.max(EVENTS.c.timestamp) < before.timestamp())
    )
    return sorted(tracker.scalars(query))


def conversations_with_events(tracker: Connection | None, *, conversation_ids: Iterable[str]) -> set[str]:
    """Those of these conversations that have events in the tracker store."""
    if not _has_events(tracker):
        return set()
    found: set[str] = set()
    for chunk in _chunks(conversation_ids):
        found.update(
            tracker.scalars(select(EVENTS.c.sender_id).distinct().where(EVENTS.c.sender_id.in_(chunk)))
        )
    return found


def delete_events(
    tracker: Connection | None, *, conversation_ids: Iterable[str], inactive_before: datetime | None = None
) -> int:
    """Delete every event of these conversations; returns how many.

    With `inactive_before`, a conversation with an event since then (one that came in while
    this ran) keeps all its events.
    """
    if not _has_events(tracker):
        return 0
    deleted = 0
    for chunk in _chunks(conversation_ids):
        condition = EVENTS.c.sender_id.in_(chunk)
        if inactive_before is not None:
            active = select(EVENTS.c.sender_id).where(
                condition, EVENTS.c.timestamp >= inactive_before.timestamp()
            )
            condition = and_(condition, EVENTS.c.sender_id.not_in(active.scalar_subquery()))
        deleted += tracker.execute(delete(EVENTS).where(condition)).rowcount
    return deleted


# Shared helpers.


def _chunks(values: Iterable, size: int = CHUNK) -> Iterator[list]:
    items = sorted(set(values))
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _delete(session: Session, model: type, condition: ColumnElement) -> int:
    statement = delete(model).where(condition).execution_options(synchronize_session=False)
    return session.execute(statement).rowcount


def _update(session: Session, model: type, condition: ColumnElement, values: dict) -> int:
    statement = update(model).where(condition).values(**values).execution_options(synchronize_session=False)
    return session.execute(statement).rowcount


def _ids(session: Session, model: type, conditions: Iterable[ColumnElement], *guards: ColumnElement) -> set:
    """The primary keys of the rows matching any of `conditions` and all of `guards`."""
    found: set = set()
    for condition in conditions:
        found.update(session.scalars(select(model.id).where(condition, *guards)))
    return found


def _anonymise_tickets(session: Session, report: PrivacyReport, ids: set[int]) -> None:
    for chunk in _chunks(ids):
        report.add("tickets", _update(session, Ticket, Ticket.id.in_(chunk), ANONYMOUS_TICKET))
        notes = and_(
            TicketHistory.ticket_id.in_(chunk), TicketHistory.note.is_not(None), TicketHistory.note != REMOVED
        )
        report.add("ticket_history", _update(session, TicketHistory, notes, {"note": REMOVED}))


def _anonymise_handoffs(session: Session, report: PrivacyReport, ids: set[int], now: datetime) -> None:
    """Delete the handoffs' messages and notes, close active ones, anonymise the rest of them."""
    for chunk in _chunks(ids):
        report.add("agent_messages", _delete(session, AgentMessage, AgentMessage.handoff_id.in_(chunk)))
        report.add("handoff_notes", _delete(session, HandoffNote, HandoffNote.handoff_id.in_(chunk)))
        active = and_(Handoff.id.in_(chunk), Handoff.status.in_(ACTIVE_STATUSES))
        report.active_handoffs_closed += _update(
            session, Handoff, active, {"status": CLOSED, "ended_at": now}
        )
        report.add("handoffs", _update(session, Handoff, Handoff.id.in_(chunk), ANONYMOUS_HANDOFF))


def _anonymise_conversation_ids(session: Session, report: PrivacyReport, model: type, ids: set[int]) -> None:
    values = {"conversation_id": REMOVED}
    if model is Escalation:
        values["summary"] = REMOVED
    for chunk in _chunks(ids):
        report.add(model.__tablename__, _update(session, model, model.id.in_(chunk), values))


# Retention.


def _active_conversations(session: Session) -> set[str]:
    query = select(Handoff.conversation_id).where(Handoff.status.in_(ACTIVE_STATUSES))
    return set(session.scalars(query))


@dataclass(frozen=True)
class _Retention:
    """Which rows retention takes: older than the cutoff or of an expired conversation, never protected."""

    cutoff: datetime
    expired: Sequence[str]
    protected: set[str]

    def conditions(self, column, age: ColumnElement | None) -> list[ColumnElement]:
        by_conversation = [column.in_(chunk) for chunk in _chunks(self.expired)]
        if age is None:
            return by_conversation
        unprotected = (
            or_(column.is_(None), column.not_in(sorted(self.protected))) if self.protected else true()
        )
        return [and_(age, unprotected), *by_conversation]


def apply_retention(
    session: Session, tracker: Connection | None, *, cutoff: datetime, now: datetime | None = None
) -> PrivacyReport:
    """Delete and anonymise what is older than `cutoff`, in the callers' transactions (module docs)."""
    now = now or utcnow()
    session.flush()
    protected = _active_conversations(session)
    inactive = set(inactive_conversations(tracker, before=cutoff))
    rule = _Retention(cutoff, sorted(inactive - protected), protected)
    report = PrivacyReport("retention", cutoff=cutoff, conversations=len(rule.expired))
    report.kept_conversations = len(inactive & protected)
    _retain_tickets_and_handoffs(session, report, rule, now)
    _retain_conversation_rows(session, report, rule)
    _retain_other_rows(session, report, rule, now)
    session.flush()
    # Last, so the tracker store (Rasa writes there all the time) is locked only briefly.
    report.add("events", delete_events(tracker, conversation_ids=rule.expired, inactive_before=cutoff))
    session.expire_all()
    return report


def _retain_tickets_and_handoffs(
    session: Session, report: PrivacyReport, rule: _Retention, now: datetime
) -> None:
    tickets = rule.conditions(Ticket.conversation_id, Ticket.updated_at < rule.cutoff)
    final = (Ticket.status.in_(list(FINAL_STATUSES)), Ticket.description != REMOVED)
    _anonymise_tickets(session, report, _ids(session, Ticket, tickets, *final))
    handoffs = rule.conditions(Handoff.conversation_id, Handoff.created_at < rule.cutoff)
    ended = (Handoff.status.not_in(ACTIVE_STATUSES), Handoff.conversation_id != REMOVED)
    _anonymise_handoffs(session, report, _ids(session, Handoff, handoffs, *ended), now)


def _retain_conversation_rows(session: Session, report: PrivacyReport, rule: _Retention) -> None:
    deleted = (
        (OutboxMessage, OutboxMessage.created_at),
        (Verification, Verification.expires_at),
        (NuisanceReport, NuisanceReport.created_at),
        (ReviewFlag, None),
        (ReviewDecision, None),
    )
    for model, when in deleted:
        age = when < rule.cutoff if when is not None else None
        for condition in rule.conditions(model.conversation_id, age):
            report.add(model.__tablename__, _delete(session, model, condition))
    anonymised = (
        (Escalation, Escalation.created_at),
        (ConversationOutcome, ConversationOutcome.at),
        (SatisfactionScore, SatisfactionScore.at),
    )
    for model, when in anonymised:
        conditions = rule.conditions(model.conversation_id, when < rule.cutoff)
        ids = _ids(session, model, conditions, model.conversation_id != REMOVED)
        _anonymise_conversation_ids(session, report, model, ids)


def _retain_other_rows(session: Session, report: PrivacyReport, rule: _Retention, now: datetime) -> None:
    handled = and_(CallbackRequest.handled_at.is_not(None), CallbackRequest.requested_at < rule.cutoff)
    report.add("callback_requests", _delete(session, CallbackRequest, handled))
    report.add("inbound_messages", _delete(session, InboundMessage, InboundMessage.received_at < rule.cutoff))
    attempts = VerificationAttempts
    of_conversation = attempts.scope == Scope.CONVERSATION.value
    stale = and_(
        or_(attempts.last_failed_at.is_(None), attempts.last_failed_at < rule.cutoff),
        or_(attempts.locked_until.is_(None), attempts.locked_until < now),
        not_(and_(of_conversation, attempts.key.in_(sorted(rule.protected)))),
    )
    conditions = [stale] + [and_(of_conversation, attempts.key.in_(c)) for c in _chunks(rule.expired)]
    for condition in conditions:
        report.add("verification_attempts", _delete(session, attempts, condition))


def run_retention(
    *,
    app_engine: Engine,
    tracker_engine: Engine | None,
    days: int,
    dry_run: bool = False,
    now: datetime | None = None,
) -> PrivacyReport:
    """Apply retention for `days` in one transaction per database (rolled back on a dry run).

    Raises:
        ValueError: if `days` is less than 1.
    """
    if days < 1:
        raise ValueError(f"the retention period is at least 1 day, not {days}")
    now = now or utcnow()
    with _transactions(app_engine, tracker_engine, dry_run=dry_run) as (session, tracker):
        report = apply_retention(session, tracker, cutoff=now - timedelta(days=days), now=now)
    report.dry_run = dry_run
    _log(report)
    return report


# Erasure.


def find_subject(
    session: Session,
    tracker: Connection | None,
    *,
    phone: str | None = None,
    conversation_id: str | None = None,
) -> Subject:
    """Whom an erasure of this phone number or conversation id is about (module docs).

    Raises:
        ValueError: without exactly one of the two, or for a phone number that is not one.
    """
    if (phone is None) == (conversation_id is None):
        raise ValueError("give either a phone number or a conversation id")
    if conversation_id is not None:
        is_whatsapp = conversation_id.lower().startswith(WHATSAPP_PREFIX)
        number = normalise_phone(conversation_id) if is_whatsapp else None
        ids = {conversation_id}
    else:
        number = normalise_phone(phone)
        if number is None:
            raise ValueError("that is not a valid phone number")
        ids = set()
    if number is not None:
        ids |= conversation_ids_for_phone(session, tracker, phone=number)
    tenants = _tenants_of(session, phone=number, conversation_ids=ids)
    ids |= _conversations_of_tenants(session, tenants)
    return Subject(conversation_ids=frozenset(ids), phone=number, tenant_ids=frozenset(tenants))


def conversation_ids_for_phone(session: Session, tracker: Connection | None, *, phone: str) -> set[str]:
    """Every conversation id of this number (E.164) in the tracker store and the app database."""
    digits = str(phonenumbers.parse(phone).national_number)
    found = {f"{WHATSAPP_PREFIX}{phone}", phone, phone.removeprefix("+")}
    if _has_events(tracker):
        query = select(EVENTS.c.sender_id).distinct().where(EVENTS.c.sender_id.contains(digits))
        found.update(tracker.scalars(query))
    for column in CONVERSATION_COLUMNS:
        found.update(session.scalars(select(column).distinct().where(column.contains(digits))))
    return {sender for sender in found if phone_from_sender(sender) == phone}


def _tenants_of(session: Session, *, phone: str | None, conversation_ids: set[str]) -> set[int]:
    tenants: set[int] = set()
    if phone is not None:
        tenants.update(session.scalars(select(TenantPhone.tenant_id).where(TenantPhone.number == phone)))
    for conversation, tenant in TENANT_LINKS:
        query = select(tenant).distinct().where(conversation.in_(conversation_ids), tenant.is_not(None))
        tenants.update(session.scalars(query))
    return tenants


def _conversations_of_tenants(session: Session, tenants: set[int]) -> set[str]:
    found: set[str] = set()
    for conversation, tenant in TENANT_LINKS:
        query = select(conversation).distinct().where(tenant.in_(tenants), conversation.is_not(None))
        found.update(session.scalars(query))
    return found - {REMOVED}


def apply_erasure(
    session: Session, tracker: Connection | None, *, subject: Subject, now: datetime | None = None
) -> PrivacyReport:
    """Delete and anonymise everything of `subject`, in the callers' transactions (module docs)."""
    now = now or utcnow()
    session.flush()
    found = conversations_with_events(tracker, conversation_ids=subject.conversation_ids)
    report = PrivacyReport("erasure", conversations=len(found), tenants=len(subject.tenant_ids))
    ticket_ids = _erase_tickets_and_handoffs(session, report, subject, now)
    _erase_messages(session, report, subject, ticket_ids)
    _erase_conversation_rows(session, report, subject, ticket_ids)
    session.flush()
    report.add("events", delete_events(tracker, conversation_ids=subject.conversation_ids))
    session.expire_all()
    return report


def _erase_tickets_and_handoffs(
    session: Session, report: PrivacyReport, subject: Subject, now: datetime
) -> set[int]:
    """Anonymise the subject's tickets and handoffs; returns the tickets' ids."""
    ids, tenants = subject.conversation_ids, subject.tenant_ids
    tickets = or_(Ticket.conversation_id.in_(ids), Ticket.tenant_id.in_(tenants))
    ticket_ids = _ids(session, Ticket, [tickets], Ticket.description != REMOVED)
    still_open = [Ticket.id.in_(chunk) for chunk in _chunks(ticket_ids)]
    report.open_tickets_anonymised = len(
        _ids(session, Ticket, still_open, Ticket.status.not_in(list(FINAL_STATUSES)))
    )
    _anonymise_tickets(session, report, ticket_ids)
    handoffs = or_(
        Handoff.conversation_id.in_(ids),
        Handoff.tenant_id.in_(tenants),
        Handoff.recipient.in_(subject.addresses),
    )
    _anonymise_handoffs(
        session, report, _ids(session, Handoff, [handoffs], Handoff.conversation_id != REMOVED), now
    )
    return ticket_ids


def _erase_messages(session: Session, report: PrivacyReport, subject: Subject, ticket_ids: set[int]) -> None:
    # Staff alerts (bot.escalation.alert_text) name the tenant's conversation: "...via whatsapp: <id>."
    mentions = [OutboxMessage.text.contains(f": {id_}.", autoescape=True) for id_ in subject.conversation_ids]
    if subject.phone:
        mentions.append(OutboxMessage.text.contains(subject.phone, autoescape=True))
    outbox = or_(
        OutboxMessage.recipient.in_(subject.addresses),
        OutboxMessage.conversation_id.in_(subject.conversation_ids),
        OutboxMessage.tenant_id.in_(subject.tenant_ids),
        *mentions,
    )
    report.add("outbox_messages", _delete(session, OutboxMessage, outbox))
    for chunk in _chunks(ticket_ids):
        report.add("outbox_messages", _delete(session, OutboxMessage, OutboxMessage.ticket_id.in_(chunk)))
    report.add(
        "inbound_messages", _delete(session, InboundMessage, InboundMessage.sender.in_(subject.addresses))
    )
    callbacks = CallbackRequest.tenant_id.in_(subject.tenant_ids)
    if subject.phone:
        callbacks = or_(callbacks, CallbackRequest.phone == subject.phone)
    report.add("callback_requests", _delete(session, CallbackRequest, callbacks))


def _erase_conversation_rows(
    session: Session, report: PrivacyReport, subject: Subject, ticket_ids: set[int]
) -> None:
    ids, tenants = subject.conversation_ids, subject.tenant_ids
    attempts = VerificationAttempts
    deleted = {
        attempts: or_(
            and_(attempts.scope == Scope.CONVERSATION.value, attempts.key.in_(ids)),
            and_(attempts.scope == Scope.PHONE.value, attempts.key == (subject.phone or "")),
        ),
        Verification: or_(
            Verification.conversation_id.in_(ids),
            Verification.tenant_id.in_(tenants),
            Verification.phone == (subject.phone or ""),
        ),
        NuisanceReport: or_(NuisanceReport.conversation_id.in_(ids), NuisanceReport.tenant_id.in_(tenants)),
        ReviewFlag: ReviewFlag.conversation_id.in_(ids),
        ReviewDecision: ReviewDecision.conversation_id.in_(ids),
    }
    for model, condition in deleted.items():
        report.add(model.__tablename__, _delete(session, model, condition))
    escalations = or_(Escalation.conversation_id.in_(ids), Escalation.ticket_id.in_(ticket_ids))
    for model, condition in (
        (Escalation, escalations),
        (ConversationOutcome, ConversationOutcome.conversation_id.in_(ids)),
        (SatisfactionScore, SatisfactionScore.conversation_id.in_(ids)),
    ):
        found = _ids(session, model, [condition], model.conversation_id != REMOVED)
        _anonymise_conversation_ids(session, report, model, found)


def run_erasure(
    *,
    app_engine: Engine,
    tracker_engine: Engine | None,
    phone: str | None = None,
    conversation_id: str | None = None,
    dry_run: bool = False,
    now: datetime | None = None,
) -> PrivacyReport:
    """Erase one phone number's or conversation's data in one transaction per database.

    Raises:
        ValueError: see `find_subject`.
    """
    with _transactions(app_engine, tracker_engine, dry_run=dry_run) as (session, tracker):
        subject = find_subject(session, tracker, phone=phone, conversation_id=conversation_id)
        report = apply_erasure(session, tracker, subject=subject, now=now)
    report.dry_run = dry_run
    _log(report)
    return report


# Transactions and logging.


@contextmanager
def _transactions(
    app_engine: Engine, tracker_engine: Engine | None, *, dry_run: bool
) -> Iterator[tuple[Session, Connection | None]]:
    """A session and a tracker connection, each in one transaction; the app database commits first.

    On an error both roll back; on a dry run too.
    """
    with ExitStack() as stack:
        tracker = stack.enter_context(tracker_engine.connect()) if tracker_engine is not None else None
        tracker_transaction = tracker.begin() if tracker is not None else None
        session = stack.enter_context(session_factory(app_engine)())
        app_transaction = session.begin()
        try:
            yield session, tracker
        except BaseException:
            app_transaction.rollback()
            if tracker_transaction is not None:
                tracker_transaction.rollback()
            raise
        for transaction in (app_transaction, tracker_transaction):
            if transaction is None:
                continue
            if dry_run:
                transaction.rollback()
            else:
                transaction.commit()


def _log(report: PrivacyReport) -> None:
    """Counts only: no conversation id, number or word of anyone reaches the logs."""
    logger.info(
        "privacy %s%s: %d conversation(s), %d row(s) deleted or anonymised",
        report.kind,
        " (dry run)" if report.dry_run else "",
        report.conversations,
        report.total,
    )
    if report.open_tickets_anonymised or report.active_handoffs_closed:
        logger.warning(
            "privacy erasure: %d open ticket(s) anonymised, %d active handoff(s) closed",
            report.open_tickets_anonymised,
            report.active_handoffs_closed,
        )
