"""Retention and erasure (bot.privacy) on a real Rasa tracker store and the app database (both backends)."""

from __future__ import annotations

import logging
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot import cli, privacy
from bot.channels.inbound import InboundMessage
from bot.db import load_models, utcnow
from bot.escalation import Escalation, alert_text
from bot.handoff.models import AgentMessage, Handoff, HandoffNote
from bot.nuisance import NuisanceReport
from bot.outbox import OutboxMessage, queue_message
from bot.outcomes import SELF_HELP_SOLVED, ConversationOutcome, SatisfactionScore
from bot.privacy import REMOVED, find_subject, open_tracker, run_erasure, run_retention
from bot.review.models import ReviewDecision, ReviewFlag
from bot.tenants import Tenant, TenantPhone
from bot.tickets import CallbackRequest, Ticket, TicketHistory, open_ticket
from bot.tracker_store import EVENTS
from bot.verification import Verification, VerificationAttempts
from tests.db_fixtures import make_tenant
from tests.rasa_tracker import save_tracker

GERDA_PHONE = "+31612340001"
GERDA_WHATSAPP = f"whatsapp:{GERDA_PHONE}"
GERDA_META = "31612340001"  # the same number in Meta's sender id form
GERDA_MESSENGER = "7301234567890123"
HENK_PHONE = "+31612340002"
HENK_WHATSAPP = f"whatsapp:{HENK_PHONE}"
HANDED_OVER = "7309999999999999"  # Messenger, an agent has it now
STAFF_PHONE = "+31600000099"
PHOTO = "https://api.twilio.com/2010-04-01/Accounts/AC0/Messages/MM1/Media/ME-lekkage"
WORDS = {
    GERDA_WHATSAPP: "Er lekt water onder het aanrecht, groeten van Gerda",
    GERDA_META: "Is de loodgieter al geweest bij Bakkerman?",
    GERDA_MESSENGER: "Mijn balkondeur klemt al weken",
    HENK_WHATSAPP: "De cv-ketel maakt herrie, Henk Zonneveld",
    HANDED_OVER: "Ik wil iemand spreken over mijn huurschuld",
}
# What must never reach a log line or the printed summary.
PERSONAL = (
    "612340001",
    "612340002",
    GERDA_MESSENGER,
    HANDED_OVER,
    "Gerda",
    "Bakkerman",
    "Henk",
    "Zonneveld",
    PHOTO,
    *WORDS.values(),
)


@dataclass
class World:
    now: datetime
    tracker_path: object
    gerda: int
    henk: int
    closed_ticket: int
    open_ticket: int
    recent_ticket: int
    messenger_ticket: int
    old_handoff: int
    active_handoff: int


def _user(text: str, at: datetime, channel: str, photo: str | None = None) -> dict:
    event = {
        "event": "user",
        "text": text,
        "timestamp": at.timestamp(),
        "input_channel": channel,
        "parse_data": {"text": text, "intent": {"name": "report_repair", "confidence": 0.9}},
    }
    if photo:
        event["metadata"] = {"media": [{"url": photo, "content_type": "image/jpeg"}]}
    return event


def _conversation(path, sender: str, at: datetime, channel: str, photo: str | None = None) -> None:
    reply = {"event": "bot", "text": "Vervelend dat u hier last van heeft.", "timestamp": at.timestamp() + 1}
    save_tracker(path, sender, [_user(WORDS[sender], at, channel, photo), reply])


def _ticket(
    session, *, tenant, conversation, at, status="open", note=None, channel="whatsapp", **extra
) -> int:
    ticket = open_ticket(
        session, category="repair", problem="water_leak", room="kitchen", urgency="urgent", trade="plumber",
        channel=channel, tenant=tenant, conversation_id=conversation, description=WORDS[conversation],
        now=at, **extra,
    )  # fmt: skip
    if status != "open":
        ticket.history.append(
            TicketHistory(
                from_status="open", to_status=status, at=at + timedelta(days=1), by="Fatima", note=note
            )
        )
        ticket.status, ticket.updated_at = status, at + timedelta(days=1)
    session.flush()
    return ticket.id


