import pytest
import yaml

from bot.categories import INTENT_CATEGORIES, Category, base_intent, category_for_intent
from tests.conftest import PROJECT_DIR


@pytest.mark.parametrize(
    ("intent", "category"),
    [
        ("report_repair", Category.REPAIR),
        ("report_nuisance", Category.NUISANCE),
        ("payment_arrears", Category.PAYMENT_ARREARS),
        ("faq", Category.GENERAL),
        ("faq/rent_increase", Category.GENERAL),
        ("ticket_status", Category.GENERAL),
        ("greet", Category.OTHER),
        ("out_of_scope", Category.OTHER),
        ("nlu_fallback", Category.OTHER),
        ("something_unknown", Category.OTHER),
        (None, Category.OTHER),
        ("", Category.OTHER),
    ],
)
def test_category_for_intent_maps_each_intent(intent, category):
    assert category_for_intent(intent) is category


def test_base_intent_strips_the_response_key():
    assert base_intent("faq/pets") == "faq"
    assert base_intent("report_repair") == "report_repair"


def test_every_mapped_intent_is_declared_in_the_domain():
    domain = yaml.safe_load((PROJECT_DIR / "domain" / "core.yml").read_text())
    assert set(INTENT_CATEGORIES) <= set(domain["intents"])


def test_category_values_are_the_documented_labels():
    assert {c.value for c in Category} == {"repair", "nuisance", "payment_arrears", "general", "other"}
