import subprocess
import sys
import textwrap

import pytest

from bot.datafiles import DataFileError
from bot.faq import (
    DEFAULT_FAQ_ANSWERS,
    MAX_ANSWER_CHARS,
    load_faq_answers,
    nlu_problems,
    nlu_retrieval_intents,
    nlu_topics,
    selected_topic,
)
from tests.conftest import PROJECT_DIR

ANSWERS = """\
# Operator data.
answers:
  pets:
    label: Huisdieren
    text: "Een huisdier mag meestal gewoon."
  rent_increase:
    label: Huurverhoging
    text: >
      Wij passen de huur één keer per jaar aan.
"""


def _answers_file(tmp_path, content=ANSWERS):
    path = tmp_path / "faq_answers.yml"
    path.write_text(content, encoding="utf-8")
    return path


def _nlu_dir(tmp_path, **files):
    nlu_dir = tmp_path / "nlu"
    nlu_dir.mkdir()
    for name, content in files.items():
        (nlu_dir / f"{name}.yml").write_text(textwrap.dedent(content), encoding="utf-8")
    return nlu_dir


def test_the_shipped_answers_are_valid_and_match_the_nlu_data_both_ways():
    answers = load_faq_answers()
    assert len(answers.answers) == 16
    assert answers.label("pets") == "Huisdieren"
    assert answers.answer("pets").startswith("Een huisdier, zoals een kat, hond of konijn")
    assert nlu_problems(DEFAULT_FAQ_ANSWERS, PROJECT_DIR / "data" / "nlu") == []


def test_an_answer_is_looked_up_by_topic_and_an_unknown_topic_has_none(tmp_path):
    answers = load_faq_answers(_answers_file(tmp_path))
    assert answers.answer("pets") == "Een huisdier mag meestal gewoon."
    assert answers.answer("rent_increase") == "Wij passen de huur één keer per jaar aan."  # stripped
    assert answers.label("rent_increase") == "Huurverhoging"
    assert answers.answer("parking") is None and answers.label("parking") is None


@pytest.mark.parametrize(
    ("broken", "line", "message"),
    [
        (
            ANSWERS.replace('"Een huisdier mag meestal gewoon."', '""'),
            5,
            "answers.pets.text: must not be empty",
        ),
        (
            ANSWERS.replace('"Een huisdier mag meestal gewoon."', '"   "'),
            5,
            "answers.pets.text: must not be empty",
        ),
        (
            ANSWERS.replace("Een huisdier mag meestal gewoon.", "x" * (MAX_ANSWER_CHARS + 1)),
            5,
            f"answers.pets.text: ensure this value has at most {MAX_ANSWER_CHARS} characters",
        ),
        (ANSWERS.replace("    label: Huisdieren\n", ""), 3, "answers.pets.label: field required"),
        (ANSWERS.replace("label: Huisdieren", "titel: Huisdieren"), 4, "answers.pets.titel: extra fields"),
        (ANSWERS.replace("  pets:", "  Pets:"), 3, "answers.Pets: a topic is snake_case"),
        (ANSWERS.replace("  pets:", "  huis-dieren:"), 3, "answers.huis-dieren: a topic is snake_case"),
        ("# Operator data.\nanswers: {}\n", 2, "answers: at least one answer is needed"),
        ("# Operator data.\nanswers:\n  pets: [oops\n", 4, "invalid YAML"),
    ],
)
def test_each_problem_names_file_and_line(tmp_path, broken, line, message):
    path = _answers_file(tmp_path, broken)
    with pytest.raises(DataFileError) as raised:
        load_faq_answers(path)
    assert any(
        p.startswith(f"{path}:{line}: {message}") for p in raised.value.problems
    ), raised.value.problems


def test_a_bad_topic_and_a_bad_answer_are_reported_together(tmp_path):
    path = _answers_file(
        tmp_path, ANSWERS.replace("  pets:", "  Pets:").replace("label: Huurverhoging", "label: H")
    )
    with pytest.raises(DataFileError) as raised:
        load_faq_answers(path)
    assert [problem.split(": ")[0:2] for problem in raised.value.problems] == [
        [f"{path}:3", "answers.Pets"],
        [f"{path}:7", "answers.rent_increase.label"],
    ]