def _handoff(session, *, conversation, channel, recipient, tenant_id, at, status) -> int:
    handoff = Handoff(
        conversation_id=conversation, channel=channel, recipient=recipient, reason="asked_for_person",
        detail=WORDS[conversation], summary=f"Onderwerp: Reparatie. {WORDS[conversation]}",
        tenant_id=tenant_id, status=status, created_at=at,
        claimed_by="fatima", claimed_at=at + timedelta(minutes=7),
    )  # fmt: skip
    session.add(handoff)
    session.flush()
    session.add(
        HandoffNote(handoff_id=handoff.id, author="fatima", text=f"Belt terug: {recipient}", created_at=at)
    )
    outgoing = queue_message(
        session, ticket_id=None, tenant_id=tenant_id, channel=channel, recipient=recipient,
        conversation_id=conversation, text="Beste huurder, ik help u verder.", now=at,
    )  # fmt: skip
    session.add(
        AgentMessage(handoff_id=handoff.id, author="fatima", text=outgoing.text, outbox_id=outgoing.id)
    )
    session.flush()
    return handoff.id


def _conversation_rows(session, *, conversation, phone, tenant_id, at, ticket_id, event_id) -> None:
    """What one WhatsApp conversation leaves in the app database besides tickets and handoffs."""
    words = WORDS[conversation]
    queue_message(session, ticket_id=None, tenant_id=None, channel="whatsapp", recipient=phone,
                  conversation_id=conversation, text="Vervelend, dat lossen we op.", now=at)  # fmt: skip
    queue_message(session, ticket_id=ticket_id, tenant_id=tenant_id, channel="whatsapp", recipient=phone,
                  text="Uw melding is klaar.", now=at)  # fmt: skip
    alert = alert_text(reason="safety", summary="gaslucht", channel="whatsapp", conversation_id=conversation,
                       tenant_words=words)  # fmt: skip
    queue_message(session, ticket_id=None, tenant_id=None, channel="whatsapp", recipient=STAFF_PHONE,
                  text=alert, now=at)  # fmt: skip
    session.add_all([
        CallbackRequest(tenant_id=tenant_id, phone=phone, reason=words, requested_at=at,
                        handled_at=at + timedelta(days=1), handled_by="fatima"),
        Verification(conversation_id=conversation, phone=phone, tenant_id=tenant_id, verified_at=at,
                     expires_at=at + timedelta(hours=4)),
        VerificationAttempts(scope="phone", key=phone, failed_attempts=1, last_failed_at=at),
        VerificationAttempts(scope="conversation", key=conversation, failed_attempts=1, last_failed_at=at),
        NuisanceReport(conversation_id=conversation, channel="whatsapp", tenant_id=tenant_id,
                       about_address="lindenlaan 12", description=words, created_at=at),
        Escalation(conversation_id=conversation, channel="whatsapp", reason="safety", summary=words,
                   ticket_id=ticket_id, staff_name="Piet", staff_phone=STAFF_PHONE, created_at=at),
        ConversationOutcome(conversation_id=conversation, channel="whatsapp", kind=SELF_HELP_SOLVED, at=at),
        SatisfactionScore(conversation_id=conversation, channel="whatsapp", score=4, flow="ticket", at=at),
        ReviewFlag(event_id=event_id, conversation_id=conversation, flagged_by="fatima", flagged_at=at),
        ReviewDecision(event_id=event_id, conversation_id=conversation,
                       decision="ignored", decided_by="ops", decided_at=at),
        InboundMessage(channel="whatsapp", message_id=f"SM{conversation}", sender=phone, state="done",
                       received_at=at),
    ])  # fmt: skip
    session.flush()


