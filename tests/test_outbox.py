from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from bot.db import transaction
from bot.outbox import MAX_ATTEMPTS, OutboxMessage, mark_failed, mark_sent, pending_outbox, queue_message
from bot.tickets import PartOfDay, Ticket, TicketStatus, change_status, open_ticket, recipient_of
from tests.db_fixtures import make_complex, make_shared_area, make_tenant, make_unit, run_concurrently

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
PHONE = "+31612345001"
PATHS = {
    "planned": ["planned"],
    "in_progress": ["planned", "in_progress"],
    "done": ["planned", "in_progress", "done"],
    "cancelled": ["cancelled"],
}


def _open(session, **overrides) -> Ticket:
    values = {"category": "repair", "problem": "leak", "channel": "whatsapp", "now": NOW}
    return open_ticket(session, **{**values, **overrides})


def _reported(session, **overrides) -> Ticket:
    """A ticket from a tenant who wrote on WhatsApp from their own number."""
    tenant = overrides.pop("tenant", None) or make_tenant(session, phones=(PHONE,))
    return _open(session, tenant=tenant, conversation_id=f"whatsapp:{PHONE}", **overrides)


def _move(session, ticket: Ticket, status: str, **options) -> None:
    for step in PATHS[status]:
        change_status(session, ticket=ticket, to=step, by="planner", **(options if step == status else {}))


def _outbox(session) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_planning_records_a_dutch_message_for_the_reporter(db_session):
    ticket = _reported(db_session, someone_home_required=True)
    change_status(
        db_session,
        ticket=ticket,
        to="planned",
        by="planner",
        planned_date=date(2026, 3, 10),
        part_of_day="morning",
    )
    (message,) = _outbox(db_session)
    assert (message.ticket_id, message.tenant_id) == (ticket.id, ticket.tenant_id)
    assert (message.channel, message.recipient) == ("whatsapp", PHONE)
    assert message.text == (
        f"Goed nieuws: uw melding {ticket.number} is ingepland op dinsdag 10 maart (ochtend). "
        "Wilt u zorgen dat er dan iemand thuis is? Komt het niet uit? Stuur ons dan een bericht."
    )
    assert (message.sent_at, message.attempts, message.last_error) == (None, 0, None)
    assert message.created_at.tzinfo == timezone.utc
    assert (ticket.planned_date, ticket.planned_part_of_day) == (date(2026, 3, 10), PartOfDay.MORNING)


PLANNED = "Goed nieuws: uw melding {n} is ingepland. Wij laten u nog weten wanneer."
DONE = "Uw melding {n} is afgerond. Is het probleem nog niet opgelost? Stuur ons dan een bericht."
CANCELLED = (
    "Uw melding {n} is geannuleerd. Heeft u nog steeds last van het probleem? Stuur ons dan een bericht."
)


@pytest.mark.parametrize(
    ("status", "texts"),
    [
        ("planned", [PLANNED]),
        ("in_progress", [PLANNED]),  # nothing new for the tenant
        ("done", [PLANNED, DONE]),
        ("cancelled", [CANCELLED]),
    ],
)
def test_status_changes_tenants_hear_about(db_session, status, texts):
    ticket = _reported(db_session)
    _move(db_session, ticket, status)
    assert [message.text for message in _outbox(db_session)] == [
        text.format(n=ticket.number) for text in texts
    ]


def test_status_message_is_committed_with_the_status(db_session_factory):
    with transaction(db_session_factory) as session:
        ticket_id = _reported(session).id
    with transaction(db_session_factory) as session:
        change_status(session, ticket=session.get(Ticket, ticket_id), to="cancelled", by="tenant")
    with db_session_factory() as session:
        assert session.get(Ticket, ticket_id).status == TicketStatus.CANCELLED
        assert [message.ticket_id for message in _outbox(session)] == [ticket_id]


def test_status_message_is_rolled_back_with_the_status(db_session_factory):
    with transaction(db_session_factory) as session:
        ticket_id = _reported(session).id
    with pytest.raises(RuntimeError), transaction(db_session_factory) as session:
        change_status(session, ticket=session.get(Ticket, ticket_id), to="cancelled", by="tenant")
        assert len(_outbox(session)) == 1
        raise RuntimeError("the rest of the request failed")
    with db_session_factory() as session:
        assert session.get(Ticket, ticket_id).status == TicketStatus.OPEN
        assert _outbox(session) == []


