from datetime import datetime, timezone

import pytest

from bot.datafiles import DataFileError
from bot.office_hours import load_office_hours
from bot.routing import load_routing

OFFICE_HOURS = load_office_hours()
ROTA = """\
version: 1
office_hours_desk: {name: Klantcontact, phone: "06-12340900"}
on_call_rota:
  - {name: Anna, phone: "06-12340901", starts: "2026-11-23 17:00"}
  - {name: Bram, phone: "+31 6 12340902", starts: "2026-11-30 17:00"}
"""


@pytest.fixture
def routing(tmp_path):
    path = tmp_path / "routing.yml"
    path.write_text(ROTA)
    return load_routing(path)


def test_the_shipped_routing_file_is_valid():
    assert load_routing().on_call_rota


@pytest.mark.parametrize(
    ("moment", "who"),
    [
        (datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc), "Klantcontact"),  # Friday 10:00
        (datetime(2026, 11, 27, 21, 0, tzinfo=timezone.utc), "Anna"),  # Friday 22:00
        (datetime(2026, 11, 30, 6, 30, tzinfo=timezone.utc), "Anna"),  # Monday 07:30, before opening
        (datetime(2026, 11, 30, 16, 30, tzinfo=timezone.utc), "Bram"),  # Monday 17:30, Bram's shift
        (datetime(2026, 12, 25, 10, 0, tzinfo=timezone.utc), "Bram"),  # Christmas Day: closed
    ],
)
def test_the_desk_in_office_hours_else_whoever_is_on_call(routing, moment, who):
    contact = routing.contact_at(moment, OFFICE_HOURS)
    expected_phone = {"Klantcontact": "+31612340900", "Anna": "+31612340901", "Bram": "+31612340902"}
    assert (contact.name, contact.phone) == (who, expected_phone[who])


def test_before_the_rota_starts_the_first_entry_is_on_call(routing):
    assert routing.on_call_at(datetime(2026, 1, 1, 3, 0)).name == "Anna"


def test_a_bad_phone_number_or_a_rota_out_of_order_fails_with_file_and_line(tmp_path):
    path = tmp_path / "routing.yml"
    path.write_text(ROTA.replace('"06-12340900"', '"12345"').replace("2026-11-30 17:00", "2026-11-20 17:00"))
    with pytest.raises(DataFileError) as raised:
        load_routing(path)
    text = str(raised.value)
    assert f"{path}:2: office_hours_desk.phone:" in text and "'12345' is not a valid phone number" in text
    assert f"{path}:3: on_call_rota:" in text and "time order" in text


def test_an_empty_rota_is_refused(tmp_path):
    path = tmp_path / "routing.yml"
    path.write_text(
        "version: 1\noffice_hours_desk: {name: Klantcontact, phone: '06-12340900'}\non_call_rota: []\n"
    )
    with pytest.raises(DataFileError, match="on_call_rota"):
        load_routing(path)