@pytest.fixture
def world(db_session, tmp_path) -> World:
    """Gerda: an old WhatsApp conversation, a recent one in Meta's id form and one on Messenger;
    Henk: a recent WhatsApp conversation; an old Messenger conversation an agent has now."""
    now = utcnow()
    old, recent = now - timedelta(days=400), now - timedelta(days=10)
    path = tmp_path / "rasa_tracker.db"
    _conversation(path, GERDA_WHATSAPP, old, "whatsapp", photo=PHOTO)
    _conversation(path, GERDA_META, recent, "whatsapp")
    _conversation(path, GERDA_MESSENGER, recent, "messenger")
    _conversation(path, HENK_WHATSAPP, recent, "whatsapp")
    _conversation(path, HANDED_OVER, old, "messenger")
    session = db_session
    gerda = make_tenant(session, phones=(GERDA_PHONE,), first_name="Gerda", last_name="Bakkerman")
    henk = make_tenant(session, phones=(HENK_PHONE,), first_name="Henk", last_name="Zonneveld")
    closed = _ticket(session, tenant=gerda, conversation=GERDA_WHATSAPP, at=old, status="done",
                     note="Afspraak met Gerda gemaakt", photos=[PHOTO],
                     availability={"weekdays": ["di"]})  # fmt: skip
    still_open = _ticket(session, tenant=gerda, conversation=GERDA_WHATSAPP, at=old, status="planned")
    messenger = _ticket(session, tenant=gerda, conversation=GERDA_MESSENGER, at=recent, channel="messenger")
    recent_ticket = _ticket(
        session, tenant=henk, conversation=HENK_WHATSAPP, at=recent, status="done", note="ok"
    )
    old_handoff = _handoff(session, conversation=GERDA_WHATSAPP, channel="whatsapp", recipient=GERDA_PHONE,
                           tenant_id=gerda.id, at=old, status="closed")  # fmt: skip
    _handoff(session, conversation=HENK_WHATSAPP, channel="whatsapp", recipient=HENK_PHONE,
             tenant_id=henk.id, at=recent, status="closed")  # fmt: skip
    active = _handoff(session, conversation=HANDED_OVER, channel="messenger", recipient=HANDED_OVER,
                      tenant_id=None, at=old, status="claimed")  # fmt: skip
    _conversation_rows(session, conversation=GERDA_WHATSAPP, phone=GERDA_PHONE, tenant_id=gerda.id, at=old,
                       ticket_id=closed, event_id=1)  # fmt: skip
    _conversation_rows(session, conversation=HENK_WHATSAPP, phone=HENK_PHONE, tenant_id=henk.id, at=recent,
                       ticket_id=recent_ticket, event_id=7)  # fmt: skip
    queue_message(session, ticket_id=None, tenant_id=None, channel="whatsapp", recipient=GERDA_PHONE,
                  conversation_id=GERDA_META, text="Nee, nog niet.", now=recent)  # fmt: skip
    session.add(CallbackRequest(tenant_id=gerda.id, phone=GERDA_PHONE, reason="open", requested_at=old))
    # Flagged long ago in a conversation that is still going: its event is still there.
    session.add(ReviewFlag(event_id=3, conversation_id=GERDA_META, flagged_by="fatima", flagged_at=old))
    session.commit()
    world = World(
        now, path, gerda.id, henk.id, closed, still_open, recent_ticket, messenger, old_handoff, active
    )
    session.close()  # SQLite: no transaction of ours may hold the database while a run writes
    return world


@pytest.fixture
def tracker(world):
    engine = open_tracker(f"sqlite:///{world.tracker_path}")
    yield engine
    engine.dispose()


def _senders(tracker) -> set[str]:
    with tracker.connect() as connection:
        return set(connection.scalars(select(EVENTS.c.sender_id).distinct()))


def _snapshot(engine, tracker) -> dict:
    """Every row of every app table and of the tracker store."""
    tables = {**{t.name: t for t in load_models().sorted_tables}, "events": EVENTS}
    snapshot = {}
    for name, table in tables.items():
        with (tracker if name == "events" else engine).connect() as connection:
            snapshot[name] = connection.execute(select(table).order_by(*table.primary_key)).all()
    return snapshot


def _retention(db_engine, tracker, world, **options):
    return run_retention(app_engine=db_engine, tracker_engine=tracker, days=365, now=world.now, **options)


def _erase_gerda(db_engine, tracker, **options):
    # A national notation on purpose: the number is normalised before anything is looked up.
    return run_erasure(app_engine=db_engine, tracker_engine=tracker, phone="06-12340001", **options)


def test_retention_deletes_inactive_conversations_keeps_recent_and_handed_over(db_engine, tracker, world):
    report = _retention(db_engine, tracker, world)
    assert _senders(tracker) == {GERDA_META, GERDA_MESSENGER, HENK_WHATSAPP, HANDED_OVER}
    assert (report.conversations, report.kept_conversations) == (1, 1)
    assert report.counts["events"] == 2
    with tracker.connect() as connection:  # the photo link lived in the message metadata
        assert not any(PHOTO in data for data in connection.scalars(select(EVENTS.c.data)))


