import json

from bot.nlu.evaluation import LabelledMessage, evaluate
from bot.nlu.report import history, read_report, write_report

MESSAGES = [
    LabelledMessage("de kraan lekt", "report_repair"),
    LabelledMessage("herrie van de buren", "report_nuisance"),
    LabelledMessage("ik kan de huur niet betalen", "payment_arrears"),
    LabelledMessage("mag ik een kat", "faq/pets"),
    LabelledMessage("mag ik een hond", "faq/pets"),
]
PREDICTED = {
    "de kraan lekt": "report_repair",
    "herrie van de buren": "report_repair",  # one mistake: nuisance read as a repair
    "ik kan de huur niet betalen": "payment_arrears",
    "mag ik een kat": "faq/pets",
    "mag ik een hond": "faq/parking",
}


def test_the_confusion_counts_every_message_once():
    report = evaluate(MESSAGES, PREDICTED.get)
    assert report.confusion == {
        "report_repair": {"report_repair": 1},
        "report_nuisance": {"report_repair": 1},
        "payment_arrears": {"payment_arrears": 1},
        "faq": {"faq": 2},
    }


def test_a_report_is_stored_with_a_picture_and_joins_the_history(tmp_path):
    first = write_report(
        "20261127-old", {"heldout.yml": evaluate(MESSAGES, PREDICTED.get)}, tmp_path / "20261127-old"
    )
    perfect = {message.text: message.intent for message in MESSAGES}
    write_report("20261128-new", {"heldout.yml": evaluate(MESSAGES, perfect.get)}, tmp_path / "20261128-new")
    document = json.loads(first.read_text())
    picture = tmp_path / "20261127-old" / document["sets"]["heldout"]["picture"]
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and picture.stat().st_size > 5_000
    assert document["sets"]["heldout"]["messages"] == 5
    assert document["sets"]["heldout"]["errors"] == [
        {"text": "herrie van de buren", "expected": "report_nuisance", "predicted": "report_repair"}
    ]
    models = history(tmp_path)
    assert [item.model for item in models] == ["20261128-new", "20261127-old"]
    assert models[0].figures["heldout"]["category_macro_f1"] == 1.0
    assert models[1].figures["heldout"]["category_macro_f1"] < 1.0
    assert read_report(tmp_path, "../etc") is None and read_report(tmp_path, "unknown") is None
