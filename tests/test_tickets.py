import re
import threading
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from bot.db import transaction
from bot.tickets import (
    Contractor,
    ForbiddenTransition,
    Ticket,
    TicketHistory,
    TicketStatus,
    Trade,
    Urgency,
    change_status,
    format_ticket_number,
    next_ticket_number,
    open_ticket,
    open_tickets_for_tenant,
    request_callback,
)
from tests.db_fixtures import make_complex, make_shared_area, make_tenant, make_unit, run_concurrently

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
NUMBER_FORMAT = re.compile(r"R-\d{4}-\d{6}")


def _open(session, **overrides) -> Ticket:
    values = {"category": "repair", "problem": "leak", "channel": "whatsapp", "now": NOW}
    return open_ticket(session, **{**values, **overrides})


def _history(ticket: Ticket) -> list[tuple[str | None, str, str]]:
    return [(entry.from_status, entry.to_status, entry.by) for entry in ticket.history]


def test_format_ticket_number():
    assert format_ticket_number(year=2026, sequence=123) == "R-2026-000123"


def test_next_ticket_number_counts_per_year(db_session):
    numbers = [next_ticket_number(db_session, year=year) for year in (2026, 2026, 2027, 2026, 2027)]
    assert numbers == ["R-2026-000001", "R-2026-000002", "R-2027-000001", "R-2026-000003", "R-2027-000002"]


def test_next_ticket_number_is_given_back_on_rollback(db_session_factory):
    with db_session_factory() as session:
        next_ticket_number(session, year=2026)
        session.rollback()
    with transaction(db_session_factory) as session:
        assert next_ticket_number(session, year=2026) == "R-2026-000001"


def test_ticket_numbers_follow_the_dutch_calendar_year(db_session):
    new_years_eve = datetime(2025, 12, 31, 23, 30, tzinfo=timezone.utc)  # 00:30 on 1 January in NL
    assert _open(db_session, now=new_years_eve).number == "R-2026-000001"


def test_ticket_numbers_are_unique_in_the_database(db_session):
    _open(db_session)
    db_session.add(
        Ticket(
            number="R-2026-000001", category="repair", problem="leak", urgency=Urgency.NORMAL, channel="web"
        )
    )
    with pytest.raises(IntegrityError):
        db_session.flush()


def test_open_ticket_completes_the_location_from_the_tenant(db_session):
    tenant = make_tenant(db_session)
    ticket = _open(db_session, tenant=tenant, room="bathroom", urgency="urgent", trade="plumber")
    assert NUMBER_FORMAT.fullmatch(ticket.number)
    assert (ticket.unit, ticket.complex) == (tenant.unit, tenant.unit.complex)
    assert (ticket.status, ticket.urgency, ticket.trade) == (TicketStatus.OPEN, Urgency.URGENT, Trade.PLUMBER)
    assert ticket.created_at == ticket.updated_at == NOW
    assert _history(ticket) == [(None, "open", "bot")]


def test_open_ticket_for_a_shared_area_has_no_unit(db_session):
    tenant = make_tenant(db_session)
    lift = make_shared_area(db_session, complex=tenant.unit.complex)
    ticket = _open(db_session, tenant=tenant, shared_area=lift, problem="lift_broken")
    assert (ticket.unit, ticket.complex, ticket.shared_area) == (None, lift.complex, lift)


def test_open_ticket_stores_photos_availability_and_timestamps(db_session_factory):
    photos = ["https://media.example/1.jpg", "https://media.example/2.jpg"]
    availability = {"weekdays": ["ma", "wo"], "part_of_day": "ochtend"}
    with transaction(db_session_factory) as session:
        ticket_id = _open(
            session,
            photos=photos,
            availability=availability,
            someone_home_required=True,
            conversation_id="31612",
        ).id
    with db_session_factory() as session:
        ticket = session.get(Ticket, ticket_id)
        assert (ticket.photos, ticket.availability) == (photos, availability)
        assert ticket.someone_home_required is True
        assert ticket.created_at == NOW and ticket.created_at.tzinfo == timezone.utc


@pytest.mark.parametrize(
    ("field", "value"), [("category", "plumbing"), ("urgency", "asap"), ("trade", "astronaut")]
)
def test_open_ticket_refuses_unknown_values(db_session, field, value):
    with pytest.raises(ValueError, match=value):
        _open(db_session, **{field: value})


def test_open_ticket_refuses_a_location_that_contradicts_itself(db_session):
    unit = make_unit(db_session)
    with pytest.raises(ValueError, match="belong together"):
        _open(db_session, unit=unit, complex=make_complex(db_session))
    with pytest.raises(ValueError, match="does not rent"):
        _open(db_session, tenant=make_tenant(db_session), unit=unit)


def test_open_ticket_can_point_at_a_duplicate(db_session):
    first = _open(db_session)
    assert _open(db_session, duplicate_of=first).duplicate_of == first


def test_change_status_walks_the_whole_life_and_writes_history(db_session):
    ticket = _open(db_session)
    change_status(db_session, ticket=ticket, to=TicketStatus.PLANNED, by="planner", note="di 10 maart")
    change_status(db_session, ticket=ticket, to="in_progress", by="Demo Waterdicht")
    change_status(db_session, ticket=ticket, to=TicketStatus.DONE, by="Demo Waterdicht")
    assert ticket.status == TicketStatus.DONE
    assert _history(ticket) == [
        (None, "open", "bot"),
        ("open", "planned", "planner"),
        ("planned", "in_progress", "Demo Waterdicht"),
        ("in_progress", "done", "Demo Waterdicht"),
    ]
    assert ticket.history[1].note == "di 10 maart"
    assert all(entry.at.tzinfo == timezone.utc for entry in ticket.history)
    assert ticket.updated_at > NOW