def test_retention_anonymises_closed_tickets_and_keeps_their_statistics(
    db_engine, db_session_factory, tracker, world
):
    with db_session_factory() as session:
        before = session.get(Ticket, world.closed_ticket)
        kept = ("number", "category", "problem", "room", "urgency", "trade", "status", "channel",
                "unit_id", "complex_id", "created_at", "updated_at", "planned_date",
                "someone_home_required")  # fmt: skip
        expected = {name: getattr(before, name) for name in kept}
    _retention(db_engine, tracker, world)
    with db_session_factory() as session:
        ticket = session.get(Ticket, world.closed_ticket)
        assert {name: getattr(ticket, name) for name in kept} == expected
        assert (ticket.description, ticket.photos, ticket.availability) == (REMOVED, [], None)
        assert (ticket.conversation_id, ticket.tenant_id) == (None, None)
        assert [h.note for h in ticket.history] == [None, REMOVED]
        assert [(h.to_status, h.by) for h in ticket.history] == [("open", "bot"), ("done", "Fatima")]


def test_retention_leaves_open_tickets_open_callbacks_and_recent_data_alone(
    db_engine, db_session_factory, tracker, world
):
    _retention(db_engine, tracker, world)
    with db_session_factory() as session:
        for ticket_id in (world.open_ticket, world.recent_ticket, world.messenger_ticket):
            ticket = session.get(Ticket, ticket_id)
            assert ticket.description in WORDS.values() and ticket.conversation_id is not None
        assert session.get(Ticket, world.open_ticket).tenant_id == world.gerda
        assert session.get(Ticket, world.recent_ticket).history[-1].note == "ok"
        callbacks = session.scalars(select(CallbackRequest.reason)).all()
        assert sorted(callbacks) == sorted(["open", WORDS[HENK_WHATSAPP]])
        assert session.scalars(select(NuisanceReport.conversation_id)).all() == [HENK_WHATSAPP]
        assert session.scalars(select(InboundMessage.sender)).all() == [HENK_PHONE]
        assert session.scalars(
            select(SatisfactionScore.conversation_id).order_by(SatisfactionScore.id)
        ).all() == [
            REMOVED,
            HENK_WHATSAPP,
        ]


def test_retention_removes_what_was_written_in_old_conversations(
    db_engine, db_session_factory, tracker, world
):
    _retention(db_engine, tracker, world)
    with db_session_factory() as session:
        handoff = session.get(Handoff, world.old_handoff)
        personal = ("conversation_id", "recipient", "detail", "summary", "tenant_id")
        assert [getattr(handoff, name) for name in personal] == [REMOVED, REMOVED, None, REMOVED, None]
        assert (handoff.reason, handoff.status, handoff.claimed_by) == (
            "asked_for_person",
            "closed",
            "fatima",
        )
        assert (
            session.scalars(select(HandoffNote).where(HandoffNote.handoff_id == world.old_handoff)).all()
            == []
        )
        assert (
            session.scalars(select(AgentMessage).where(AgentMessage.handoff_id == world.old_handoff)).all()
            == []
        )
        recipients = session.scalars(select(OutboxMessage.recipient)).all()
        assert STAFF_PHONE in recipients  # Henk's recent alert
        assert not any(GERDA_WHATSAPP in text for text in session.scalars(select(OutboxMessage.text)))
        assert session.scalars(select(Verification.conversation_id)).all() == [HENK_WHATSAPP]
        keys = {(a.scope, a.key) for a in session.scalars(select(VerificationAttempts))}
        assert keys == {("phone", HENK_PHONE), ("conversation", HENK_WHATSAPP)}
        escalation = session.scalars(select(Escalation).order_by(Escalation.id)).first()
        assert (escalation.conversation_id, escalation.summary, escalation.staff_name) == (
            REMOVED,
            REMOVED,
            "Piet",
        )
        assert session.scalars(select(ReviewDecision.conversation_id)).all() == [HENK_WHATSAPP]
        assert set(session.scalars(select(ReviewFlag.conversation_id))) == {GERDA_META, HENK_WHATSAPP}
        assert sorted(session.scalars(select(ConversationOutcome.conversation_id))) == sorted(
            [REMOVED, HENK_WHATSAPP]
        )


