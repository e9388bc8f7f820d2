import pytest

from bot.availability import describe_availability, parse_availability


@pytest.mark.parametrize(
    ("text", "days", "parts"),
    [
        ("ma en wo 's ochtends", ["monday", "wednesday"], ["morning"]),
        ("Vrijdagmiddag", ["friday"], ["afternoon"]),
        ("doordeweeks na de middag", ["monday", "tuesday", "wednesday", "thursday", "friday"], ["afternoon"]),
        ("maakt niet uit", [], []),
        ("ik ben altijd thuis", [], []),
        ("dinsdag of donderdag avond", ["tuesday", "thursday"], ["evening"]),
    ],
)
def test_days_and_parts_of_the_day_are_read_from_own_words(text, days, parts):
    assert parse_availability(text) == {"weekdays": days, "parts_of_day": parts}


@pytest.mark.parametrize("text", ["zo snel mogelijk", "geen idee", "👍"])
def test_words_that_name_no_time_are_not_guessed(text):
    assert parse_availability(text) is None


def test_availability_is_said_back_in_dutch():
    assert describe_availability({"weekdays": ["monday", "friday"], "parts_of_day": ["morning"]}) == (
        "op maandag en vrijdag, in de ochtend"
    )
    assert describe_availability({"weekdays": [], "parts_of_day": []}) == "op elk moment"
