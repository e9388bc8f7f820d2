import textwrap

import pytest

from bot.datafiles import DataFileError
from bot.triage.scripts import load_scripts

GOOD = """\
version: 1
problems:
  - id: leak
    name: lekkage
    recognise:
      words: ["lek\\\\w*"]
    questions:
      - id: flowing
        text: "Stroomt het water?"
        type: yes_no
    outcomes:
      - when: {flowing: true}
        urgency: emergency
        trade: plumber
      - urgency: urgent
        trade: plumber
"""


def _write(directory, name, text):
    directory.mkdir(exist_ok=True)
    (directory / name).write_text(textwrap.dedent(text))


def _problems(directory, **kwargs):
    with pytest.raises(DataFileError) as raised:
        load_scripts(directory, **kwargs)
    return raised.value.problems


def test_a_valid_script_loads(tmp_path):
    _write(tmp_path / "triage", "water.yml", GOOD)
    scripts = load_scripts(tmp_path / "triage")
    assert scripts.get("leak").questions[0].id == "flowing"


@pytest.mark.parametrize(
    ("broken", "line", "message"),
    [
        # a condition on a question that does not exist
        (GOOD.replace("{flowing: true}", "{flowin: true}"), 3, "unknown question 'flowin'"),
        # a trade we do not have
        (GOOD.replace("trade: plumber\n      - urgency", "trade: carpentr\n      - urgency"), 14, "trade"),
        # a yes/no question with a choice value in a condition
        (GOOD.replace("{flowing: true}", "{flowing: heavy}"), 3, "use true, false or unknown"),
        # a bad regular expression
        (GOOD.replace('["lek\\\\w*"]', '["lek(("]'), 6, "not a valid regular expression"),
        # the last outcome must be unconditional
        (
            GOOD.replace(
                "      - urgency: urgent", "      - when: {flowing: false}\n        urgency: urgent"
            ),
            3,
            "last outcome",
        ),
    ],
)
def test_a_broken_script_names_file_line_and_problem(tmp_path, broken, line, message):
    _write(tmp_path / "triage", "water.yml", broken)
    (problem,) = _problems(tmp_path / "triage")
    assert problem.startswith(f"{tmp_path / 'triage' / 'water.yml'}:{line}:")
    assert message in problem


def test_invalid_yaml_names_the_line(tmp_path):
    _write(tmp_path / "triage", "water.yml", GOOD.replace("    name: lekkage", "    name: [lekkage"))
    (problem,) = _problems(tmp_path / "triage")
    assert "water.yml:" in problem and "invalid YAML" in problem


def test_safety_problems_may_ask_at_most_one_question(tmp_path):
    broken = GOOD.replace("    name: lekkage", "    name: gas\n    safety_advice: Bel 112.").replace(
        "        type: yes_no",
        '        type: yes_no\n      - id: second\n        text: "Nog een vraag?"\n        type: yes_no',
    )
    _write(tmp_path / "triage", "gas.yml", broken)
    (problem,) = _problems(tmp_path / "triage")
    assert "at most one question" in problem


def test_ids_are_unique_over_files_and_self_help_items_must_exist(tmp_path):
    _write(tmp_path / "triage", "a.yml", GOOD)
    _write(
        tmp_path / "triage",
        "b.yml",
        GOOD.replace(
            "      - urgency: urgent\n        trade: plumber",
            "      - urgency: self_help\n        self_help: nope",
        ),
    )
    problems = _problems(tmp_path / "triage", self_help_ids=["bleed_radiator"])
    assert any("b.yml" in p and "also in" in p for p in problems)
    assert any("b.yml:16:" in p and "no self-help item 'nope'" in p for p in problems)


def test_every_file_is_checked_before_failing(tmp_path):
    _write(tmp_path / "triage", "a.yml", GOOD.replace("urgency: urgent", "urgency: soon"))
    _write(tmp_path / "triage", "b.yml", GOOD.replace("id: leak", "id: Leak!"))
    problems = _problems(tmp_path / "triage")
    assert {p.split(":")[0].rsplit("/", 1)[-1] for p in problems} == {"a.yml", "b.yml"}


def test_an_empty_directory_is_an_error(tmp_path):
    (tmp_path / "triage").mkdir()
    assert "no triage scripts" in _problems(tmp_path / "triage")[0]
