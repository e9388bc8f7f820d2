import asyncio
import logging
import os
import shutil

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.triage as triage_actions
from actions.faq import ActionAnswerFaq
from tests.conftest import PROJECT_DIR

ANSWERS = """\
answers:
  pets:
    label: Huisdieren
    text: "Een huisdier mag meestal gewoon."
"""


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    """The action server's real knowledge cache, on operator data in a temporary DATA_DIR."""
    shutil.copytree(PROJECT_DIR / "data" / "triage", tmp_path / "triage")
    for name in ("selfhelp.yml", "office_hours.yml", "routing.yml", "canned_answers.yml"):
        shutil.copy(PROJECT_DIR / "data" / name, tmp_path / name)
    (tmp_path / "faq_answers.yml").write_text(ANSWERS, encoding="utf-8")
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    triage_actions.settings.cache_clear()
    triage_actions.knowledge_cache.cache_clear()
    yield tmp_path
    triage_actions.settings.cache_clear()
    triage_actions.knowledge_cache.cache_clear()


def _tracker(intent_response_key, text="mag ik een hond houden?"):
    message = {"text": text, "intent": {"name": "faq", "confidence": 0.95}, "entities": []}
    if intent_response_key is not None:
        message["response_selector"] = {
            "all_retrieval_intents": ["faq"],
            "faq": {
                "response": {
                    "responses": [{"text": intent_response_key}],
                    "confidence": 0.93,
                    "intent_response_key": intent_response_key,
                    "utter_action": f"utter_{intent_response_key}",
                },
                "ranking": [],
            },
        }
    return Tracker("conv-1", {}, message, [], False, None, {}, "action_listen")


def _run(tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionAnswerFaq().run(dispatcher, tracker, {}))
    return dispatcher.messages, events


def _touch_later(path):
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_the_chosen_topic_is_answered_with_the_operators_text():
    messages, events = _run(_tracker("faq/pets"))
    assert [(m["response"], m["answer"]) for m in messages] == [
        ("utter_faq_answer", "Een huisdier mag meestal gewoon.")
    ]
    assert events == []


@pytest.mark.parametrize("intent_response_key", ["faq/parrots", "faq/", None])
def test_without_an_answer_the_tenant_hears_so_and_the_log_has_no_tenant_text(intent_response_key, caplog):
    with caplog.at_level(logging.WARNING, logger="actions.faq"):
        messages, _ = _run(_tracker(intent_response_key, text="mag mijn papegaai Koos op het balkon"))
    assert [m["response"] for m in messages] == ["utter_faq_unknown"]
    assert "answer" not in messages[0]
    assert [r.levelname for r in caplog.records] == ["WARNING"]
    assert "Koos" not in caplog.text and "papegaai" not in caplog.text


def test_an_edited_answer_applies_to_the_next_question_without_a_restart(data_dir):
    assert _run(_tracker("faq/pets"))[0][0]["answer"] == "Een huisdier mag meestal gewoon."
    answers = data_dir / "faq_answers.yml"
    answers.write_text(
        ANSWERS.replace(
            "Een huisdier mag meestal gewoon.", "Een kat of hond mag, als de buren er geen last van hebben."
        )
        + "  parking:\n    label: Parkeren\n    text: Parkeren regelt u bij de gemeente.\n",
        encoding="utf-8",
    )
    _touch_later(answers)
    assert _run(_tracker("faq/pets"))[0][0]["answer"] == (
        "Een kat of hond mag, als de buren er geen last van hebben."
    )
    assert _run(_tracker("faq/parking"))[0][0]["answer"] == "Parkeren regelt u bij de gemeente."


def test_a_broken_edit_keeps_the_last_valid_answers(data_dir):
    _run(_tracker("faq/pets"))
    answers = data_dir / "faq_answers.yml"
    answers.write_text(ANSWERS.replace('"Een huisdier mag meestal gewoon."', '""'), encoding="utf-8")
    _touch_later(answers)
    assert _run(_tracker("faq/pets"))[0][0]["answer"] == "Een huisdier mag meestal gewoon."
