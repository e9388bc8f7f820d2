"""The review inbox in the console: operators only, scrubbed text, a label written to the training data."""

import re
import shutil
import time

import pytest
from sqlalchemy import select

from bot.review.models import ReviewDecision
from tests.conftest import PROJECT_DIR
from tests.console.served_console import served_console
from tests.console.test_web import Browser
from tests.rasa_tracker import save_tracker

MESSAGE = "mn wc spoelt niet door, bel me op 06-98765432 <script>x</script>"


@pytest.fixture
def console(db_session, migrated_url, tmp_path):
    shutil.copytree(PROJECT_DIR / "data" / "nlu", tmp_path / "nlu")
    parse = {"text": MESSAGE, "intent": {"name": "nlu_fallback", "confidence": 0.31}, "entities": []}
    save_tracker(
        tmp_path / "rasa_tracker.db",
        "whatsapp:+31698765432",
        [{"event": "user", "text": MESSAGE, "timestamp": time.time(), "parse_data": parse}],
    )
    users = {"olga": "operator", "anna": "agent"}
    with served_console(
        db_session, migrated_url, users, var_dir=tmp_path, nlu_data_dir=tmp_path / "nlu"
    ) as url:
        yield url, tmp_path / "nlu"


def test_agents_do_not_see_the_review_inbox(console):
    base, _ = console
    agent = Browser(base)
    agent.log_in("anna")
    status, _, body = agent.open("/console/review")
    assert status == 403 and "spoelt" not in body


def test_an_operator_labels_a_message_and_it_lands_scrubbed_in_the_training_data(console, db_session):
    base, nlu = console
    olga = Browser(base)
    olga.log_in("olga")
    status, _, body = olga.open("/console/review")
    assert status == 200 and "niet begrepen" in body
    assert "06-98765432" not in body and "&lt;script&gt;" in body and "<script>x" not in body
    event = re.search(r'action="/console/review/(\d+)"', body).group(1)
    token = re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)
    text = re.search(r'<textarea name="text" maxlength="500">([^<]*)', body).group(1)
    assert text.startswith("mn wc spoelt niet door, bel me op ")
    form = {
        "csrf_token": token,
        "decision": "label",
        "intent": "report_repair",
        "text": "mn [wc](object:toilet) spoelt niet door, bel me op 06-98765432",
    }
    status, url, body = olga.open(f"/console/review/{event}", form)
    assert status == 200 and url.endswith("done=labelled") and "Opgeslagen als trainingsvoorbeeld" in body
    repair = (nlu / "repair.yml").read_text()
    assert "    - mn [wc](object:toilet) spoelt niet door, bel me op " in repair and "98765432" not in repair
    assert "Er staan geen berichten klaar" in body
    decision = db_session.scalars(select(ReviewDecision)).one()
    assert (decision.decided_by, decision.intent) == ("olga", "report_repair")
    db_session.rollback()
    status, _, body = olga.open(f"/console/review/{event}", {**form, "decision": "ignore"})
    assert status == 409 and "niet (meer) in de inbox" in body
