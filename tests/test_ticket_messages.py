import locale
from datetime import date, timedelta

import pytest

from bot.ticket_messages import (
    MONTHS,
    WEEKDAYS,
    cancelled_message,
    done_message,
    duplicate_message,
    format_date,
    format_slot,
    planned_message,
)

TUESDAY = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 1, 1), "donderdag 1 januari"),
        (TUESDAY, "dinsdag 10 maart"),
        (date(2026, 5, 31), "zondag 31 mei"),
        (date(2026, 12, 7), "maandag 7 december"),
    ],
)
def test_format_date_writes_dutch_weekday_day_and_month(day, expected):
    assert format_date(day) == expected


def test_format_date_names_every_weekday_and_month_in_dutch():
    days = [date(2026, 1, 5) + timedelta(days=n) for n in range(7)]  # Monday to Sunday
    assert [format_date(day).split()[0] for day in days] == list(WEEKDAYS)
    months = [format_date(date(2026, month, 1)).split()[2] for month in range(1, 13)]
    assert months == list(MONTHS)


def test_format_date_does_not_depend_on_the_locale():
    previous = locale.setlocale(locale.LC_TIME)
    try:
        locale.setlocale(locale.LC_TIME, "C")
        assert format_date(TUESDAY) == "dinsdag 10 maart"
    finally:
        locale.setlocale(locale.LC_TIME, previous)


def test_format_slot_adds_the_part_of_day_when_known():
    assert format_slot(TUESDAY, "ochtend") == "dinsdag 10 maart (ochtend)"
    assert format_slot(TUESDAY) == "dinsdag 10 maart"


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (
            {"planned_date": TUESDAY, "part_of_day": "middag"},
            "Goed nieuws: uw melding R-2026-000001 is ingepland op dinsdag 10 maart (middag). "
            "Komt het niet uit? Stuur ons dan een bericht.",
        ),
        (
            {"planned_date": TUESDAY, "someone_home_required": True},
            "Goed nieuws: uw melding R-2026-000001 is ingepland op dinsdag 10 maart. "
            "Wilt u zorgen dat er dan iemand thuis is? Komt het niet uit? Stuur ons dan een bericht.",
        ),
        (
            {"planned_date": None, "part_of_day": "ochtend"},
            "Goed nieuws: uw melding R-2026-000001 is ingepland. Wij laten u nog weten wanneer.",
        ),
    ],
)
def test_planned_message(kwargs, expected):
    assert planned_message(number="R-2026-000001", **kwargs) == expected


def test_done_message_for_a_ticket_and_for_a_duplicate():
    assert done_message(number="R-2026-000001") == (
        "Uw melding R-2026-000001 is afgerond. Is het probleem nog niet opgelost? Stuur ons dan een bericht."
    )
    linked = done_message(number="R-2026-000004", original_number="R-2026-000001")
    assert linked.startswith(
        "Uw melding R-2026-000004 is afgerond, samen met melding R-2026-000001 over hetzelfde probleem."
    )


def test_cancelled_message():
    assert cancelled_message(number="R-2026-000001").startswith("Uw melding R-2026-000001 is geannuleerd.")


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"finished": False}, "Dit probleem is al bij ons gemeld en wordt opgepakt."),
        (
            {"finished": False, "planned_date": TUESDAY, "part_of_day": "avond"},
            "Dit probleem is al bij ons gemeld en wordt opgepakt. "
            "Het is ingepland op dinsdag 10 maart (avond).",
        ),
        (
            {"finished": True, "planned_date": TUESDAY},
            "Dit probleem is kort geleden al bij ons gemeld en toen afgerond. Wij kijken er opnieuw naar.",
        ),
    ],
)
def test_duplicate_message(kwargs, expected):
    assert duplicate_message(**kwargs) == expected
