import dataclasses
from datetime import date, datetime, timedelta, timezone

import pytest

from bot.db import transaction
from bot.duplicates import DUPLICATE_WINDOW, DuplicateNotice, duplicate_notice, find_duplicate
from bot.tickets import Ticket, TicketStatus, change_status, open_ticket
from tests.db_fixtures import make_complex, make_shared_area, make_tenant, make_unit

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
STATUS_PATHS = {
    "open": [],
    "planned": ["planned"],
    "in_progress": ["planned", "in_progress"],
    "done": ["planned", "in_progress", "done"],
    "cancelled": ["cancelled"],
}


def _open(session, **overrides) -> Ticket:
    values = {"category": "repair", "problem": "not_working", "channel": "whatsapp", "now": NOW}
    return open_ticket(session, **{**values, **overrides})


def _move(session, ticket: Ticket, status: str, **planning) -> Ticket:
    for step in STATUS_PATHS[status]:
        change_status(
            session, ticket=ticket, to=step, by="planner", **(planning if step == "planned" else {})
        )
    return ticket


@pytest.fixture
def flat(db_session):
    """A complex with a lift and a stairwell, and two neighbours living there."""
    complex = make_complex(db_session)
    return {
        "complex": complex,
        "lift": make_shared_area(db_session, complex=complex, code="lift", name="lift"),
        "stairwell": make_shared_area(db_session, complex=complex, code="stairwell", name="trappenhuis"),
        "first": make_tenant(
            db_session, unit=make_unit(db_session, complex=complex), phones=("+31612345001",)
        ),
        "second": make_tenant(
            db_session, unit=make_unit(db_session, complex=complex), phones=("+31612345002",)
        ),
    }


def _neighbour_report(db_session, flat, **overrides) -> Ticket:
    values = {"tenant": flat["first"], "shared_area": flat["lift"], "object_": "lift"}
    return _open(db_session, **{**values, **overrides})


def _find(db_session, flat, **overrides) -> Ticket | None:
    values = {"tenant": flat["second"], "shared_area": flat["lift"], "problem": "not_working", "now": NOW}
    return find_duplicate(db_session, **{**values, **overrides})


@pytest.mark.parametrize("status", ["open", "planned", "in_progress"])
def test_shared_area_problem_duplicates_an_open_ticket_of_a_neighbour(db_session, flat, status):
    original = _move(db_session, _neighbour_report(db_session, flat), status)
    assert _find(db_session, flat, object_="lift") == original


@pytest.mark.parametrize("status", ["done", "cancelled"])
def test_shared_area_problem_is_new_once_the_ticket_is_closed(db_session, flat, status):
    _move(db_session, _neighbour_report(db_session, flat), status)
    assert _find(db_session, flat) is None


def test_a_neighbours_nuisance_report_in_a_shared_area_is_never_shared(db_session, flat):
    _neighbour_report(db_session, flat, category="nuisance")
    assert _find(db_session, flat) is None


def test_shared_area_problem_duplicates_the_oldest_open_original(db_session, flat):
    older = _neighbour_report(db_session, flat, now=NOW - timedelta(days=3))
    _neighbour_report(db_session, flat, now=NOW - timedelta(days=1))
    assert _find(db_session, flat) == older


def test_shared_area_problem_never_duplicates_a_duplicate(db_session, flat):
    original = _neighbour_report(db_session, flat, now=NOW - timedelta(days=3))
    _neighbour_report(db_session, flat, tenant=flat["second"], duplicate_of=original)
    _move(db_session, original, "done")
    assert _find(db_session, flat, tenant=None) is None


@pytest.mark.parametrize(
    "change",
    [
        {"problem": "stuck"},
        {"shared_area": "stairwell"},
        {"shared_area": "other_complex"},
    ],
)
def test_shared_area_problem_differs_by_problem_and_area(db_session, flat, change):
    _neighbour_report(db_session, flat)
    if "shared_area" in change:
        other = make_shared_area(db_session, complex=make_complex(db_session), code="lift", name="lift")
        change = {"shared_area": flat.get(change["shared_area"], other)}
    assert _find(db_session, flat, tenant=None, **change) is None


@pytest.mark.parametrize(
    ("earlier", "new", "duplicate"),
    [("light", "light", True), ("light", "door", False), (None, "light", True), ("light", None, True)],
)
def test_shared_area_problem_compares_the_object_when_both_know_it(db_session, flat, earlier, new, duplicate):
    original = _neighbour_report(db_session, flat, shared_area=flat["stairwell"], object_=earlier)
    found = _find(db_session, flat, shared_area=flat["stairwell"], object_=new)
    assert found == (original if duplicate else None)


