from datetime import date, datetime, timedelta, timezone

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select

from bot import db
from bot.verification import (
    LOCK_DURATION,
    NextStep,
    Result,
    Status,
    Verification,
    VerificationAttempts,
    VerificationService,
    normalise_customer_number,
    parse_date_of_birth,
)
from tests.db_fixtures import BACKENDS, fresh_database, make_tenant, make_unit

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=timezone.utc)
PHONE = "+31612345678"
OTHER_PHONE = "+31687654321"
UNKNOWN_PHONE = "+31611111111"
BIRTH = date(1980, 3, 7)
RIGHT = {"postcode": "9999XA", "house_number": "12A", "date_of_birth": "7-3-1980"}
WRONG = {**RIGHT, "date_of_birth": "8-3-1980"}
FAILED_ONCE = Result(Status.FAILED, attempts_left=2)
VERIFICATION_TABLES = {"verifications", "verification_attempts"}


class FakeClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def make_verifiable_tenant(session, **overrides):
    unit = make_unit(session, postcode="9999XA", house_number=12, addition="A")
    values = {"customer_number": "DL-12345", "date_of_birth": BIRTH, "phones": (PHONE,)}
    return make_tenant(session, unit=unit, **{**values, **overrides})


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def service(db_session, clock):
    return VerificationService(db_session, clock)


@pytest.fixture
def tenant(db_session):
    return make_verifiable_tenant(db_session)


def fail(service, conversation="conv-1", sender=PHONE):
    return service.check(conversation, sender, **WRONG)


# What to ask


@pytest.mark.parametrize("sender", [PHONE, "whatsapp:+31612345678", OTHER_PHONE, "default", None])
def test_start_asks_the_same_whether_or_not_the_number_is_known(service, tenant, sender):
    assert service.start("conv-1", sender) is NextStep.ASK_ADDRESS_AND_EXTRA_FACTOR


# Verifying


@pytest.mark.parametrize(
    "sender", ["0612345678", "06-12345678", "+31612345678", "0031612345678", "whatsapp:+31612345678"]
)
def test_check_verifies_a_known_number_in_any_notation(service, tenant, sender):
    result = service.check("conv-1", sender, **RIGHT)
    assert result == Result(Status.VERIFIED, attempts_left=3, tenant_id=tenant.id)
    assert not result.offer_person


@pytest.mark.parametrize("sender", [OTHER_PHONE, "whatsapp:+31687654321", "default", None])
def test_check_verifies_an_unknown_sender_by_address_and_extra_factor(service, tenant, sender):
    assert service.check("conv-1", sender, **RIGHT).tenant_id == tenant.id


@pytest.mark.parametrize(
    ("postcode", "house_number"),
    [("9999XA", "12A"), ("9999 xa", "12a"), ("9999xa", "12 A"), (" 9999 XA ", "12-a"), ("9999XA", "12/A")],
)
def test_check_accepts_address_notations(service, tenant, postcode, house_number):
    answers = {**RIGHT, "postcode": postcode, "house_number": house_number}
    assert service.check("conv-1", PHONE, **answers).status is Status.VERIFIED


@pytest.mark.parametrize(("house_number", "addition"), [("12", ""), (12, ""), ("12-1", "1"), ("12 hs", "HS")])
def test_check_accepts_house_numbers_with_and_without_addition(db_session, service, house_number, addition):
    unit = make_unit(db_session, postcode="9999XB", house_number=12, addition=addition)
    tenant = make_tenant(db_session, unit=unit, date_of_birth=BIRTH)
    answers = {**RIGHT, "postcode": "9999XB", "house_number": house_number}
    assert service.check("conv-1", PHONE, **answers).tenant_id == tenant.id


@pytest.mark.parametrize(
    "raw",
    [
        "7-3-1980",
        "07-03-1980",
        "7/3/1980",
        "7.3.1980",
        "7 maart 1980",
        "7 Maart 1980",
        "7 mrt. 1980",
        "1980-03-07",
        "07031980",
        " 7 - 3 - 1980 ",
        BIRTH,
    ],
)
def test_check_accepts_dutch_date_notations(service, tenant, raw):
    answers = {**RIGHT, "date_of_birth": raw}
    assert service.check("conv-1", PHONE, **answers).tenant_id == tenant.id


@pytest.mark.parametrize("raw", ["DL-12345", "dl-12345", "DL 12345", " dl12345 ", "d l - 1 2 3 4 5"])
def test_check_accepts_the_customer_number_instead_of_the_date_of_birth(service, tenant, raw):
    answers = {**RIGHT, "date_of_birth": None, "customer_number": raw}
    assert service.check("conv-1", PHONE, **answers).tenant_id == tenant.id


