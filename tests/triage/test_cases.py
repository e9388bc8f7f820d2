"""The triage scripts in data/ against tables of cases written apart from them (tests/triage/cases*.yml)."""

from datetime import datetime
from pathlib import Path

import pytest
import yaml

from bot.triage.service import continue_triage, load_knowledge, start_triage

# The tables whose cases are a gate: both were used to fix the scripts. The third table
# (cases_third.yml, written later) is measured by `make bench-triage`, not tuned on; its
# safety messages are a gate like all others: an emergency rated lower is never accepted.
TABLE_FILES = ("cases.yml", "cases_fresh.yml")
SAFETY_FILES = (*TABLE_FILES, "cases_third.yml")
TABLES = {name: yaml.safe_load(Path(__file__).with_name(name).read_text()) for name in SAFETY_FILES}
CASES = [(name, case) for name in TABLE_FILES for case in TABLES[name]["cases"]]
SAFETY = [(name, text) for name, table in TABLES.items() for text in table["safety"]]
# A January weekday morning: heating season, office hours.
DEFAULT_AT = datetime(2026, 1, 14, 10, 0)
MAX_TURNS = 10


@pytest.fixture(scope="module")
def knowledge():
    return load_knowledge()


def _triage(knowledge, text, *, at, reply):
    """Run a message through triage, answering every question with the same reply."""
    started = start_triage(knowledge, text, at=at, category="repair")
    assert started is not None, f"no script applies to {text!r}"
    state, decision = started
    for _ in range(MAX_TURNS):
        if decision.decided:
            return decision
        state, decision = continue_triage(knowledge, state, reply, at=at)
    pytest.fail(f"triage did not decide within {MAX_TURNS} replies: {text!r}")


def _case_id(item):
    name, case = item
    return f"{name}:{case['text'][:45]}"


@pytest.mark.parametrize("name", SAFETY_FILES)
def test_each_table_is_big_and_varied_enough(name):
    table = TABLES[name]
    assert len(table["cases"]) >= 60
    assert {case["urgency"] for case in table["cases"]} == {"emergency", "urgent", "normal", "self_help"}
    assert len(table["safety"]) >= 40


@pytest.mark.parametrize("item", CASES, ids=_case_id)
def test_triage_gives_the_expected_urgency_and_trade(knowledge, item):
    _, case = item
    at = datetime.fromisoformat(case["at"]) if case.get("at") else DEFAULT_AT
    decision = _triage(knowledge, case["text"], at=at, reply=case.get("details") or "weet ik niet")
    got = (decision.urgency.value, decision.outcome.trade.value if decision.outcome.trade else None)
    assert got == (case["urgency"], case.get("trade")), f"problem {decision.problem.id}"


@pytest.mark.parametrize("reply", ["weet ik niet", "nee", "ja", "🙈"])
@pytest.mark.parametrize("item", SAFETY, ids=lambda item: f"{item[0]}:{item[1][:45]}")
def test_fire_gas_carbon_monoxide_and_water_through_the_ceiling_are_always_emergencies(
    knowledge, item, reply
):
    _, text = item
    night = datetime(2026, 1, 17, 23, 30)
    decision = _triage(knowledge, text, at=night, reply=reply)
    assert decision.urgency.value == "emergency", f"problem {decision.problem.id}"
