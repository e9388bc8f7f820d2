"""Checks on the training and held-out data themselves."""

from collections import Counter

import pytest
from rasa.shared.nlu.training_data.loading import load_data

from bot.categories import TRIAGE_CATEGORIES, category_for_intent
from bot.faq import load_faq_answers
from bot.review.nlu_files import normalise
from tests.conftest import PROJECT_DIR

MIN_TRAINING_PER_CATEGORY_INTENT = 150
MIN_HELDOUT_PER_CATEGORY = 40
FAQ_TOPICS = {
    "rent_increase",
    "rent_allowance",
    "pay_rent",
    "end_tenancy",
    "opening_hours",
    "home_improvement",
    "service_costs",
    "pets",
    "house_swap",
    "housing_application",
    "repair_responsibility",
    "insurance",
    "complaints",
    "co_tenancy",
    "parking",
    "final_inspection",
}


@pytest.fixture(scope="module")
def training():
    return load_data(str(PROJECT_DIR / "data" / "nlu"))


@pytest.fixture(scope="module", params=["heldout.yml", "heldout_fresh.yml"])
def heldout(request):
    return load_data(str(PROJECT_DIR / "tests" / "nlu" / request.param))


def test_the_two_heldout_sets_do_not_overlap():
    first, fresh = (
        load_data(str(PROJECT_DIR / "tests" / "nlu" / name)) for name in ("heldout.yml", "heldout_fresh.yml")
    )
    assert {normalise(e.get("text")) for e in first.training_examples}.isdisjoint(
        normalise(e.get("text")) for e in fresh.training_examples
    )


def _full_intent(example):
    return example.get("intent_response_key") or example.get("intent")


def test_heldout_never_appears_in_training(training, heldout):
    trained = {normalise(e.get("text")) for e in training.training_examples}
    leaked = [e.get("text") for e in heldout.training_examples if normalise(e.get("text")) in trained]
    assert leaked == []


def test_training_has_no_duplicate_examples(training):
    counts = Counter(normalise(e.get("text")) for e in training.training_examples)
    assert [text for text, n in counts.items() if n > 1] == []


@pytest.mark.parametrize("intent", ["report_repair", "report_nuisance", "payment_arrears"])
def test_each_category_intent_has_enough_training_examples(training, intent):
    count = sum(1 for e in training.training_examples if e.get("intent") == intent)
    assert count >= MIN_TRAINING_PER_CATEGORY_INTENT


def test_general_category_has_enough_training_examples(training):
    count = sum(
        1 for e in training.training_examples if category_for_intent(e.get("intent")).value == "general"
    )
    assert count >= MIN_TRAINING_PER_CATEGORY_INTENT


def test_heldout_covers_every_category(heldout):
    counts = Counter(category_for_intent(_full_intent(e)) for e in heldout.training_examples)
    for category in TRIAGE_CATEGORIES:
        assert counts[category] >= MIN_HELDOUT_PER_CATEGORY, category


def test_every_faq_topic_has_training_examples_heldout_messages_and_an_answer(training, heldout):
    trained = {_full_intent(e) for e in training.training_examples}
    tested = {_full_intent(e) for e in heldout.training_examples}
    answers = load_faq_answers(PROJECT_DIR / "data" / "faq_answers.yml")
    for topic in FAQ_TOPICS:
        assert f"faq/{topic}" in trained
        assert f"faq/{topic}" in tested
        assert answers.answer(topic), topic


def test_enough_out_of_scope_examples_to_fall_back(training):
    count = sum(1 for e in training.training_examples if e.get("intent") == "out_of_scope")
    assert count >= 100


def test_entities_use_only_documented_canonical_values(training):
    from bot.summary import OBJECT_LABELS, PROBLEM_LABELS, ROOM_LABELS

    allowed = {"object": set(OBJECT_LABELS), "room": set(ROOM_LABELS), "problem": set(PROBLEM_LABELS)}
    wrong = [
        (e.get("text"), entity["entity"], entity["value"])
        for e in training.training_examples
        for entity in e.get("entities") or []
        if entity["value"] not in allowed.get(entity["entity"], set())
    ]
    assert wrong == []


def test_lookup_tables_exist_for_the_triage_entities(training):
    names = {table["name"] for table in training.lookup_tables}
    assert {"object", "room", "problem"} <= names
