"""The cached check of action server answers: the same verdicts and messages as Rasa's own."""

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot.action_response import install_cached_response_validation, response_validator, validate_action_result

RASAS_OWN = RemoteAction._validate_action_result

GOOD_ANSWERS = [
    {},
    {"events": [], "responses": []},
    {
        "events": [
            {"event": "slot", "name": "urgency", "value": "emergency", "timestamp": None},
            {"event": "active_loop", "name": None},
            {"event": "followup", "name": "action_listen"},
        ],
        "responses": [{"response": "utter_summary", "text": "Klopt het dat ..."}],
    },
]
BAD_ANSWERS = [
    {"events": "slot"},
    {"events": [{"name": "urgency"}]},
    {"events": [{"event": "slot", "name": 12}]},
    {"events": [{"event": "no_such_event"}]},
    {"responses": "utter_greet"},
    {"responses": ["utter_greet"]},
]


@pytest.mark.parametrize("answer", GOOD_ANSWERS)
def test_a_good_answer_passes_as_in_rasa(answer):
    action = RemoteAction("action_triage", None)
    assert RASAS_OWN(action, answer) is True
    assert validate_action_result(action, answer) is True


@pytest.mark.parametrize("answer", BAD_ANSWERS)
def test_a_bad_answer_fails_with_rasas_error_and_message(answer):
    action = RemoteAction("action_triage", None)
    with pytest.raises(ValidationError) as rasas:
        RASAS_OWN(action, answer)
    with pytest.raises(ValidationError) as ours:
        validate_action_result(action, answer)
    assert ours.value.message == rasas.value.message
    assert list(ours.value.absolute_path) == list(rasas.value.absolute_path)
    assert "Failed to validate Action server response" in ours.value.message


def test_the_validator_and_its_schema_check_are_made_once(monkeypatch):
    response_validator.cache_clear()
    checked = []
    validator_class = type(response_validator())
    monkeypatch.setattr(validator_class, "check_schema", classmethod(lambda cls, schema: checked.append(1)))
    response_validator.cache_clear()
    action = RemoteAction("action_triage", None)
    for answer in GOOD_ANSWERS * 3:
        validate_action_result(action, answer)
    assert checked == [1]


def test_installing_replaces_rasas_check(monkeypatch):
    monkeypatch.setattr(RemoteAction, "_validate_action_result", RASAS_OWN)
    install_cached_response_validation()
    assert RemoteAction._validate_action_result is validate_action_result
    with pytest.raises(ValidationError):
        RemoteAction("action_triage", None)._validate_action_result({"events": "slot"})