def test_check_with_both_extra_factors_right_verifies(service, tenant):
    answers = {**RIGHT, "customer_number": "DL-12345"}
    assert service.check("conv-1", PHONE, **answers).tenant_id == tenant.id


# Failing: one generic result, whatever was wrong


@pytest.mark.parametrize(
    "wrong",
    [
        {"postcode": "9999XB"},
        {"house_number": "13A"},
        {"house_number": "12B"},
        {"house_number": "12"},
        {"date_of_birth": "8-3-1980"},
        {"date_of_birth": "7-3-1981"},
        {"date_of_birth": None, "customer_number": "DL-99999"},
        {"customer_number": "DL-99999"},
        {"date_of_birth": None},
        {"date_of_birth": "gisteren"},
        {"postcode": None},
        {"postcode": "hello"},
        {"house_number": None},
        {"house_number": "twaalf"},
    ],
    ids=lambda wrong: ",".join(f"{key}={value}" for key, value in wrong.items()),
)
@pytest.mark.parametrize("sender", [PHONE, OTHER_PHONE])
def test_check_gives_the_same_failure_for_every_wrong_answer(service, tenant, wrong, sender):
    assert service.check("conv-1", sender, **{**RIGHT, **wrong}) == FAILED_ONCE


def test_check_never_verifies_as_another_tenant(db_session, service, tenant):
    unit = make_unit(db_session, postcode="9999XC", house_number=3)
    other = make_tenant(db_session, unit=unit, date_of_birth=date(1990, 1, 1), phones=(OTHER_PHONE,))
    mixed = [
        {**RIGHT, "postcode": "9999XC", "house_number": "3"},  # other's address, tenant's birth date
        {**RIGHT, "date_of_birth": "1-1-1990"},  # tenant's address, other's birth date
        {**RIGHT, "date_of_birth": None, "customer_number": other.customer_number},
    ]
    for answers in mixed:
        assert service.check("conv-1", UNKNOWN_PHONE, **answers).tenant_id is None
    answers = {"postcode": "9999XC", "house_number": "3", "date_of_birth": "1-1-1990"}
    assert service.check("conv-2", OTHER_PHONE, **answers).tenant_id == other.id


def test_check_refuses_another_home_from_a_tenants_number(db_session, service, tenant):
    unit = make_unit(db_session, postcode="9999XC", house_number=3)
    make_tenant(db_session, unit=unit, date_of_birth=BIRTH, phones=(OTHER_PHONE,))
    answers = {**RIGHT, "postcode": "9999XC", "house_number": "3"}
    assert service.check("conv-1", PHONE, **answers) == FAILED_ONCE


def test_check_verifies_a_co_tenant_from_the_other_tenants_number(db_session, service, tenant):
    partner = make_tenant(db_session, unit=tenant.unit, date_of_birth=date(1982, 5, 1), phones=())
    answers = {**RIGHT, "date_of_birth": "1 mei 1982"}
    assert service.check("conv-1", PHONE, **answers).tenant_id == partner.id


def test_check_tells_co_tenants_with_one_birth_date_apart_by_phone_only(db_session, service, tenant):
    partner = make_tenant(db_session, unit=tenant.unit, date_of_birth=BIRTH, phones=(OTHER_PHONE,))
    assert service.check("conv-1", OTHER_PHONE, **RIGHT).tenant_id == partner.id
    assert service.check("conv-2", UNKNOWN_PHONE, **RIGHT) == FAILED_ONCE


@pytest.mark.parametrize(
    "tenancy",
    [
        {"tenancy_start": date(2010, 1, 1), "tenancy_end": date(2026, 6, 14)},
        {"tenancy_start": date(2026, 6, 16)},
    ],
    ids=["ended", "future"],
)
def test_check_refuses_a_tenancy_that_is_not_current(db_session, service, tenancy):
    make_verifiable_tenant(db_session, **tenancy)
    assert service.check("conv-1", PHONE, **RIGHT) == FAILED_ONCE
    assert service.check("conv-2", OTHER_PHONE, **RIGHT) == FAILED_ONCE


def test_check_verifies_the_new_tenant_not_the_previous_one(db_session, service, tenant):
    tenant.tenancy_end = date(2026, 5, 31)
    new = make_tenant(db_session, unit=tenant.unit, tenancy_start=date(2026, 6, 1), phones=())
    assert service.check("conv-1", OTHER_PHONE, **RIGHT) == FAILED_ONCE
    answers = {**RIGHT, "date_of_birth": new.date_of_birth}
    assert service.check("conv-1", OTHER_PHONE, **answers).tenant_id == new.id


