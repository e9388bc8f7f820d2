import pytest

from bot.categories import Category
from bot.dialogue import understand


def test_repair_with_details_is_summarised():
    result = understand("report_repair", problem="leak", object_="tap", room="kitchen")
    assert result.category is Category.REPAIR
    assert result.summary == "lekkage bij de kraan, in de keuken"


def test_repair_without_details_has_no_summary():
    result = understand("report_repair")
    assert result.category is Category.REPAIR
    assert result.summary is None


@pytest.mark.parametrize(
    ("intent", "category"),
    [
        ("report_nuisance", Category.NUISANCE),
        ("payment_arrears", Category.PAYMENT_ARREARS),
        ("ticket_status", Category.GENERAL),
        ("greet", Category.OTHER),
    ],
)
def test_other_categories_carry_no_repair_summary(intent, category):
    result = understand(intent, problem="leak", object_="tap")
    assert result.category is category
    assert result.summary is None


def test_a_follow_up_answer_keeps_the_category_and_adds_its_details():
    result = understand("inform", room="bathroom", object_="tap", previous_category="repair")
    assert result.category is Category.REPAIR
    assert result.summary == "een probleem met de kraan, in de badkamer"


def test_a_follow_up_answer_without_a_conversation_so_far_is_other():
    assert understand("inform", room="bathroom").category is Category.OTHER
