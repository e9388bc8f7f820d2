from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError

from bot.tenants import (
    current_tenant,
    find_tenants_by_phone,
    find_unit,
    normalise_phone,
    normalise_postcode,
    parse_house_number,
)
from tests.db_fixtures import make_complex, make_tenant, make_unit

TODAY = date(2026, 6, 15)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0612345678", "+31612345678"),
        ("06-12345678", "+31612345678"),
        ("06 1234 5678", "+31612345678"),
        ("+31612345678", "+31612345678"),
        ("+31 6 12345678", "+31612345678"),
        ("+31 (0)6 12345678", "+31612345678"),
        ("0031612345678", "+31612345678"),
        ("whatsapp:+31612345678", "+31612345678"),
        ("WhatsApp:+31612345678", "+31612345678"),
        (" 06-12345678 ", "+31612345678"),
        ("020-1234567", "+31201234567"),
        ("+32470123456", "+32470123456"),
    ],
)
def test_normalise_phone_accepts_dutch_notations(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [None, "", "   ", "06", "061234567", "0612345678901", "hello", "whatsapp:", "+31 6 1234", "12345678"],
)
def test_normalise_phone_refuses_invalid_numbers(raw):
    assert normalise_phone(raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1234AB", "1234AB"), ("1234 ab", "1234AB"), ("1234ab", "1234AB"), (" 9999 xa ", "9999XA")],
)
def test_normalise_postcode_accepts_dutch_postcodes(raw, expected):
    assert normalise_postcode(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [None, "", "123AB", "12345AB", "0123AB", "1234A", "1234ABC", "1234-AB", "AB1234", "1234SS", "1234 A B"],
)
def test_normalise_postcode_refuses_other_text(raw):
    assert normalise_postcode(raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", (12, "")),
        (12, (12, "")),
        ("12a", (12, "A")),
        ("12A", (12, "A")),
        ("12 A", (12, "A")),
        ("12-a", (12, "A")),
        ("12-1", (12, "1")),
        ("12 - 1", (12, "1")),
        ("12/2", (12, "2")),
        ("12-hs", (12, "HS")),
        ("12a-1", (12, "A1")),
        (" 7 ", (7, "")),
        ("99999", (99999, "")),
    ],
)
def test_parse_house_number_splits_number_and_addition(raw, expected):
    assert parse_house_number(raw) == expected


@pytest.mark.parametrize(
    "raw", [None, "", "0", "012", "a12", "12-", "12a!", "123456", "12 abcdefg", "-12", "twaalf"]
)
def test_parse_house_number_refuses_other_text(raw):
    assert parse_house_number(raw) is None


def test_find_tenants_by_phone_matches_any_notation(db_session):
    tenant = make_tenant(db_session, phones=("+31612345678",))
    for notation in ("06-12345678", "whatsapp:+31612345678", "0031612345678"):
        assert find_tenants_by_phone(db_session, phone=notation, on=TODAY) == [tenant]


def test_find_tenants_by_phone_skips_ended_and_future_tenancies(db_session):
    unit = make_unit(db_session)
    make_tenant(db_session, unit=unit, tenancy_start=date(2010, 1, 1), tenancy_end=date(2019, 12, 31))
    make_tenant(db_session, unit=unit, tenancy_start=date(2027, 1, 1))
    assert find_tenants_by_phone(db_session, phone="0612345678", on=TODAY) == []


def test_find_tenants_by_phone_counts_the_first_and_last_day(db_session):
    tenant = make_tenant(db_session, tenancy_start=date(2020, 1, 1), tenancy_end=date(2026, 6, 15))
    assert find_tenants_by_phone(db_session, phone="0612345678", on=date(2020, 1, 1)) == [tenant]
    assert find_tenants_by_phone(db_session, phone="0612345678", on=date(2026, 6, 15)) == [tenant]
    assert find_tenants_by_phone(db_session, phone="0612345678", on=date(2026, 6, 16)) == []