def test_retention_keeps_everything_of_a_conversation_with_an_active_handoff(
    db_engine, db_session_factory, tracker, world
):
    _retention(db_engine, tracker, world)
    assert HANDED_OVER in _senders(tracker)
    with db_session_factory() as session:
        handoff = session.get(Handoff, world.active_handoff)
        assert (handoff.status, handoff.detail, handoff.recipient) == (
            "claimed",
            WORDS[HANDED_OVER],
            HANDED_OVER,
        )
        assert (
            len(session.scalars(select(HandoffNote).where(HandoffNote.handoff_id == handoff.id)).all()) == 1
        )
        assert (
            len(session.scalars(select(AgentMessage).where(AgentMessage.handoff_id == handoff.id)).all()) == 1
        )
        assert session.scalars(
            select(OutboxMessage).where(OutboxMessage.conversation_id == HANDED_OVER)
        ).all()


@pytest.mark.parametrize("run", [_retention, _erase_gerda], ids=["retention", "erasure"])
def test_a_dry_run_changes_nothing_and_counts_what_a_run_does(db_engine, tracker, world, run):
    args = (db_engine, tracker, world) if run is _retention else (db_engine, tracker)
    before = _snapshot(db_engine, tracker)
    dry = run(*args, dry_run=True)
    assert _snapshot(db_engine, tracker) == before
    real = run(*args)
    assert dry.dry_run and not real.dry_run and dry.total > 0
    assert (dry.counts, dry.conversations, dry.tenants) == (real.counts, real.conversations, real.tenants)
    assert _snapshot(db_engine, tracker) != before


@pytest.mark.parametrize("run", [_retention, _erase_gerda], ids=["retention", "erasure"])
def test_a_second_run_changes_nothing_more(db_engine, tracker, world, run):
    args = (db_engine, tracker, world) if run is _retention else (db_engine, tracker)
    assert run(*args).total > 0
    after_first = _snapshot(db_engine, tracker)
    second = run(*args)
    assert (second.total, second.conversations) == (0, 0)
    assert _snapshot(db_engine, tracker) == after_first


def test_a_crash_leaves_nothing_half_done(db_engine, tracker, world, monkeypatch):
    before = _snapshot(db_engine, tracker)
    delete_events = privacy.delete_events

    def crash_after_the_last_step(*args, **kwargs):
        assert delete_events(*args, **kwargs) > 0
        raise RuntimeError("disk full")

    monkeypatch.setattr(privacy, "delete_events", crash_after_the_last_step)
    with pytest.raises(RuntimeError):
        _retention(db_engine, tracker, world)
    assert _snapshot(db_engine, tracker) == before


def test_rasa_can_write_to_the_tracker_store_while_the_app_database_is_worked_on(
    db_engine, tracker, world, monkeypatch
):
    retain_other_rows = privacy._retain_other_rows

    def write_like_rasa(*args):
        rasa = sqlite3.connect(world.tracker_path, timeout=0.2)
        with rasa:
            rasa.execute(
                "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, 'user', ?, '{}')",
                (HENK_WHATSAPP, time.time()),
            )
        rasa.close()
        return retain_other_rows(*args)

    monkeypatch.setattr(privacy, "_retain_other_rows", write_like_rasa)
    assert _retention(db_engine, tracker, world).conversations == 1
    with tracker.connect() as connection:
        henk = select(EVENTS.c.id).where(EVENTS.c.sender_id == HENK_WHATSAPP)
        assert len(connection.scalars(henk).all()) == 3


def _rows_of(snapshot: dict, table: str, *needles: str) -> list:
    return [row for row in snapshot[table] if any(needle in str(tuple(row)) for needle in needles)]


