import pytest
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.cues import CLASSIFIED_KEY, CUE_INTENT, CUE_KEY, HandoffCueMarker


def _parsed(text: str, intent: str) -> Message:
    message = Message(data={TEXT: text})
    message.set(INTENT, {"name": intent, "confidence": 0.9}, add_to_output=True)
    return message


def _run(text: str, intent: str) -> dict:
    (message,) = HandoffCueMarker().process([_parsed(text, intent)])
    return message.as_dict(only_output_properties=True)


@pytest.mark.parametrize(
    ("text", "intent", "kind"),
    [
        ("mijn moeder is overleden, hoe zeg ik haar huur op?", "faq/end_tenancy", "bereavement"),
        ("waar blijft die monteur nou, belachelijk dit!!", "ticket_status", "anger"),
        ("ik zie het echt niet meer zitten", "nlu_fallback", "distress"),
    ],
)
def test_a_question_or_small_talk_with_a_cue_goes_to_a_person(text, intent, kind):
    parsed = _run(text, intent)
    assert parsed[INTENT]["name"] == CUE_INTENT and parsed[CLASSIFIED_KEY]["name"] == intent
    assert parsed[CUE_KEY]["kind"] == kind and parsed[CUE_KEY]["evidence"].lower() in text.lower()


@pytest.mark.parametrize("intent", ["report_repair", "report_nuisance", "payment_arrears", "request_human"])
def test_reports_keep_their_own_way_and_only_carry_the_cue(intent):
    parsed = _run("dit is echt belachelijk, al 3 keer gemeld", intent)
    assert parsed[INTENT]["name"] == intent and parsed[CUE_KEY]["kind"] == "anger"
    assert CLASSIFIED_KEY not in parsed


def test_a_message_without_a_cue_is_left_alone():
    parsed = _run("hoe zeg ik mijn huur op?", "faq/end_tenancy")
    assert parsed[INTENT]["name"] == "faq/end_tenancy" and CUE_KEY not in parsed
