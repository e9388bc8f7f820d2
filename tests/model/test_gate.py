from bot.model.gate import compare, format_comparison, judge
from bot.nlu.evaluation import LabelledMessage, evaluate

MESSAGES = [
    LabelledMessage("de kraan lekt", "report_repair"),
    LabelledMessage("verwarming doet het niet", "report_repair"),
    LabelledMessage("buren zijn luidruchtig", "report_nuisance"),
    LabelledMessage("de buren schreeuwen", "report_nuisance"),
    LabelledMessage("ik kan de huur niet betalen", "payment_arrears"),
    LabelledMessage("mag ik een kat", "faq/pets"),
]
RIGHT = {m.text: m.intent for m in MESSAGES}


def report(**wrong):
    """An evaluation where the messages in `wrong` (text -> predicted intent) are misread."""
    return evaluate(MESSAGES, lambda text: wrong.get(text, RIGHT[text]))


def test_an_equal_or_better_model_passes():
    before = {"heldout": report(**{"de buren schreeuwen": "report_repair"})}
    verdict = judge(compare(before, {"heldout": report()}), max_drop=0.02)
    assert verdict.promote and not verdict.drops


def test_a_drop_beyond_the_margin_on_any_set_is_refused():
    before = {"heldout": report(), "fresh": report()}
    after = {"heldout": report(), "fresh": report(**{"de buren schreeuwen": "payment_arrears"})}
    verdict = judge(compare(before, after), max_drop=0.02)
    assert not verdict.promote
    assert all(drop.startswith("fresh ") for drop in verdict.drops)
    assert "dropped by more than 0.020" in verdict.summary()


def test_a_drop_within_the_margin_passes():
    before = {"heldout": report()}
    after = {"heldout": report(**{"de buren schreeuwen": "payment_arrears"})}
    drop = before["heldout"].category_macro_f1 - after["heldout"].category_macro_f1
    assert judge(compare(before, after), max_drop=drop + 0.001).promote
    assert not judge(compare(before, after), max_drop=drop - 0.001).promote


def test_the_comparison_lists_intent_f1_and_grown_confusions():
    before = {"heldout": report(**{"de kraan lekt": "faq"})}
    after = {"heldout": report(**{"de buren schreeuwen": "payment_arrears"})}
    (comparison,) = compare(before, after)
    f1 = {intent: (b, a) for intent, b, a in comparison.intent_f1()}
    assert f1["report_nuisance"][1] < f1["report_nuisance"][0]
    assert f1["report_repair"][1] > f1["report_repair"][0]
    grown = comparison.grown_confusions()
    assert [(c.expected, c.predicted, c.before, c.after) for c in grown] == [
        ("report_nuisance", "payment_arrears", 0, 1)
    ]
    text = format_comparison(comparison)
    assert "report_nuisance -> payment_arrears: 0 -> 1" in text
    assert "intent_macro_f1" in text


def test_sets_only_one_model_was_evaluated_on_are_not_compared():
    assert compare({"old": report()}, {"new": report()}) == []


def test_only_the_category_figure_is_gated_so_a_miss_within_a_category_passes():
    # A FAQ question read as a status question: the wrong intent, the right category (general).
    before = {"heldout": report()}
    within = {"heldout": report(**{"mag ik een kat": "ticket_status"})}
    (comparison,) = compare(before, within)
    assert comparison.macro_change("intent_macro_f1") < -0.02
    assert comparison.macro_change("category_macro_f1") == 0
    assert judge([comparison], max_drop=0.02).promote
    across = {"heldout": report(**{"mag ik een kat": "report_repair"})}
    assert not judge(compare(before, across), max_drop=0.02).promote