# Lockout


def test_three_failures_lock_and_offer_a_person(service, tenant, clock):
    assert fail(service) == Result(Status.FAILED, attempts_left=2)
    assert fail(service) == Result(Status.FAILED, attempts_left=1)
    locked = fail(service)
    assert locked == Result(Status.LOCKED, attempts_left=0, locked_until=NOW + LOCK_DURATION)
    assert locked.offer_person
    assert service.start("conv-1", PHONE) is NextStep.LOCKED


def test_while_locked_even_right_answers_do_not_verify(service, tenant):
    for _ in range(3):
        fail(service)
    result = service.check("conv-1", PHONE, **RIGHT)
    assert result.status is Status.LOCKED
    assert result.tenant_id is None
    assert service.verified_tenant("conv-1") is None


def test_lock_holds_until_15_minutes_have_passed(service, tenant, clock):
    for _ in range(3):
        fail(service)
    clock.advance(minutes=14, seconds=59)
    assert service.start("conv-1", PHONE) is NextStep.LOCKED
    assert service.check("conv-1", PHONE, **RIGHT).status is Status.LOCKED
    clock.advance(seconds=1)
    assert service.start("conv-1", PHONE) is NextStep.ASK_ADDRESS_AND_EXTRA_FACTOR
    assert service.check("conv-1", PHONE, **RIGHT).tenant_id == tenant.id


def test_after_a_lock_the_attempts_start_afresh(service, tenant, clock):
    for _ in range(3):
        fail(service)
    clock.advance(minutes=15)
    assert fail(service) == FAILED_ONCE


def test_lock_applies_to_a_new_conversation_from_the_same_number(service, tenant):
    for _ in range(3):
        fail(service, conversation="conv-1", sender=PHONE)
    assert service.start("conv-2", "whatsapp:+31612345678") is NextStep.LOCKED
    assert service.check("conv-2", "06-12345678", **RIGHT).status is Status.LOCKED
    assert service.start("conv-3", OTHER_PHONE) is NextStep.ASK_ADDRESS_AND_EXTRA_FACTOR


def test_lock_applies_to_the_conversation_whatever_the_sender(service, tenant):
    for _ in range(3):
        fail(service, sender=OTHER_PHONE)
    assert service.start("conv-1", PHONE) is NextStep.LOCKED


def test_failures_of_one_number_add_up_across_conversations(service, tenant):
    fail(service, conversation="conv-1")
    fail(service, conversation="conv-2")
    assert fail(service, conversation="conv-3").status is Status.LOCKED


def test_failures_are_forgotten_an_hour_after_the_last_one(service, tenant, clock):
    fail(service)
    fail(service)
    clock.advance(minutes=59)
    assert fail(service).status is Status.LOCKED
    clock.advance(minutes=15)
    fail(service)
    fail(service)
    clock.advance(hours=1)
    assert fail(service) == FAILED_ONCE


def test_success_resets_the_failures(service, tenant):
    fail(service)
    fail(service)
    service.check("conv-1", PHONE, **RIGHT)
    assert fail(service) == FAILED_ONCE


# Remembering


def test_verification_is_remembered_for_the_conversation_only(service, tenant):
    service.check("conv-1", PHONE, **RIGHT)
    assert service.verified_tenant("conv-1") == tenant.id
    assert service.start("conv-1", PHONE) is NextStep.ALREADY_VERIFIED
    assert service.verified_tenant("conv-2") is None
    assert service.start("conv-2", PHONE) is NextStep.ASK_ADDRESS_AND_EXTRA_FACTOR


def test_verification_lapses_after_an_hour_without_use(service, tenant, clock):
    service.check("conv-1", PHONE, **RIGHT)
    clock.advance(minutes=59)
    assert service.verified_tenant("conv-1") == tenant.id
    clock.advance(minutes=59)
    assert service.verified_tenant("conv-1") == tenant.id
    clock.advance(minutes=60)
    assert service.verified_tenant("conv-1") is None
    assert service.start("conv-1", PHONE) is NextStep.ASK_ADDRESS_AND_EXTRA_FACTOR


def test_verification_lapses_after_four_hours_however_often_used(service, tenant, clock):
    service.check("conv-1", PHONE, **RIGHT)
    for _ in range(7):
        clock.advance(minutes=30)
        assert service.verified_tenant("conv-1") == tenant.id
    clock.advance(minutes=30)
    assert service.verified_tenant("conv-1") is None


