import json
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime

from bot.triage.cli import triage_lines
from bot.triage.service import load_knowledge
from tests.conftest import PROJECT_DIR

KEYS = {"category", "problem", "urgency", "trade", "questions", "safety_advice", "self_help"}


@dataclass
class _Parsed:
    category: str


def _parse_as(category):
    return lambda text: (_Parsed(category), {})


def _run(lines, category="repair"):
    knowledge = load_knowledge()
    now = datetime(2026, 1, 14, 10, 0)
    return list(triage_lines(knowledge, _parse_as(category), lines, now=now))


def test_each_line_gets_a_report_with_the_documented_keys():
    (report,) = _run(['{"text": "ik ruik gas in de keuken", "at": "2026-01-15T22:30", "id": 7}'])
    assert KEYS <= set(report) and report["id"] == 7
    assert report["urgency"] == "emergency" and report["safety_advice"] and report["questions"] == []


def test_an_undecided_message_lists_its_open_questions_and_no_urgency():
    (report,) = _run(['{"text": "er lekt water"}'])
    assert report["urgency"] is None and report["questions"] and report["problem"]


def test_a_message_outside_the_scripts_has_nulls_not_a_guess():
    (report,) = _run(['{"text": "mag ik een hond houden?"}'], category="general")
    assert report["category"] == "general"
    assert (report["problem"], report["urgency"], report["trade"], report["questions"]) == (
        None,
        None,
        None,
        [],
    )


def test_bad_lines_are_reported_by_number_and_the_rest_goes_on():
    reports = _run(
        ["not json", '{"txt": 1}', '{"text": "x", "at": "gisteren"}', "", '{"text": "wc verstopt"}']
    )
    assert [r.get("line") for r in reports[:3]] == [1, 2, 3]
    assert all("error" in r for r in reports[:3]) and "error" not in reports[3]


def test_the_command_uses_the_trained_model_and_the_scripts(trained_model):
    lines = "\n".join(
        json.dumps({"text": t, "at": "2026-01-15T22:30"})
        for t in (
            "HELP ik ruik gas in de gang!!",
            "mag ik een kat nemen in mijn flat?",
        )
    )
    result = subprocess.run(
        [sys.executable, "-m", "bot", "triage", "--model", str(trained_model)],
        input=lines,
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    gas, pet = [json.loads(line) for line in result.stdout.splitlines()]
    assert (gas["category"], gas["urgency"]) == ("repair", "emergency") and gas["safety_advice"]
    assert pet["category"] == "general" and pet["urgency"] is None