def _own_report(db_session, tenant, **overrides) -> Ticket:
    values = {"tenant": tenant, "problem": "leak", "object_": "tap", "room": "kitchen"}
    return _open(db_session, **{**values, **overrides})


def _find_own(db_session, tenant, **overrides) -> Ticket | None:
    values = {"tenant": tenant, "problem": "leak", "object_": "tap", "room": "kitchen", "now": NOW}
    return find_duplicate(db_session, **{**values, **overrides})


@pytest.mark.parametrize(
    ("age", "duplicate"),
    [(timedelta(hours=1), True), (DUPLICATE_WINDOW, True), (DUPLICATE_WINDOW + timedelta(minutes=1), False)],
)
def test_same_report_of_a_tenant_within_14_days_is_a_duplicate(db_session, flat, age, duplicate):
    earlier = _own_report(db_session, flat["first"], now=NOW - age)
    assert _find_own(db_session, flat["first"]) == (earlier if duplicate else None)


@pytest.mark.parametrize(("status", "duplicate"), [(s, s != "cancelled") for s in STATUS_PATHS])
def test_same_report_of_a_tenant_duplicates_any_earlier_ticket_but_a_cancelled_one(
    db_session, flat, status, duplicate
):
    earlier = _move(db_session, _own_report(db_session, flat["first"], now=NOW - timedelta(days=2)), status)
    assert _find_own(db_session, flat["first"]) == (earlier if duplicate else None)


@pytest.mark.parametrize(
    "change",
    [{"problem": "blocked"}, {"object_": "shower"}, {"room": "bathroom"}, {"tenant": "second"}],
)
def test_same_report_needs_the_same_tenant_problem_object_and_room(db_session, flat, change):
    _own_report(db_session, flat["first"], now=NOW - timedelta(days=1))
    change = dict(change)  # the parameters are shared by both backends' runs
    tenant = flat[change.pop("tenant", "first")]
    assert _find_own(db_session, tenant, **change) is None


def test_same_report_leaves_out_details_the_tenant_did_not_give(db_session, flat):
    earlier = _own_report(db_session, flat["first"], now=NOW - timedelta(days=1))
    assert _find_own(db_session, flat["first"], object_=None, room=None) == earlier


def test_report_at_home_does_not_duplicate_one_in_a_shared_area(db_session, flat):
    _neighbour_report(db_session, flat, now=NOW - timedelta(days=1))
    assert _find(db_session, flat, tenant=flat["first"], shared_area=None, object_="lift") is None


def test_same_report_points_at_the_original_of_an_earlier_duplicate(db_session, flat):
    original = _neighbour_report(db_session, flat, now=NOW - timedelta(days=5))
    _neighbour_report(
        db_session, flat, tenant=flat["second"], duplicate_of=original, now=NOW - timedelta(days=4)
    )
    _move(db_session, original, "done")  # no open original left: the tenant's own rule applies
    assert _find(db_session, flat, object_="lift") == original


def test_same_report_ignores_an_earlier_duplicate_of_a_cancelled_ticket(db_session, flat):
    original = _neighbour_report(db_session, flat, now=NOW - timedelta(days=5))
    _neighbour_report(
        db_session, flat, tenant=flat["second"], duplicate_of=original, now=NOW - timedelta(days=4)
    )
    _move(db_session, original, "cancelled")
    assert _find(db_session, flat) is None


def test_find_duplicate_refuses_a_shared_area_of_another_complex(db_session, flat):
    with pytest.raises(ValueError, match="in its complex"):
        _find(db_session, flat, complex=make_complex(db_session))


def test_open_ticket_stores_the_duplicate_it_is_given(db_session_factory):
    with transaction(db_session_factory) as session:
        complex = make_complex(session)
        lift = make_shared_area(session, complex=complex)
        original = _open(session, shared_area=lift)
        tenant = make_tenant(session, unit=make_unit(session, complex=complex))
        found = find_duplicate(session, tenant=tenant, shared_area=lift, problem="not_working", now=NOW)
        duplicate_id = _open(session, tenant=tenant, shared_area=lift, duplicate_of=found).id
    with db_session_factory() as session:
        duplicate = session.get(Ticket, duplicate_id)
        assert (duplicate.duplicate_of.number, duplicate.duplicate_of_id) == (original.number, original.id)
        assert duplicate.number != original.number


