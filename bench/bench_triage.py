"""Triage accuracy on the tables of cases written blind (tests/triage/cases*.yml).

Prints, per table, how many cases get the expected urgency and trade, and how many safety
messages (fire, gas, carbon monoxide, water through a ceiling) could end below emergency
for any of four replies. The first two tables are also a gate in `make test` (they were
used to fix the scripts); the third was written later and is measured here, not tuned on.
Each case is answered with its `details` text (or "weet ik niet") for every question.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import yaml

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))

from bot.triage.service import continue_triage, load_knowledge, start_triage  # noqa: E402

TABLES = ("cases.yml", "cases_fresh.yml", "cases_third.yml")
DEFAULT_AT = datetime(2026, 1, 14, 10, 0)
NIGHT = datetime(2026, 1, 17, 23, 30)
SAFETY_REPLIES = ("weet ik niet", "nee", "ja", "🙈")


def decide(knowledge, text: str, at: datetime, reply: str):
    """The decision after answering every question with `reply` (None if none was reached)."""
    started = start_triage(knowledge, text, at=at, category="repair")
    if started is None:
        return None
    state, decision = started
    for _ in range(10):
        if decision.decided:
            return decision
        state, decision = continue_triage(knowledge, state, reply, at=at)
    return None


def outcome(decision) -> tuple[str | None, str | None]:
    if decision is None:
        return (None, None)
    trade = decision.outcome.trade.value if decision.outcome.trade else None
    return (decision.urgency.value, trade)


def main() -> int:
    knowledge = load_knowledge()
    for name in TABLES:
        table = yaml.safe_load((PROJECT_DIR / "tests" / "triage" / name).read_text())
        misses = []
        for case in table["cases"]:
            at = datetime.fromisoformat(case["at"]) if case.get("at") else DEFAULT_AT
            got = outcome(decide(knowledge, case["text"], at, case.get("details") or "weet ik niet"))
            if got != (case["urgency"], case.get("trade")):
                misses.append((case["text"], (case["urgency"], case.get("trade")), got))
        unsafe = [
            text
            for text in table["safety"]
            if any(
                outcome(decide(knowledge, text, NIGHT, reply))[0] != "emergency" for reply in SAFETY_REPLIES
            )
        ]
        right = len(table["cases"]) - len(misses)
        print(
            f"{name}: {right} of {len(table['cases'])} cases right ({right / len(table['cases']):.0%}); "
            f"safety messages that could end below emergency: {len(unsafe)} of {len(table['safety'])}"
        )
        for text, expected, got in misses:
            print(f"  expected {expected[0]}/{expected[1]}, got {got[0]}/{got[1]}: {text[:90]}")
        for text in unsafe:
            print(f"  UNSAFE: {text[:90]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
