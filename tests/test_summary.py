import pytest

from bot.summary import OBJECT_LABELS, PROBLEM_LABELS, ROOM_LABELS, describe_problem
from tests.conftest import PROJECT_DIR


@pytest.mark.parametrize(
    ("problem", "object_", "room", "expected"),
    [
        ("leak", "tap", "kitchen", "lekkage bij de kraan, in de keuken"),
        ("blocked", "toilet", None, "verstopping bij de wc"),
        ("no_heating", None, "whole_home", "geen verwarming, in het hele huis"),
        (None, "lift", None, "een probleem met de lift"),
        (None, None, "storage_room", "een probleem in de berging"),
    ],
)
def test_describe_problem_reads_as_plain_dutch(problem, object_, room, expected):
    assert describe_problem(problem=problem, object_=object_, room=room) == expected


def test_describe_problem_is_none_without_details():
    assert describe_problem() is None


def test_describe_problem_shows_an_unknown_value_as_written():
    assert describe_problem(object_="kozijn") == "een probleem met kozijn"


def test_every_documented_canonical_value_has_a_dutch_label():
    doc = (PROJECT_DIR / "docs" / "nlu-data.md").read_text()
    for labels, heading in (
        (OBJECT_LABELS, "`object`"),
        (ROOM_LABELS, "`room`"),
        (PROBLEM_LABELS, "`problem`"),
    ):
        section = doc.split(f"- {heading}")[1].split("\n- ")[0].split("\n\n")[0]
        values = section.split("canonical values:", 1)[1]
        documented = {v.strip(" `\n.") for v in values.split(",")}
        assert documented == set(labels), heading