def test_find_tenants_by_phone_finds_everyone_sharing_a_number(db_session):
    first = make_tenant(db_session, phones=("+31612345678",))
    second = make_tenant(db_session, phones=("+31687654321", "+31612345678"))
    make_tenant(db_session, phones=("+31611111111",))
    assert find_tenants_by_phone(db_session, phone="06-12345678", on=TODAY) == [first, second]


def test_find_tenants_by_phone_moved_tenant_matches_only_the_new_tenancy(db_session):
    make_tenant(db_session, customer_number="OLD", tenancy_end=date(2025, 12, 31))
    new = make_tenant(db_session, customer_number="NEW", tenancy_start=date(2026, 1, 1))
    assert find_tenants_by_phone(db_session, phone="0612345678", on=TODAY) == [new]


def test_find_tenants_by_phone_with_an_invalid_number_finds_nobody(db_session):
    make_tenant(db_session)
    assert find_tenants_by_phone(db_session, phone="not a number", on=TODAY) == []


def test_find_unit_accepts_any_notation(db_session):
    unit = make_unit(db_session, postcode="9999XA", house_number=12, addition="A")
    make_unit(db_session, postcode="9999XA", house_number=12, addition="")
    assert find_unit(db_session, postcode="9999 xa", house_number=12, addition="a") == unit
    assert find_unit(db_session, postcode="9999XA", house_number=12, addition="-A") == unit


def test_find_unit_without_addition_is_not_the_one_with(db_session):
    plain = make_unit(db_session, postcode="9999XA", house_number=12)
    make_unit(db_session, postcode="9999XA", house_number=12, addition="1")
    assert find_unit(db_session, postcode="9999XA", house_number=12) == plain
    assert find_unit(db_session, postcode="9999XA", house_number=12, addition="2") is None


def test_find_unit_with_an_invalid_postcode_finds_nothing(db_session):
    make_unit(db_session, postcode="9999XA", house_number=12)
    assert find_unit(db_session, postcode="nonsense", house_number=12) is None


def test_current_tenant_follows_the_tenancies_of_a_unit(db_session):
    unit = make_unit(db_session)
    old = make_tenant(db_session, unit=unit, tenancy_start=date(2010, 1, 1), tenancy_end=date(2021, 3, 31))
    new = make_tenant(db_session, unit=unit, tenancy_start=date(2021, 4, 1))
    assert current_tenant(db_session, unit=unit, on=TODAY) == new
    assert current_tenant(db_session, unit=unit, on=date(2015, 1, 1)) == old
    assert current_tenant(db_session, unit=unit, on=date(2009, 1, 1)) is None


def test_current_tenant_of_a_vacant_unit_is_none(db_session):
    unit = make_unit(db_session)
    make_tenant(db_session, unit=unit, tenancy_end=date(2025, 1, 31))
    assert current_tenant(db_session, unit=unit, on=TODAY) is None


def test_customer_numbers_are_unique(db_session):
    make_tenant(db_session, customer_number="DL-1")
    with pytest.raises(IntegrityError):
        make_tenant(db_session, customer_number="DL-1")


def test_addresses_are_unique(db_session):
    complex = make_complex(db_session)
    make_unit(db_session, complex=complex, postcode="9999XA", house_number=1, addition="")
    with pytest.raises(IntegrityError):
        make_unit(db_session, complex=complex, postcode="9999XA", house_number=1, addition="")


def test_tenancy_cannot_end_before_it_starts(db_session):
    with pytest.raises(IntegrityError):
        make_tenant(db_session, tenancy_start=date(2020, 1, 1), tenancy_end=date(2019, 1, 1))


def test_unit_address_reads_like_a_letter(db_session):
    unit = make_unit(db_session, street="Beukenhof", postcode="9999XC", house_number=2, addition="1")
    assert unit.address == "Beukenhof 2-1, 9999 XC"