def test_nlu_topics_are_read_with_the_file_and_line_they_first_appear_at(tmp_path):
    nlu_dir = _nlu_dir(
        tmp_path,
        faq="""\
            version: "3.1"
            nlu:
            - intent: faq/pets
              examples: |
                - mag ik een hond
            - intent: "faq/parking"  # quoted
              examples: |
                - waar kan ik parkeren
            """,
        more="""\
            nlu:
            - intent: report_repair
              examples: |
                - kraan lekt
            - intent: faq/pets
              examples: |
                - mag ik een kat
            """,
    )
    assert nlu_topics(nlu_dir) == {"pets": (nlu_dir / "faq.yml", 3), "parking": (nlu_dir / "faq.yml", 6)}


def test_nlu_retrieval_intents_are_every_intent_with_a_topic_line_by_line(tmp_path):
    nlu_dir = _nlu_dir(
        tmp_path,
        faq="""\
            nlu:
            - intent: faq/pets
              examples: |
                - mag ik een hond
            - intent: 'chitchat/ask_name'
            - intent: report_repair
            - intent: faq/pets
            """,
    )
    path = nlu_dir / "faq.yml"
    assert list(nlu_retrieval_intents(nlu_dir)) == [
        ("faq", "pets", path, 2),
        ("chitchat", "ask_name", path, 5),
        ("faq", "pets", path, 7),
    ]
    assert nlu_topics(nlu_dir) == {"pets": (path, 2)}


def test_a_topic_without_an_answer_and_an_answer_without_examples_are_both_reported(tmp_path):
    path = _answers_file(tmp_path)
    nlu_dir = _nlu_dir(
        tmp_path,
        faq="""\
            nlu:
            - intent: faq/pets
              examples: |
                - mag ik een hond
            - intent: faq/parking
              examples: |
                - waar kan ik parkeren
            """,
    )
    problems = nlu_problems(path, nlu_dir)
    assert len(problems) == 2, problems
    assert problems[0] == f"{nlu_dir / 'faq.yml'}:5: faq/parking: no answer for this topic in {path}"
    assert problems[1].startswith(f"{path}:6: answers.rent_increase: no NLU examples")


def test_a_missing_nlu_directory_is_one_problem_not_one_per_answer(tmp_path):
    problems = nlu_problems(_answers_file(tmp_path), tmp_path / "nlu")
    assert problems == [f"{tmp_path / 'nlu'}: the NLU data directory does not exist"]


@pytest.mark.parametrize(
    ("message", "topic"),
    [
        ({"response_selector": {"faq": {"response": {"intent_response_key": "faq/pets"}}}}, "pets"),
        ({"response_selector": {"faq": {"response": {"intent_response_key": "chitchat/pets"}}}}, None),
        ({"response_selector": {"faq": {"response": {"intent_response_key": "faq/"}}}}, None),
        ({"response_selector": {"faq": {"response": {}}}}, None),
        ({"response_selector": {"all_retrieval_intents": ["faq"]}}, None),
        ({"intent": {"name": "faq"}}, None),
    ],
)
def test_the_selected_topic_is_read_from_the_response_selector(message, topic):
    assert selected_topic(message) == topic


def test_rasa_no_longer_warns_about_the_missing_faq_responses_once_it_has_started():
    # A subprocess: Rasa's start-up changes the warning filters and logging of the process.
    script = textwrap.dedent(
        """\
        import warnings
        from bot.faq import ignore_missing_response_warning
        from rasa.shared.utils.io import raise_warning
        from rasa.utils.common import configure_logging_and_warnings

        ignore_missing_response_warning()
        configure_logging_and_warnings(None, warn_only_once=True)  # as `rasa run` does
        raise_warning("Unable to fetch responses for faq/pets This means ...")
        raise_warning("Unable to fetch responses for chitchat/hello This means ...")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=PROJECT_DIR, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "faq/pets" not in result.stderr
    assert "chitchat/hello" in result.stderr  # only the FAQ warning is silenced
