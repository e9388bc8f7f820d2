from datetime import date

import pytest

from bot import tenant_chat
from bot.tenants import normalise_postcode
from bot.tickets import change_status, open_ticket
from tests.db_fixtures import make_tenant, make_unit


@pytest.fixture
def tenant(db_session):
    tenant = make_tenant(
        db_session,
        unit=make_unit(db_session, postcode="9999XB", house_number=12, addition="A"),
        phones=("+31612345100",),
        customer_number="DL-55555",
        date_of_birth=date(1975, 3, 7),
    )
    db_session.commit()
    return tenant


def _verify(url, conversation="c1", **answers):
    values = {"postcode": "9999XB", "house_number": "12a", "extra_factor": "7-3-1975"}
    return tenant_chat.verify(url, conversation_id=conversation, sender=conversation, **{**values, **answers})


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("9999 xb", "9999XB"), ("1234AB", "1234AB"), ("12345", None), ("", None), (None, None)],
)
def test_the_form_reads_postcodes_with_the_tenant_module(raw, clean):
    assert normalise_postcode(raw) == clean


@pytest.mark.parametrize(("raw", "ok"), [("12", True), ("12a", True), ("12-1", True), ("twaalf", False)])
def test_clean_house_number(raw, ok):
    assert (tenant_chat.clean_house_number(raw) is not None) is ok


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("7-3-1975", "1975-03-07"), ("7 maart 1975", "1975-03-07"), ("dl-55555", "DL55555"), ("hallo", None)],
)
def test_clean_extra_factor_reads_a_date_of_birth_or_a_customer_number(raw, clean):
    cleaned = tenant_chat.clean_extra_factor(raw)
    assert (cleaned is None) is (clean is None)
    if clean:
        assert cleaned.replace("-", "") == clean.replace("-", "")


def test_right_answers_verify_and_show_only_this_tenants_tickets(db_session, migrated_url, tenant):
    other = make_tenant(db_session, phones=("+31612345199",), last_name="Neighbour")
    ticket = {"category": "repair", "channel": "rest"}
    mine = open_ticket(db_session, problem="leak", object_="tap", tenant=tenant, **ticket)
    planned = date(2026, 12, 1)
    change_status(db_session, ticket=mine, to="planned", by="planner", planned_date=planned, notify=False)
    theirs = open_ticket(db_session, problem="broken", tenant=other, **ticket)
    db_session.commit()

    assert tenant_chat.open_tickets_text(migrated_url, conversation_id="c1") is None
    assert _verify(migrated_url).status == "verified"
    assert tenant_chat.is_verified(migrated_url, conversation_id="c1")
    text = tenant_chat.open_tickets_text(migrated_url, conversation_id="c1")
    assert mine.number in text and "lekkage bij de kraan" in text and "dinsdag 1 december" in text
    assert theirs.number not in text and "Neighbour" not in text


def test_customer_number_works_as_the_extra_factor(migrated_url, tenant):
    assert _verify(migrated_url, extra_factor="dl-55555").status == "verified"


@pytest.mark.parametrize(
    "wrong", [{"postcode": "9999XC"}, {"house_number": "13"}, {"extra_factor": "8-3-1975"}]
)
def test_any_wrong_answer_gives_the_same_failure_then_a_lock(migrated_url, tenant, wrong):
    outcomes = [_verify(migrated_url, **wrong).status for _ in range(3)]
    assert outcomes == ["failed", "failed", "locked"]
    assert _verify(migrated_url).status == "locked"
    assert not tenant_chat.is_verified(migrated_url, conversation_id="c1")


def test_without_open_tickets_the_tenant_hears_so(migrated_url, tenant):
    _verify(migrated_url)
    assert "geen openstaande meldingen" in tenant_chat.open_tickets_text(migrated_url, conversation_id="c1")
