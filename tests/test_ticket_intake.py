from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from bot.escalation import Escalation
from bot.office_hours import load_office_hours
from bot.outbox import OutboxMessage
from bot.routing import load_routing
from bot.ticket_intake import TicketDraft, draft_ticket, open_from_conversation, summary_text
from bot.tickets import Contractor, Ticket, Trade, Urgency
from bot.triage.schema import Problem
from tests.db_fixtures import make_shared_area, make_tenant, make_unit, make_verified_tenant

OFFICE_HOURS = load_office_hours()
FRIDAY_MORNING = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)
SATURDAY_NIGHT = datetime(2026, 11, 28, 21, 0, tzinfo=timezone.utc)  # 22:00 in Amsterdam


def _problem(**fields) -> Problem:
    base = {
        "id": "water_leak",
        "name": "lekkage",
        "recognise": {"words": ["lek"]},
        "outcomes": [{"urgency": "emergency", "trade": "plumber"}],
    }
    return Problem.parse_obj({**base, **fields})


def _draft(**overrides) -> TicketDraft:
    values = {
        "problem_id": "water_leak",
        "problem_name": "lekkage",
        "urgency": Urgency.URGENT,
        "trade": Trade.PLUMBER,
        "room": "bathroom",
        "description": "het lekt bij de douche",
    }
    return TicketDraft(**{**values, **overrides})


def test_the_summary_says_what_where_how_fast_who_and_when_home():
    draft = _draft(
        availability={"weekdays": ["monday"], "parts_of_day": ["morning"]}, photos=("https://x/1.jpg",)
    )
    assert summary_text(draft) == (
        "lekkage in de badkamer; dit moet snel opgelost worden en er komt een loodgieter. "
        "U bent thuis op maandag, in de ochtend. Uw foto sturen we mee"
    )


def test_an_emergency_summary_does_not_ask_when_the_tenant_is_home():
    assert summary_text(_draft(urgency=Urgency.EMERGENCY)) == (
        "lekkage in de badkamer; dit is spoed en er komt een loodgieter"
    )


def test_self_help_that_failed_becomes_a_normal_repair_by_a_general_contractor():
    problem = _problem(outcomes=[{"urgency": "self_help", "self_help": "bleed_radiator"}])
    draft = draft_ticket(problem, problem.outcomes[0], answers={}, description="  koud  ")
    assert (draft.urgency, draft.trade, draft.description) == (Urgency.NORMAL, Trade.GENERAL, "koud")


def test_a_draft_survives_a_round_trip_through_a_slot():
    draft = _draft(availability={"weekdays": [], "parts_of_day": []}, photos=("a",), answers={"x": True})
    assert TicketDraft.from_slot(draft.to_slot()) == draft


@pytest.fixture
def verified(db_session):
    """A verified conversation `conv-1` of a tenant at 9999XA 7."""
    return make_verified_tenant(db_session, conversation_id="conv-1")


def _open(url, draft, *, now=FRIDAY_MORNING, conversation_id="conv-1"):
    return open_from_conversation(
        url,
        draft=draft,
        conversation_id=conversation_id,
        channel="whatsapp",
        office_hours=OFFICE_HOURS,
        now=now,
    )


def test_a_ticket_is_opened_for_the_verified_tenant_with_what_the_conversation_collected(
    db_session, migrated_url, verified
):
    availability = {"weekdays": ["tuesday"], "parts_of_day": []}
    opened = _open(migrated_url, _draft(availability=availability, photos=("https://x/1.jpg",)))
    assert opened.number.startswith("R-2026-") and opened.duplicate_text is None
    assert opened.handling_time == OFFICE_HOURS.handling_times["urgent"]
    ticket = db_session.scalars(select(Ticket)).one()
    assert (ticket.tenant_id, ticket.unit_id, ticket.urgency, ticket.trade) == (
        verified.id,
        verified.unit_id,
        Urgency.URGENT,
        Trade.PLUMBER,
    )
    assert (ticket.channel, ticket.conversation_id, ticket.photos) == (
        "whatsapp",
        "conv-1",
        ["https://x/1.jpg"],
    )
    assert ticket.availability == availability and ticket.someone_home_required


def test_nothing_is_opened_for_a_conversation_that_is_not_verified(db_session, migrated_url, verified):
    assert _open(migrated_url, _draft(), conversation_id="stranger") is None
    assert db_session.scalars(select(Ticket)).all() == []


