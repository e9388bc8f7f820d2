from datetime import date, datetime, timezone

import pytest

from bot.datafiles import DataFileError
from bot.office_hours import OfficeHours, load_office_hours

DEFAULT = load_office_hours()


def _hours(**overrides) -> OfficeHours:
    base = {
        "days": {
            d: {"open": "08:00", "close": "17:00"}
            for d in ("monday", "tuesday", "wednesday", "thursday", "friday")
        },
        "handling_times": {"emergency": "nu", "urgent": "snel", "normal": "gepland"},
    }
    return OfficeHours.parse_obj({**base, **overrides})


@pytest.mark.parametrize(
    ("moment", "open_"),
    [
        (datetime(2026, 11, 27, 10, 0), True),  # a Friday morning
        (datetime(2026, 11, 27, 17, 0), False),  # closing time
        (datetime(2026, 11, 28, 10, 0), False),  # Saturday
        (datetime(2026, 12, 25, 10, 0), False),  # Christmas Day
        (datetime(2026, 4, 27, 10, 0), False),  # King's Day
        (datetime(2026, 5, 14, 10, 0), False),  # Ascension Day
    ],
)
def test_default_hours_are_weekdays_8_to_17_without_dutch_public_holidays(moment, open_):
    assert DEFAULT.is_open(moment) is open_


def test_moments_in_utc_are_judged_in_amsterdam_time():
    # 07:30 UTC in winter is 08:30 in Amsterdam.
    assert DEFAULT.is_open(datetime(2026, 11, 27, 7, 30, tzinfo=timezone.utc))
    assert not DEFAULT.is_open(datetime(2026, 11, 27, 6, 30, tzinfo=timezone.utc))


def test_next_opening_skips_weekends_and_holidays():
    new_years_eve = datetime(2026, 12, 31, 23, 0)
    assert DEFAULT.next_opening(new_years_eve).date() == date(2027, 1, 4)
    assert DEFAULT.describe_next_opening(new_years_eve) == "maandag 4 januari om 08:00"
    assert DEFAULT.describe_next_opening(datetime(2026, 11, 26, 20, 0)) == "morgen om 08:00"


def test_holiday_names_are_dutch_and_operators_can_open_on_a_holiday_or_close_a_bridge_day():
    assert DEFAULT.holiday_name(date(2026, 4, 27)) == "Koningsdag"
    hours = _hours(open_on_holidays=["Good Friday"], closed_dates=["2026-05-15"])
    assert hours.is_open(datetime(2026, 4, 3, 10, 0))  # Good Friday
    assert not hours.is_open(datetime(2026, 5, 15, 10, 0))  # the Friday after Ascension Day


def test_a_malformed_file_fails_with_file_and_line(tmp_path):
    path = tmp_path / "office_hours.yml"
    path.write_text(
        "days:\n  monday: {open: '08:00', close: '17:00'}\n  funday: {open: '08:00', close: '17:00'}\n"
        "handling_times: {emergency: a, urgent: b}\n"
    )
    with pytest.raises(DataFileError) as raised:
        load_office_hours(path)
    text = str(raised.value)
    assert f"{path}:1: days:" in text and "funday" in text
    assert f"{path}:4: handling_times:" in text and "normal" in text


def test_closing_before_opening_is_refused():
    with pytest.raises(ValueError, match="open must be before close"):
        _hours(days={"monday": {"open": "17:00", "close": "08:00"}})
