import os
import shutil
from datetime import datetime, timezone

import pytest

from bot.datafiles import DataFileError
from bot.triage.service import KnowledgeCache, is_topic_change, load_knowledge, start_triage
from bot.validation import validate_operator_data
from tests.conftest import PROJECT_DIR


@pytest.fixture
def data_dir(tmp_path):
    target = tmp_path / "data"
    target.mkdir()
    shutil.copytree(PROJECT_DIR / "data" / "triage", target / "triage")
    shutil.copytree(PROJECT_DIR / "data" / "nlu", target / "nlu")
    for name in ("selfhelp.yml", "office_hours.yml", "routing.yml", "canned_answers.yml", "faq_answers.yml"):
        shutil.copy(PROJECT_DIR / "data" / name, target / name)
    return target


def _touch_later(path):
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_the_shipped_operator_data_is_valid():
    assert validate_operator_data(PROJECT_DIR / "data") == []


def test_an_edit_applies_without_a_restart_and_a_broken_edit_keeps_the_last_valid_version(data_dir):
    cache = KnowledgeCache(data_dir)
    assert cache.get().office_hours.handling_times["urgent"] != "Binnen 2 werkdagen."
    hours = data_dir / "office_hours.yml"
    original = hours.read_text()
    hours.write_text(
        original.replace('urgent: "We lossen dit binnen 3 werkdagen op."', 'urgent: "Binnen 2 werkdagen."')
    )
    _touch_later(hours)
    assert cache.get().office_hours.handling_times["urgent"] == "Binnen 2 werkdagen."
    hours.write_text("days: nonsense\n")
    _touch_later(hours)
    assert cache.get().office_hours.handling_times["urgent"] == "Binnen 2 werkdagen."


def test_problems_in_several_files_are_all_reported(data_dir):
    (data_dir / "selfhelp.yml").write_text("items: []\n")
    (data_dir / "office_hours.yml").write_text("days: {}\nhandling_times: {}\n")
    (data_dir / "routing.yml").write_text("version: 1\non_call_rota: []\n")
    (data_dir / "canned_answers.yml").write_text(
        "answers:\n  - id: Greeting\n    title: Hallo\n    text: Hallo!\n"
    )
    (data_dir / "faq_answers.yml").write_text("answers:\n  pets:\n    label: Huisdieren\n    text: ''\n")
    with pytest.raises(DataFileError) as raised:
        load_knowledge(data_dir)
    files = {problem.split(":")[0].rsplit("/", 1)[-1] for problem in raised.value.problems}
    assert files == {
        "selfhelp.yml",
        "office_hours.yml",
        "routing.yml",
        "canned_answers.yml",
        "faq_answers.yml",
    }
    assert any(
        problem.endswith(
            'canned_answers.yml:2: answers.0.id: string does not match regex "^[a-z][a-z0-9_]*$"'
        )
        for problem in raised.value.problems
    ), raised.value.problems
    assert len(validate_operator_data(data_dir)) == len(raised.value.problems)


def test_a_rota_change_applies_without_a_restart(data_dir):
    cache = KnowledgeCache(data_dir)
    routing = data_dir / "routing.yml"
    routing.write_text(routing.read_text().replace("Klantcontact De Linde", "Klantenservice"))
    _touch_later(routing)
    assert cache.get().routing.office_hours_desk.name == "Klantenservice"


@pytest.mark.parametrize(
    ("reply", "intent", "confidence", "changed"),
    [
        ("de buren maken elke nacht herrie", "report_nuisance", 0.95, True),
        ("ik heb een huurachterstand en kan niet betalen", "payment_arrears", 0.9, True),
        ("mag ik een hond houden?", "faq", 0.92, True),
        ("mag ik een hond houden?", "faq", 0.6, False),  # unsure: read as a poor answer
        ("nee", "report_nuisance", 0.95, False),  # an answer, whatever NLU says
        ("het komt door het plafond van de buren", "report_nuisance", 0.95, False),
        ("weet ik niet", "faq", 0.95, False),
        ("de buren maken elke nacht herrie", "report_repair", 0.95, False),
    ],
)
def test_a_topic_change_needs_a_sure_other_intent_and_a_reply_that_answers_nothing(
    reply, intent, confidence, changed
):
    knowledge = load_knowledge(PROJECT_DIR / "data")
    state, decision = start_triage(
        knowledge,
        "er lekt water in de badkamer",
        at=datetime(2026, 1, 14, 10, 0, tzinfo=timezone.utc),
        category="repair",
    )
    assert decision.next_question is not None
    assert is_topic_change(knowledge, state, reply, intent=intent, confidence=confidence) is changed
