"""`python -m bot privacy` end to end: the RETENTION_DAYS setting, --days, --dry-run, argument checks."""

import os
import time

import pytest
from sqlalchemy import create_engine, select

from bot import cli
from bot.db import migrate
from bot.tracker_store import EVENTS
from tests.cli import run_bot
from tests.rasa_tracker import save_tracker

DAY = 24 * 3600


def _senders(path) -> set[str]:
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            return set(connection.scalars(select(EVENTS.c.sender_id).distinct()))
    finally:
        engine.dispose()


@pytest.fixture
def env(tmp_path, monkeypatch):
    database = f"sqlite:///{tmp_path / 'app.db'}"
    migrate(database)
    values = {"DATABASE_URL": database, "VAR_DIR": str(tmp_path), "RETENTION_DAYS": "30"}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return {**os.environ, **values}


def test_retention_keeps_retention_days_unless_days_is_given(env, tmp_path):
    tracker = tmp_path / "rasa_tracker.db"
    for sender, age in (("psid-forty-days", 40), ("psid-ten-days", 10)):
        parse = {"text": "hallo", "intent": {"name": "greet", "confidence": 1.0}}
        event = {"event": "user", "text": "hallo", "timestamp": time.time() - age * DAY, "parse_data": parse}
        save_tracker(tracker, sender, [event])
    dry = run_bot("privacy", "retention", "--dry-run", env=env)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.startswith("Dry run") and "Retention: 1 conversation(s)" in dry.stdout
    assert _senders(tracker) == {"psid-forty-days", "psid-ten-days"}
    done = run_bot("privacy", "retention", env=env)
    assert done.returncode == 0 and "Retention: 1 conversation(s)" in done.stdout
    assert _senders(tracker) == {"psid-ten-days"}
    assert run_bot("privacy", "retention", "--days", "5", env=env).returncode == 0
    assert _senders(tracker) == set()


def test_without_a_tracker_store_only_the_app_database_is_processed(env, tmp_path, capsys):
    assert cli.main(["privacy", "erase", "--conversation", "psid-1", "--dry-run"]) == 0
    assert "No tracker store found" in capsys.readouterr().out
    assert not (tmp_path / "rasa_tracker.db").exists()


def test_an_unmigrated_database_is_refused(env, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    assert cli.main(["privacy", "retention"]) == 1
    assert "db-upgrade" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv", [["erase"], ["erase", "0612345678", "--conversation", "psid-1"], ["erase", "0612"]]
)
def test_erase_needs_one_valid_number_or_conversation(env, argv, capsys):
    assert cli.main(["privacy", *argv]) in (1, 2)
    error = capsys.readouterr().err
    assert error.startswith("python -m bot privacy") and "0612" not in error


@pytest.mark.parametrize("days", ["0", "-3", "een jaar"])
def test_retention_days_must_be_a_whole_number_of_at_least_one(days, capsys):
    with pytest.raises(SystemExit) as stopped:
        cli.build_parser().parse_args(["privacy", "retention", "--days", days])
    assert stopped.value.code == 2 and "whole number of days" in capsys.readouterr().err