@pytest.mark.parametrize("path", [[], ["planned"], ["planned", "in_progress"]])
def test_change_status_cancels_from_any_open_state(db_session, path):
    ticket = _open(db_session)
    for status in path:
        change_status(db_session, ticket=ticket, to=status, by="planner")
    change_status(db_session, ticket=ticket, to="cancelled", by="tenant", note="zelf opgelost")
    assert ticket.status == TicketStatus.CANCELLED
    assert _history(ticket)[-1] == (path[-1] if path else "open", "cancelled", "tenant")


@pytest.mark.parametrize(
    ("path", "to"),
    [
        ([], "in_progress"),
        ([], "done"),
        ([], "open"),
        (["planned"], "open"),
        (["planned"], "done"),
        (["planned", "in_progress"], "planned"),
        (["planned", "in_progress", "done"], "cancelled"),
        (["planned", "in_progress", "done"], "open"),
        (["cancelled"], "open"),
        (["cancelled"], "planned"),
    ],
)
def test_change_status_refuses_forbidden_transitions(db_session, path, to):
    ticket = _open(db_session)
    for status in path:
        change_status(db_session, ticket=ticket, to=status, by="planner")
    before = _history(ticket)
    with pytest.raises(ForbiddenTransition, match=f"{ticket.number} cannot go from .* to {to}"):
        change_status(db_session, ticket=ticket, to=to, by="planner")
    db_session.expire_all()
    assert _history(ticket) == before
    assert ticket.status == TicketStatus(path[-1] if path else "open")


def test_forbidden_transition_says_what_is_allowed(db_session):
    ticket = _open(db_session)
    with pytest.raises(ForbiddenTransition, match=r"allowed from open: cancelled, planned"):
        change_status(db_session, ticket=ticket, to="done", by="planner")


def test_change_status_refuses_unknown_statuses(db_session):
    with pytest.raises(ValueError, match="finished"):
        change_status(db_session, ticket=_open(db_session), to="finished", by="planner")


def test_database_refuses_unknown_statuses(db_session):
    ticket = _open(db_session)
    with pytest.raises(IntegrityError):
        db_session.execute(text("UPDATE tickets SET status = 'finished' WHERE id = :id"), {"id": ticket.id})


def test_open_tickets_for_tenant_leaves_out_final_and_other_tenants_tickets(db_session):
    tenant = make_tenant(db_session)
    first, done, cancelled, second = (_open(db_session, tenant=tenant) for _ in range(4))
    _open(db_session, tenant=make_tenant(db_session))
    for status in ("planned", "in_progress", "done"):
        change_status(db_session, ticket=done, to=status, by="planner")
    change_status(db_session, ticket=cancelled, to="cancelled", by="tenant")
    change_status(db_session, ticket=second, to="planned", by="planner")
    assert open_tickets_for_tenant(db_session, tenant=tenant) == [first, second]


def test_contractors_work_for_several_complexes(db_session_factory):
    with transaction(db_session_factory) as session:
        complexes = [make_complex(session), make_complex(session)]
        session.add(Contractor(name="Demo Lift", trade=Trade.LIFT, phone="+31612346001", complexes=complexes))
    with db_session_factory() as session:
        contractor = session.scalars(select(Contractor)).one()
        assert (contractor.trade, contractor.on_call, len(contractor.complexes)) == (Trade.LIFT, False, 2)


def test_request_callback_by_phone_stores_e164(db_session):
    request = request_callback(db_session, reason="vraag over huur", phone="06-12345678", now=NOW)
    assert (request.phone, request.tenant, request.handled_at) == ("+31612345678", None, None)


def test_request_callback_needs_a_tenant_or_a_valid_phone(db_session):
    with pytest.raises(ValueError, match="tenant or a phone"):
        request_callback(db_session, reason="?")
    with pytest.raises(ValueError, match="not a valid phone"):
        request_callback(db_session, reason="?", phone="123")
    assert request_callback(db_session, reason="?", tenant=make_tenant(db_session)).phone is None


def _open_concurrently(session_factory, *, threads: int, per_thread: int) -> list[str]:
    numbers: list[str] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(per_thread):
            with transaction(session_factory) as session:
                number = _open(session).number
            with lock:
                numbers.append(number)

    run_concurrently(work, threads=threads)
    return numbers


@pytest.mark.parametrize(("threads", "per_thread"), [(8, 25)])
def test_concurrent_ticket_numbers_are_unique_and_gapless(db_engine, db_session_factory, threads, per_thread):
    if db_engine.dialect.name == "sqlite":
        threads, per_thread = 4, 10  # one writer at a time: smaller, same guarantees
    numbers = _open_concurrently(db_session_factory, threads=threads, per_thread=per_thread)
    total = threads * per_thread
    assert len(numbers) == len(set(numbers)) == total
    assert sorted(numbers) == [format_ticket_number(year=2026, sequence=n) for n in range(1, total + 1)]
    with db_session_factory() as session:
        assert session.scalar(select(text("count(*)")).select_from(Ticket)) == total
        assert session.scalar(select(text("count(*)")).select_from(TicketHistory)) == total


def test_planned_date_is_a_plain_date(db_session_factory):
    with transaction(db_session_factory) as session:
        ticket = _open(session)
        ticket.planned_date = date(2026, 3, 10)
        change_status(session, ticket=ticket, to="planned", by="planner")
    with db_session_factory() as session:
        assert session.get(Ticket, ticket.id).planned_date == date(2026, 3, 10)
