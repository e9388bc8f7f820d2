"""`python -m bot review` end to end: list the inbox, label a message, ignore one."""

import json
import os
import shutil
import time

from bot.db import migrate
from tests.cli import run_bot
from tests.conftest import PROJECT_DIR
from tests.rasa_tracker import save_tracker


def _user(text, at):
    parse = {"text": text, "intent": {"name": "nlu_fallback", "confidence": 0.3}, "entities": []}
    return {"event": "user", "text": text, "timestamp": at, "parse_data": parse}


def test_list_label_and_ignore_from_the_command_line(tmp_path):
    database = f"sqlite:///{tmp_path / 'app.db'}"
    migrate(database)
    shutil.copytree(PROJECT_DIR / "data" / "nlu", tmp_path / "nlu")
    now = time.time()
    save_tracker(
        tmp_path / "rasa_tracker.db",
        "whatsapp:+31611112222",
        [
            _user("de afzuigkap maakt een raar geluid, mail me op jan@example.com", now - 10),
            _user("hmmz", now),
        ],
    )
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "VAR_DIR": str(tmp_path),
        "NLU_DATA_DIR": str(tmp_path / "nlu"),
    }
    listed = run_bot("review", "list", env=env)
    assert listed.returncode == 0, listed.stderr
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [row["reasons"] for row in rows] == [["fallback"], ["fallback"]]
    hood = next(row for row in rows if "afzuigkap" in row["text"])
    assert "jan@example.com" not in hood["text"]
    labelled = run_bot("review", "label", str(hood["event"]), "report_repair", env=env)
    assert labelled.returncode == 0 and labelled.stdout.startswith("labelled in ")
    assert "afzuigkap maakt een raar geluid" in (tmp_path / "nlu" / "repair.yml").read_text()
    assert "jan@example.com" not in (tmp_path / "nlu" / "repair.yml").read_text()
    other = next(row for row in rows if row["text"] == "hmmz")
    assert run_bot("review", "ignore", str(other["event"]), env=env).returncode == 0
    assert run_bot("review", "list", env=env).stdout == ""
    refused = run_bot("review", "label", str(other["event"]), "report_repair", env=env)
    assert refused.returncode == 1 and "niet (meer) in de inbox" in refused.stderr