def test_erasure_removes_everything_of_one_number_across_channels_and_tables(db_engine, tracker, world):
    before = _snapshot(db_engine, tracker)
    henk_before = {table: _rows_of(before, table, "612340002", "Henk") for table in before}
    report = _erase_gerda(db_engine, tracker)
    assert _senders(tracker) == {HENK_WHATSAPP, HANDED_OVER}
    assert (report.conversations, report.tenants, report.open_tickets_anonymised) == (3, 1, 2)
    after = _snapshot(db_engine, tracker)
    gerda = ("612340001", GERDA_MESSENGER, "Gerda", "Bakkerman", PHOTO)
    gerda += tuple(WORDS[conversation] for conversation in (GERDA_WHATSAPP, GERDA_META, GERDA_MESSENGER))
    for table in set(after) - {"tenants", "tenant_phones"}:  # master data stays
        assert _rows_of(after, table, *gerda) == [], table
    assert _rows_of(after, "tenants", "Gerda") and _rows_of(after, "tenant_phones", "612340001")
    assert {table: _rows_of(after, table, "612340002", "Henk") for table in after} == henk_before
    tickets = {row.id: row for row in after["tickets"]}
    assert tickets[world.messenger_ticket].status == "open"  # anonymised, still to be done
    assert tickets[world.messenger_ticket].description == REMOVED


def test_erasure_by_conversation_id_takes_that_conversation_and_closes_its_handoff(
    db_engine, db_session_factory, tracker, world
):
    report = run_erasure(app_engine=db_engine, tracker_engine=tracker, conversation_id=HANDED_OVER)
    assert _senders(tracker) == {GERDA_WHATSAPP, GERDA_META, GERDA_MESSENGER, HENK_WHATSAPP}
    assert (report.conversations, report.tenants, report.active_handoffs_closed) == (1, 0, 1)
    assert report.counts["tickets"] == 0
    with db_session_factory() as session:
        handoff = session.get(Handoff, world.active_handoff)
        assert (handoff.status, handoff.recipient, handoff.detail) == ("closed", REMOVED, None)
        assert (
            session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == HANDED_OVER)).all() == []
        )
        assert session.get(Handoff, world.old_handoff).conversation_id == GERDA_WHATSAPP


def test_the_subject_of_a_number_is_found_in_every_sender_id_form(db_session_factory, tracker, world):
    with db_session_factory() as session, tracker.connect() as connection:
        subject = find_subject(session, connection, phone="+31 6 1234 0001")
    assert {GERDA_WHATSAPP, GERDA_META, GERDA_MESSENGER} <= subject.conversation_ids
    assert HENK_WHATSAPP not in subject.conversation_ids and HANDED_OVER not in subject.conversation_ids
    assert (subject.phone, subject.tenant_ids) == (GERDA_PHONE, frozenset({world.gerda}))


@pytest.mark.parametrize("phone", ["12345", "06-1234"])
def test_erasure_refuses_what_is_no_number_without_repeating_it(db_engine, phone):
    with pytest.raises(ValueError) as refused:
        run_erasure(app_engine=db_engine, tracker_engine=None, phone=phone)
    assert phone not in str(refused.value)


def test_retention_refuses_less_than_a_day(db_engine):
    with pytest.raises(ValueError, match="at least 1 day"):
        run_retention(app_engine=db_engine, tracker_engine=None, days=0)


def test_no_personal_data_in_the_logs_or_the_printed_summaries(
    world, migrated_url, monkeypatch, caplog, capsys, tmp_path
):
    monkeypatch.setenv("DATABASE_URL", migrated_url)
    monkeypatch.setenv("VAR_DIR", str(tmp_path))  # the tracker store is tmp_path/rasa_tracker.db
    caplog.set_level(logging.DEBUG)
    runs = (
        ["privacy", "retention", "--dry-run"],
        ["privacy", "retention"],
        ["privacy", "erase", "06-12340001"],
        ["privacy", "erase", "--conversation", HANDED_OVER],
        ["privacy", "erase", "+31612340002", "--dry-run"],
    )
    assert [cli.main(argv) for argv in runs] == [0] * len(runs)
    printed = capsys.readouterr()
    # Retention took Gerda's old WhatsApp conversation; the erasure finds her two others.
    assert "Retention: 1 conversation(s)" in printed.out and "Erasure: 2 conversation(s)" in printed.out
    assert any(record.name == "bot.privacy" for record in caplog.records)
    shown = printed.out + printed.err + caplog.text
    assert [value for value in PERSONAL if value in shown] == []


def test_erasure_keeps_master_data(db_engine, db_session_factory, tracker, world):
    _erase_gerda(db_engine, tracker)
    with db_session_factory() as session:
        assert session.get(Tenant, world.gerda).last_name == "Bakkerman"
        assert session.scalars(
            select(TenantPhone.number).where(TenantPhone.tenant_id == world.gerda)
        ).all() == [GERDA_PHONE]
