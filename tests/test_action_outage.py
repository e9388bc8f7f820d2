"""A custom action whose server does not answer: an apology, one callback, no silence."""

import asyncio
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, FollowupAction, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.action_outage import OUTAGE_MARK, guard_remote_actions
from bot.tickets import CallbackRequest
from tests.conftest import PROJECT_DIR
from tests.stack import _free_port

SENDER = "whatsapp:+31612345001"


@pytest.fixture(scope="module")
def domain():
    return Domain.load(str(PROJECT_DIR / "domain"))


@pytest.fixture
def outage(monkeypatch, db_engine):
    """RemoteAction guarded, pointing at a port where no action server listens."""
    original = RemoteAction.run
    failures: list[int] = []
    guard_remote_actions(on_failure=lambda: failures.append(1))
    monkeypatch.setenv("DATABASE_URL", str(db_engine.url.render_as_string(hide_password=False)))
    monkeypatch.setenv("DATA_DIR", str(PROJECT_DIR / "data"))
    yield failures
    RemoteAction.run = original


def tracker_after(text: str, domain: Domain, sender: str = SENDER) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, domain.slots)
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered(text, {"name": "report_repair"}))
    return tracker


def run_action(domain, tracker, name="action_start_triage"):
    action = RemoteAction(name, EndpointConfig(url=f"http://127.0.0.1:{_free_port()}/webhook"))
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)
    return asyncio.run(action.run(CollectingOutputChannel(), nlg, tracker, domain))


def callbacks(engine):
    with Session(engine) as session:
        return session.scalars(select(CallbackRequest)).all()


def test_the_tenant_hears_what_happened_and_when_a_colleague_calls(domain, outage, db_engine):
    tracker = tracker_after("het water komt door het plafond!!", domain)
    events = run_action(domain, tracker)
    assert len(events) == 2 and isinstance(events[0], BotUttered)
    assert events[1] == FollowupAction("action_listen")  # nothing more this turn
    assert events[0].metadata[OUTAGE_MARK]
    assert "er gaat bij ons iets mis" in events[0].text
    assert "Een collega belt u" in events[0].text and "{" not in events[0].text
    assert "112" in events[0].text
    [callback] = callbacks(db_engine)
    assert callback.phone == "+31612345001"
    assert "het water komt door het plafond" in callback.reason
    assert outage == [1]


def test_a_second_failing_action_in_the_same_turn_says_nothing_more(domain, outage, db_engine):
    tracker = tracker_after("mijn kraan lekt", domain)
    tracker.update_with_events(run_action(domain, tracker), domain)
    assert run_action(domain, tracker, name="action_classify") == [FollowupAction("action_listen")]
    assert len(callbacks(db_engine)) == 1


def test_an_apology_at_the_start_of_a_new_session_counts_for_the_message_that_follows(
    domain, outage, db_engine
):
    # A new conversation: Rasa runs the custom action_session_start before it logs the message.
    tracker = DialogueStateTracker(SENDER, domain.slots)
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update_with_events(run_action(domain, tracker, name="action_session_start"), domain)
    tracker.update(UserUttered("mijn kraan lekt", {"name": "report_repair"}))
    assert run_action(domain, tracker, name="action_default_fallback") == [FollowupAction("action_listen")]
    assert len(callbacks(db_engine)) == 1


def test_the_next_message_in_the_same_outage_gets_no_second_callback(domain, outage, db_engine):
    tracker = tracker_after("mijn kraan lekt", domain)
    tracker.update_with_events(run_action(domain, tracker), domain)
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered("hallo?", {"name": "greet"}, timestamp=time.time()))
    event, _ = run_action(domain, tracker)
    assert "storing bij ons is nog niet voorbij" in event.text
    assert len(callbacks(db_engine)) == 1


def test_without_a_number_to_call_the_tenant_is_asked_to_try_again(domain, outage, db_engine):
    tracker = tracker_after("mijn kraan lekt", domain, sender="messenger-psid-123")
    event, _ = run_action(domain, tracker)
    assert "Probeert u het over een paar minuten opnieuw" in event.text
    assert callbacks(db_engine) == []


class RejectingActionServer:
    """An action server that answers every call as a form validation that rejects (HTTP 400)."""

    def __init__(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                body = json.dumps({"action_name": "validate_address_form", "error": "rejected"}).encode()
                self.send_response(400)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhook"


def test_a_form_validation_that_rejects_is_no_outage(domain, outage):
    server = RejectingActionServer()
    action = RemoteAction("validate_address_form", EndpointConfig(url=server.url))
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)
    try:
        with pytest.raises(ActionExecutionRejection):
            asyncio.run(action.run(CollectingOutputChannel(), nlg, tracker_after("1234AB", domain), domain))
    finally:
        server.server.shutdown()
    assert outage == []