# What the tenant may be told about a neighbour's ticket.

NEIGHBOUR = {
    "first_name": "Wilhelmina",
    "last_name": "Zwanenburg-Oosterhuis",
    "customer_number": "DL-77777",
    "email": "w.zwanenburg@private.example",
    "date_of_birth": date(1961, 7, 23),
}
NEIGHBOUR_PHONE = "+31687654321"
NEIGHBOUR_UNIT = {"street": "Geheimstraat", "postcode": "1234ZZ", "house_number": 4321, "addition": "BIS"}
NEIGHBOUR_DESCRIPTION = "Lift staat stil, bel Wilhelmina op 06-87654321, Geheimstraat 4321 bis"


def _personal_values(tenant) -> list[str]:
    unit = tenant.unit
    return [
        *(str(value) for value in NEIGHBOUR.values()),
        *(str(value) for value in NEIGHBOUR_UNIT.values()),
        NEIGHBOUR_PHONE,
        NEIGHBOUR_PHONE.replace("+31", "0"),
        "87654321",
        NEIGHBOUR_DESCRIPTION,
        "Wilhelmina",
        "Zwanenburg",
        tenant.name,
        unit.address,
        unit.postcode[:4] + " " + unit.postcode[4:],
        "availability-secret",
    ]


@pytest.mark.parametrize("status", ["open", "planned", "in_progress", "done"])
def test_duplicate_notice_tells_nothing_personal_of_the_neighbour(db_session, status):
    complex = make_complex(db_session)
    lift = make_shared_area(db_session, complex=complex)
    neighbour = make_tenant(
        db_session,
        unit=make_unit(db_session, complex=complex, **NEIGHBOUR_UNIT),
        phones=(NEIGHBOUR_PHONE,),
        **NEIGHBOUR,
    )
    original = _open(
        db_session,
        tenant=neighbour,
        shared_area=lift,
        description=NEIGHBOUR_DESCRIPTION,
        conversation_id=f"whatsapp:{NEIGHBOUR_PHONE}",
        availability={"note": "availability-secret"},
        photos=["https://media.example/Zwanenburg.jpg"],
    )
    _move(db_session, original, status, planned_date=date(2026, 3, 10), part_of_day="morning")

    notice = duplicate_notice(original)

    assert [field.name for field in dataclasses.fields(DuplicateNotice)] == [
        "number",
        "status",
        "planned_date",
        "text",
    ]
    assert notice.number == original.number
    assert notice.status == TicketStatus(status)
    assert notice.planned_date == (date(2026, 3, 10) if status in ("planned", "in_progress") else None)
    assert notice.text.startswith("Dit probleem is ")
    shown = [str(getattr(notice, field.name)) for field in dataclasses.fields(notice)] + [repr(notice)]
    for value in shown:
        for personal in _personal_values(neighbour):
            assert personal.lower() not in value.lower(), f"{personal!r} leaks through {value!r}"
        assert "1961" not in value and "whatsapp" not in value


def test_duplicate_notice_gives_the_planned_date_and_part_of_day(db_session):
    ticket = _move(
        db_session, _open(db_session), "planned", planned_date=date(2026, 3, 10), part_of_day="afternoon"
    )
    assert duplicate_notice(ticket) == DuplicateNotice(
        number=ticket.number,
        status=TicketStatus.PLANNED,
        planned_date=date(2026, 3, 10),
        text="Dit probleem is al bij ons gemeld en wordt opgepakt. "
        "Het is ingepland op dinsdag 10 maart (middag).",
    )


def test_duplicate_notice_of_an_open_ticket_without_date(db_session):
    notice = duplicate_notice(_open(db_session))
    assert (notice.planned_date, notice.text) == (
        None,
        "Dit probleem is al bij ons gemeld en wordt opgepakt.",
    )


def test_duplicate_notice_cannot_be_changed(db_session):
    notice = duplicate_notice(_open(db_session))
    with pytest.raises(dataclasses.FrozenInstanceError):
        notice.text = "Uw buurvrouw heeft het al gemeld."


def test_duplicate_notice_refuses_a_cancelled_ticket(db_session):
    with pytest.raises(ValueError, match="cancelled"):
        duplicate_notice(_move(db_session, _open(db_session), "cancelled"))