def test_out_of_hours_a_normal_repair_says_when_we_are_back(migrated_url, verified):
    opened = _open(migrated_url, _draft(urgency=Urgency.NORMAL), now=SATURDAY_NIGHT)
    assert "Wij zijn er weer maandag 30 november om 08:00" in opened.handling_time
    assert not opened.on_call_alerted


def test_an_emergency_out_of_hours_alerts_the_on_call_contractor_of_the_trade(
    db_session, migrated_url, verified
):
    db_session.add_all(
        [
            Contractor(name="Dagloodgieter", trade=Trade.PLUMBER, phone="+31612346001", on_call=False),
            Contractor(name="Nachtloodgieter", trade=Trade.PLUMBER, phone="+31612346002", on_call=True),
            Contractor(name="Nachtelektricien", trade=Trade.ELECTRICIAN, phone="+31612346003", on_call=True),
        ]
    )
    db_session.commit()
    opened = _open(migrated_url, _draft(urgency=Urgency.EMERGENCY), now=SATURDAY_NIGHT)
    assert opened.on_call_alerted and "dienstdoende" in opened.handling_time
    (message,) = db_session.scalars(select(OutboxMessage)).all()
    assert message.recipient == "+31612346002" and opened.number in message.text
    assert "9999 XA" in message.text  # the contractor needs the address to go there


def test_an_emergency_out_of_hours_without_an_on_call_contractor_warns_the_on_call_staff(
    db_session, migrated_url, verified
):
    db_session.add(
        Contractor(name="Nachtelektricien", trade=Trade.ELECTRICIAN, phone="+31612346003", on_call=True)
    )
    db_session.commit()
    opened = open_from_conversation(
        migrated_url,
        draft=_draft(urgency=Urgency.EMERGENCY),
        conversation_id="conv-1",
        channel="whatsapp",
        office_hours=OFFICE_HOURS,
        routing=load_routing(),
        now=SATURDAY_NIGHT,
    )
    assert not opened.on_call_alerted
    escalation = db_session.scalars(select(Escalation)).one()
    assert escalation.reason == "no_on_call_contractor" and escalation.ticket_id is not None
    (message,) = db_session.scalars(select(OutboxMessage)).all()
    on_call = load_routing().on_call_at(OFFICE_HOURS.local(SATURDAY_NIGHT))
    assert message.recipient == on_call.phone and f"Melding: {opened.number}." in message.text


def test_an_emergency_during_office_hours_is_dispatched_by_colleagues_not_the_on_call_service(
    db_session, migrated_url, verified
):
    db_session.add(
        Contractor(name="Nachtloodgieter", trade=Trade.PLUMBER, phone="+31612346002", on_call=True)
    )
    db_session.commit()
    opened = _open(migrated_url, _draft(urgency=Urgency.EMERGENCY), now=FRIDAY_MORNING)
    assert not opened.on_call_alerted
    assert db_session.scalars(select(OutboxMessage)).all() == []


def test_a_shared_area_problem_already_reported_by_a_neighbour_is_linked_without_their_data(
    db_session, migrated_url, verified
):
    lift = make_shared_area(db_session, complex=verified.unit.complex, code="lift", name="lift")
    neighbour = make_tenant(
        db_session, unit=make_unit(db_session, complex=verified.unit.complex), last_name="Buurman"
    )
    db_session.commit()
    from bot.tickets import open_ticket

    original = open_ticket(
        db_session,
        category="repair",
        problem="lift_out_of_order",
        channel="whatsapp",
        urgency=Urgency.URGENT,
        tenant=neighbour,
        shared_area=lift,
        trade=Trade.LIFT,
    )
    db_session.commit()
    draft = _draft(
        problem_id="lift_out_of_order", problem_name="lift", trade=Trade.LIFT, room=None, shared_area=True
    )
    opened = _open(migrated_url, draft)
    assert opened.duplicate_text and "al bij ons gemeld" in opened.duplicate_text
    assert "Buurman" not in opened.duplicate_text and neighbour.unit.address not in opened.duplicate_text
    new = db_session.scalars(select(Ticket).where(Ticket.number == opened.number)).one()
    assert new.duplicate_of_id == original.id and new.shared_area_id == lift.id
    assert not new.someone_home_required
