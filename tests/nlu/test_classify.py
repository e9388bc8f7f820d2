import json
import subprocess
import sys

import pytest

from bot.nlu.classify import Classification, classify_lines, intent_from_parse, read_message
from tests.conftest import PROJECT_DIR

CATEGORIES = {"repair", "nuisance", "payment_arrears", "general", "other"}


class EchoClassifier:
    def classify(self, text):
        return Classification(text=text, intent="greet", category="other", confidence=1.0)


@pytest.mark.parametrize(
    ("line", "text", "extra"),
    [
        ("mijn kraan lekt\n", "mijn kraan lekt", {}),
        ('{"text": "wc verstopt", "id": 7}\n', "wc verstopt", {"id": 7}),
        ('{"text": "geen id"}', "geen id", {}),
        ("{dit is geen json", "{dit is geen json", {}),
        ('["a list"]', '["a list"]', {}),
        ("\n", "", {}),
    ],
)
def test_read_message_accepts_plain_text_and_json_lines(line, text, extra):
    assert read_message(line) == (text, extra)


def test_read_message_rejects_json_without_text():
    with pytest.raises(ValueError, match="text"):
        read_message('{"bericht": "hallo"}')


def test_classify_lines_reports_a_bad_line_and_goes_on():
    results = list(classify_lines(EchoClassifier(), ['{"id": 1}\n', "hallo\n"]))
    assert results[0] == {"line": 1, "error": "JSON line has no string field 'text'"}
    assert results[1]["text"] == "hallo"


def test_intent_from_parse_prefers_the_faq_topic():
    parse = {
        "intent": {"name": "faq", "confidence": 0.91},
        "response_selector": {"faq": {"response": {"intent_response_key": "faq/pets"}}},
    }
    assert intent_from_parse(parse) == ("faq/pets", 0.91)
    assert intent_from_parse({"intent": {"name": "greet", "confidence": 0.5}}) == ("greet", 0.5)
    # A handoff cue replaced the intent: what the message is about is the classifiers' intent.
    cued = {
        "intent": {"name": "express_distress", "confidence": 1.0},
        "classified_intent": {"name": "ticket_status", "confidence": 0.8},
    }
    assert intent_from_parse(cued) == ("ticket_status", 0.8)
    assert intent_from_parse({}) == (None, 0.0)


@pytest.fixture(scope="module")
def cli_output(trained_model):
    lines = [
        "Mijn kraan in de keuken lekt heel erg",
        "",
        "   ",
        "de buren hebben elke nacht feest en ik kan niet slapen 😡😡",
        '{"text": "ik kan de huur deze maand niet betalen", "id": "m-3"}',
        "wanneer gaat de huur omhoog?",
        "🔥🔥🔥💧💧",
        "lekkage " * 700,
        '{"zonder": "tekst"}',
        "de kat zit op de mat",
    ]
    completed = subprocess.run(
        [sys.executable, "-m", "bot", "classify", "--model", str(trained_model)],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    return lines, [json.loads(line) for line in completed.stdout.splitlines()]


def test_cli_writes_one_json_object_per_input_line(cli_output):
    lines, results = cli_output
    assert len(results) == len(lines)


def test_cli_output_has_the_documented_fields(cli_output):
    _, results = cli_output
    for result in results:
        if "error" in result:
            continue
        assert {"text", "intent", "category", "confidence"} <= set(result)
        assert result["category"] in CATEGORIES
        assert 0.0 <= result["confidence"] <= 1.0


def test_cli_handles_empty_long_emoji_and_bad_lines(cli_output):
    lines, results = cli_output
    assert results[1] == {
        "text": "",
        "intent": None,
        "category": "other",
        "confidence": 0.0,
        "handoff_cue": None,
    }
    assert results[2]["category"] == "other"
    assert results[6]["text"] == "🔥🔥🔥💧💧"
    assert results[7]["text"] == lines[7]
    assert results[8] == {"line": 9, "error": "JSON line has no string field 'text'"}


def test_cli_echoes_the_id_of_json_lines(cli_output):
    _, results = cli_output
    assert results[4]["id"] == "m-3"
    assert results[4]["text"] == "ik kan de huur deze maand niet betalen"