def test_forget_ends_the_verification_but_not_the_failures(service, tenant):
    fail(service)
    fail(service)
    service.forget("conv-1")
    assert fail(service).status is Status.LOCKED
    service.check("conv-2", OTHER_PHONE, **RIGHT)
    service.forget("conv-2")
    assert service.verified_tenant("conv-2") is None


def test_a_failed_check_ends_an_earlier_verification(service, tenant):
    service.check("conv-1", PHONE, **RIGHT)
    fail(service)
    assert service.verified_tenant("conv-1") is None


def test_verification_ends_with_the_tenancy(service, tenant, clock):
    tenant.tenancy_end = date(2026, 6, 15)
    clock.now = datetime(2026, 6, 15, 21, 30, tzinfo=timezone.utc)
    service.check("conv-1", PHONE, **RIGHT)
    clock.advance(minutes=29)  # 23:59 in Amsterdam, the last day of the tenancy
    assert service.verified_tenant("conv-1") == tenant.id
    clock.advance(minutes=1)
    assert service.verified_tenant("conv-1") is None


def test_verification_and_failures_survive_a_restart(db_session_factory, clock):
    def call(method, *args, **kwargs):
        with db.transaction(db_session_factory) as session:
            return getattr(VerificationService(session, clock), method)(*args, **kwargs)

    with db.transaction(db_session_factory) as session:
        tenant_id = make_verifiable_tenant(session).id
    assert call("check", "conv-1", PHONE, **RIGHT).tenant_id == tenant_id
    assert call("verified_tenant", "conv-1") == tenant_id
    call("check", "conv-2", OTHER_PHONE, **WRONG)
    call("check", "conv-2", OTHER_PHONE, **WRONG)
    assert call("check", "conv-2", OTHER_PHONE, **WRONG).status is Status.LOCKED
    assert call("start", "conv-3", OTHER_PHONE) is NextStep.LOCKED


def test_purge_expired_deletes_only_what_no_longer_counts(db_session, service, tenant, clock):
    service.check("conv-1", PHONE, **RIGHT)
    for _ in range(3):
        fail(service, conversation="conv-2", sender=OTHER_PHONE)
    assert service.purge_expired() == 2  # the counters reset by the success
    clock.advance(minutes=61)
    assert service.purge_expired() == 3  # the verification and the passed locks
    assert db_session.scalars(select(Verification)).all() == []
    assert db_session.scalars(select(VerificationAttempts)).all() == []


def test_service_refuses_a_naive_clock(service, db_session):
    naive = VerificationService(db_session, clock=lambda: datetime(2026, 6, 15, 10, 0))
    with pytest.raises(ValueError, match="naive"):
        naive.start("conv-1", PHONE)


# Parsing answers


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("7-3-1980", BIRTH),
        ("07-03-1980", BIRTH),
        ("7/3/1980", BIRTH),
        ("7 maart 1980", BIRTH),
        ("7 MRT 1980", BIRTH),
        ("1980-03-07", BIRTH),
        ("07031980", BIRTH),
        ("31 december 1999", date(1999, 12, 31)),
        ("1 okt. 1955", date(1955, 10, 1)),
        ("29-2-2000", date(2000, 2, 29)),
    ],
)
def test_parse_date_of_birth_reads_dutch_notations(raw, expected):
    assert parse_date_of_birth(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "gisteren",
        "7-3-80",
        "3/7",
        "32-1-1980",
        "7-13-1980",
        "29-2-2001",
        "7 march 1980",
        "19800307",
        "7-3-1880",
        "1980-13-07",
    ],
)
def test_parse_date_of_birth_refuses_other_text(raw):
    assert parse_date_of_birth(raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"), [("dl-123", "DL123"), (" DL 123 ", "DL123"), ("", None), (None, None)]
)
def test_normalise_customer_number_ignores_case_spaces_and_dashes(raw, expected):
    assert normalise_customer_number(raw) == expected


# Migration


@pytest.mark.parametrize("backend", BACKENDS)
def test_migration_adds_and_removes_the_verification_tables(backend, tmp_path):
    previous = ScriptDirectory.from_config(Config(str(db.ALEMBIC_INI))).get_revision("0003").down_revision
    with fresh_database(backend, tmp_path) as url:
        db.migrate(url)
        db.downgrade(url, previous)
        engine = db.create_engine_from_url(url)
        try:
            tables = set(inspect(engine).get_table_names())
            assert not tables & VERIFICATION_TABLES
            assert "tenants" in tables
            db.migrate(url)
            assert VERIFICATION_TABLES <= set(inspect(engine).get_table_names())
        finally:
            engine.dispose()