def test_change_status_without_notify_records_no_message(db_session):
    change_status(db_session, ticket=_reported(db_session), to="cancelled", by="tenant", notify=False)
    assert _outbox(db_session) == []


def test_a_refused_status_change_records_no_message(db_session):
    ticket = _reported(db_session)
    with pytest.raises(ValueError):
        change_status(db_session, ticket=ticket, to="done", by="planner")
    assert _outbox(db_session) == []


@pytest.mark.parametrize("options", [{"planned_date": date(2026, 3, 10)}, {"part_of_day": "morning"}])
def test_planning_details_only_go_with_status_planned(db_session, options):
    with pytest.raises(ValueError, match="only goes with status planned"):
        change_status(db_session, ticket=_reported(db_session), to="cancelled", by="planner", **options)


def test_change_status_refuses_an_unknown_part_of_day(db_session):
    with pytest.raises(ValueError, match="night"):
        change_status(
            db_session, ticket=_reported(db_session), to="planned", by="planner", part_of_day="night"
        )


def test_planning_keeps_a_date_set_before(db_session):
    ticket = _reported(db_session)
    ticket.planned_date = date(2026, 3, 10)
    change_status(db_session, ticket=ticket, to="planned", by="planner")
    assert ticket.planned_date == date(2026, 3, 10)
    assert "dinsdag 10 maart." in _outbox(db_session)[0].text


@pytest.mark.parametrize(
    ("channel", "conversation_id", "tenant_phones", "expected"),
    [
        ("whatsapp", "whatsapp:+31612345001", ("+31612345099",), ("whatsapp", "+31612345001")),
        ("whatsapp", "31612345001", (), ("whatsapp", "+31612345001")),  # Meta's sender ids
        ("whatsapp", None, ("+31612345099", "+31612345098"), ("whatsapp", "+31612345099")),
        ("whatsapp", None, (), None),
        ("messenger", "7001234567890", ("+31612345099",), ("messenger", "7001234567890")),
        ("messenger", None, ("+31612345099",), None),
    ],
)
def test_recipient_of_a_ticket(db_session, channel, conversation_id, tenant_phones, expected):
    ticket = _open(
        db_session,
        channel=channel,
        conversation_id=conversation_id,
        tenant=make_tenant(db_session, phones=tenant_phones),
    )
    assert recipient_of(ticket) == expected


def test_unreachable_reporter_gets_no_message(db_session):
    change_status(db_session, ticket=_open(db_session, channel="web"), to="cancelled", by="planner")
    assert _outbox(db_session) == []


@pytest.fixture
def lift_reports(db_session):
    """An original lift ticket and its duplicates, from four neighbours and one repeat."""
    complex = make_complex(db_session)
    lift = make_shared_area(db_session, complex=complex)

    def report(phone: str, **overrides) -> Ticket:
        tenant = overrides.pop("tenant", None) or make_tenant(
            db_session, unit=make_unit(db_session, complex=complex), phones=(phone,)
        )
        values = {"tenant": tenant, "shared_area": lift, "conversation_id": f"whatsapp:{phone}"}
        return _open(db_session, problem="not_working", **{**values, **overrides})

    original = report("+31612345001")
    neighbour = report("+31612345002", duplicate_of=original)
    repeat = report("+31612345001", tenant=original.tenant, duplicate_of=original)
    messenger = report("+31612345003", duplicate_of=neighbour, channel="messenger", conversation_id="fb-3")
    withdrawn = report("+31612345004", duplicate_of=original)
    change_status(db_session, ticket=withdrawn, to="cancelled", by="tenant", notify=False)
    return original, neighbour, repeat, messenger, withdrawn


