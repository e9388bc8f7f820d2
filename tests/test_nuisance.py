from datetime import datetime, timedelta, timezone

import pytest

from bot.nuisance import add_report, is_serious, normalise_address

NOW = datetime(2026, 11, 27, 20, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Lindenlaan 12a", "lindenlaan 12a"),
        ("ze wonen op de Kastanjestraat 4-2", "kastanjestraat 4-2"),
        ("het is de Lindenlaan nummer 12", "lindenlaan 12"),
        ("9999 XA 12", "9999xa 12"),
        ("de buren op 14", None),
        ("bij de buren boven", None),
    ],
)
def test_an_address_is_read_from_the_tenants_words(text, address):
    assert normalise_address(text) == address


@pytest.mark.parametrize(
    ("text", "serious"),
    [
        ("mijn buurman bedreigt me", True),
        ("er wordt in het portiek gedeald, drugs overal", True),
        ("ze schelden me uit om mijn afkomst, echt racisme", True),
        ("de bovenburen draaien elke nacht harde muziek", False),
        ("de hond van de buren blaft de hele dag", False),
    ],
)
def test_threats_violence_discrimination_and_drugs_are_serious(text, serious):
    assert is_serious(text) is serious


def _report(session, address, *, serious=False, now=NOW, conversation="c1"):
    return add_report(
        session,
        conversation_id=conversation,
        channel="whatsapp",
        address=address,
        description="overlast",
        serious=serious,
        now=now,
    )


def test_a_first_report_gets_advice_a_second_about_the_same_address_goes_to_a_person(db_session):
    first = _report(db_session, "Lindenlaan 14")
    assert (first.reports_about_address, first.to_a_person) == (1, False)
    second = _report(db_session, "lindenlaan 14", conversation="c2", now=NOW + timedelta(days=30))
    assert (second.reports_about_address, second.to_a_person, second.reason) == (2, True, "nuisance_repeated")


def test_reports_older_than_six_months_do_not_count(db_session):
    _report(db_session, "Lindenlaan 14", now=NOW - timedelta(days=200))
    assert not _report(db_session, "Lindenlaan 14").to_a_person


def test_a_serious_report_goes_to_a_person_the_first_time_and_without_an_address(db_session):
    assessment = _report(db_session, "weet ik niet", serious=True)
    assert assessment.to_a_person and assessment.reason == "nuisance_serious"
