import pytest

from bot.nlu.evaluation import LabelledMessage, evaluate, format_report

MESSAGES = [
    LabelledMessage("kraan lekt", "report_repair"),
    LabelledMessage("wc verstopt", "report_repair"),
    LabelledMessage("herrie buren", "report_nuisance"),
    LabelledMessage("kan huur niet betalen", "payment_arrears"),
    LabelledMessage("wanneer gaat de huur omhoog", "faq/rent_increase"),
    LabelledMessage("mag ik een hond", "faq/pets"),
    LabelledMessage("de kat zit op de mat", "out_of_scope"),
]


def test_a_perfect_predictor_scores_one():
    labels = {m.text: m.intent for m in MESSAGES}
    report = evaluate(MESSAGES, labels.get)
    assert report.category_macro_f1 == pytest.approx(1.0)
    assert report.intent_macro_f1 == pytest.approx(1.0)
    assert report.faq_topic_accuracy == pytest.approx(1.0)
    assert report.errors == []


def test_a_wrong_faq_topic_still_counts_as_the_right_category():
    labels = {m.text: m.intent for m in MESSAGES} | {"mag ik een hond": "faq/rent_increase"}
    report = evaluate(MESSAGES, labels.get)
    assert report.category_macro_f1 == pytest.approx(1.0)
    assert report.faq_topic_accuracy == pytest.approx(0.5)


def test_confusions_lower_the_scores_and_are_listed():
    labels = {m.text: m.intent for m in MESSAGES} | {"herrie buren": "report_repair"}
    report = evaluate(MESSAGES, labels.get)
    assert report.per_category["nuisance"]["recall"] == 0.0
    assert report.category_macro_f1 < 0.8
    assert report.errors == [
        {"text": "herrie buren", "expected": "report_nuisance", "predicted": "report_repair"}
    ]
    assert "herrie buren" in format_report(report)


def test_no_prediction_counts_as_other():
    report = evaluate(MESSAGES, lambda text: None)
    assert report.per_category["other"]["recall"] == 1.0
    assert report.per_category["repair"]["f1"] == 0.0