def test_done_original_tells_the_reporters_of_its_duplicates(db_session, lift_reports):
    original, neighbour, repeat, messenger, withdrawn = lift_reports
    _move(db_session, original, "done")
    done = [
        (m.ticket_id, m.channel, m.recipient, m.text) for m in _outbox(db_session) if "afgerond" in m.text
    ]
    linked = "Uw melding {} is afgerond, samen met melding {} over hetzelfde probleem."
    assert [row[:3] for row in done] == [
        (original.id, "whatsapp", "+31612345001"),
        (neighbour.id, "whatsapp", "+31612345002"),
        (messenger.id, "messenger", "fb-3"),
    ]
    assert done[0][3].startswith(f"Uw melding {original.number} is afgerond. ")
    assert done[1][3].startswith(linked.format(neighbour.number, original.number))
    assert done[2][3].startswith(linked.format(messenger.number, original.number))
    assert repeat.id not in {m.ticket_id for m in _outbox(db_session)}  # same phone: told once
    assert withdrawn.id not in {m.ticket_id for m in _outbox(db_session)}


@pytest.mark.parametrize("status", ["planned", "cancelled"])
def test_only_done_is_passed_on_to_duplicates(db_session, lift_reports, status):
    original = lift_reports[0]
    _move(db_session, original, status)
    assert {m.ticket_id for m in _outbox(db_session)} == {original.id}


# Reading and marking the outbox, as the channels will.


def _queue(session, ticket: Ticket, *, minutes: int = 0, text: str = "Hallo") -> OutboxMessage:
    return queue_message(
        session,
        ticket_id=ticket.id,
        tenant_id=ticket.tenant_id,
        channel="whatsapp",
        recipient=PHONE,
        text=text,
        now=NOW + timedelta(minutes=minutes),
    )


def test_pending_outbox_is_oldest_first_and_limited(db_session):
    ticket = _reported(db_session)
    later, first, second = (_queue(db_session, ticket, minutes=m, text=str(m)) for m in (9, 1, 2))
    assert pending_outbox(db_session) == [first, second, later]
    assert pending_outbox(db_session, 2) == [first, second]


def test_mark_sent_takes_a_message_out_of_the_outbox(db_session):
    ticket = _reported(db_session)
    sent, waiting = _queue(db_session, ticket), _queue(db_session, ticket, minutes=1)
    mark_sent(db_session, message=sent, now=NOW + timedelta(minutes=5))
    assert (sent.sent_at, sent.attempts, sent.is_sent) == (NOW + timedelta(minutes=5), 1, True)
    assert pending_outbox(db_session) == [waiting]
    with pytest.raises(ValueError, match="already sent"):
        mark_sent(db_session, message=sent)
    with pytest.raises(ValueError, match="already sent"):
        mark_failed(db_session, message=sent, error="late")


def test_mark_failed_counts_attempts_until_the_message_is_given_up(db_session):
    message = _queue(db_session, _reported(db_session))
    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert pending_outbox(db_session) == [message]
        mark_failed(db_session, message=message, error=f"HTTP 503 on attempt {attempt}")
    assert (message.attempts, message.last_error) == (MAX_ATTEMPTS, f"HTTP 503 on attempt {MAX_ATTEMPTS}")
    assert pending_outbox(db_session) == []
    assert pending_outbox(db_session, max_attempts=MAX_ATTEMPTS + 1) == [message]


def test_mark_sent_after_a_failure_clears_the_error(db_session):
    message = _queue(db_session, _reported(db_session))
    mark_failed(db_session, message=message, error="timeout")
    mark_sent(db_session, message=message)
    assert (message.attempts, message.last_error) == (2, None)


def test_outbox_survives_the_session(db_session_factory):
    with transaction(db_session_factory) as session:
        message_id = _queue(session, _reported(session)).id
    with transaction(db_session_factory) as session:
        mark_failed(session, message=session.get(OutboxMessage, message_id), error="timeout")
    with db_session_factory() as session:
        message = session.get(OutboxMessage, message_id)
        assert (message.attempts, message.last_error, message.created_at) == (1, "timeout", NOW)


def test_concurrent_senders_send_every_message_once(db_session_factory):
    with transaction(db_session_factory) as session:
        ticket = _reported(session)
        for minute in range(20):
            _queue(session, ticket, minutes=minute)

    def send() -> None:
        while True:
            with transaction(db_session_factory) as session:
                batch = pending_outbox(session, 3)
                for message in batch:
                    mark_sent(session, message=message)
            if not batch:
                return

    run_concurrently(send, threads=4)
    with db_session_factory() as session:
        attempts = session.scalars(select(OutboxMessage.attempts)).all()
        assert attempts == [1] * 20
        assert session.scalar(select(func.count()).where(OutboxMessage.sent_at.is_(None))) == 0
