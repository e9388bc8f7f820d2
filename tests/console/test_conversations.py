"""The console's conversations over HTTP: queue, transcript, claim, reply, notes, tickets, the end."""

import json
import re
import time
from datetime import datetime, timezone

import pytest
from sanic.response import json as json_response
from sqlalchemy import select

from bot.console.users import add_user
from bot.handoff.models import Handoff
from bot.handoff.service import HandoffRequest, hand_over
from bot.office_hours import load_office_hours
from bot.outbox import OutboxMessage
from bot.settings import load_settings
from bot.tickets import Ticket
from bot.web.app import create_app
from tests.console.test_web import Browser
from tests.db_fixtures import make_verified_tenant
from tests.rasa_tracker import save_tracker
from tests.sanic_server import allow_several_apps, new_app, served

SENDER = "whatsapp:+31612345678"
RASA_TOKEN = "rasa-token-for-tests-0123456789"
SCRIPT = "<script>alert('x')</script>"
WEDNESDAY_MORNING = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)


def user(text, at, **metadata):
    return {"event": "user", "text": text, "timestamp": at, "parse_data": {"intent": {"name": "inform"}},
            "metadata": metadata, "input_channel": "whatsapp"}  # fmt: skip


def bot(text, at):
    return {
        "event": "bot",
        "text": text,
        "timestamp": at,
        "data": {"buttons": [{"title": "Ja", "payload": "ja"}]},
    }


class FakeRasa:
    """Rasa's HTTP API as far as the console uses it: appending an event to a tracker."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str, dict]] = []
        self.app = new_app("fake_rasa")

        @self.app.post("/conversations/<conversation_id>/tracker/events")
        async def append(request, conversation_id):
            self.received.append((conversation_id, request.args.get("token"), request.json))
            return json_response({"sender_id": conversation_id})


@pytest.fixture
def stack(db_session, migrated_url, tmp_path):
    """The web app on the test database, a tracker store with a conversation, a fake Rasa."""
    allow_several_apps()
    for name in ("agent1", "agent2"):
        add_user(db_session, username=name, password="correct horse battery", role="agent")
    db_session.commit()
    now = time.time()
    save_tracker(
        tmp_path / "rasa_tracker.db",
        SENDER,
        [
            user(f"mijn buurman bedreigt me {SCRIPT}", now - 60),
            bot("Wat naar dat u dit meemaakt.", now - 59),
            user(
                "",
                now - 30,
                media=[{"url": "https://api.twilio.com/photo.jpg", "content_type": "image/jpeg"}],
            ),
        ],
    )
    rasa = FakeRasa()
    with served(rasa.app) as rasa_port:
        settings = load_settings(
            None,
            database_url=migrated_url,
            var_dir=tmp_path,
            rasa_port=rasa_port,
            rasa_auth_token=RASA_TOKEN,
            twilio_auth_token="t" * 20,
        )
        with served(create_app(settings, name=f"console_{id(settings)}")) as port:
            yield {"base": f"http://127.0.0.1:{port}", "rasa": rasa, "tracker": tmp_path / "rasa_tracker.db"}
            db_session.rollback()  # SQLite: release the lock, so the web app can stop


def handed_over(db_session, sender=SENDER, reason="nuisance_serious", **overrides) -> int:
    """A handoff on a Wednesday morning with every logged-in user at work, so it is queued."""
    from bot.console.sessions import ConsoleSession

    for session in db_session.scalars(select(ConsoleSession)):
        session.last_seen_at = WEDNESDAY_MORNING
    values = {"channel": "whatsapp", "summary": f"Onderwerp: Overlast\nLaatste berichten: {SCRIPT}"}
    request = HandoffRequest(
        conversation_id=sender, reason=reason, detail=f"bedreigd {SCRIPT}", **{**values, **overrides}
    )
    decision = hand_over(db_session, request, office_hours=load_office_hours(), now=WEDNESDAY_MORNING)
    db_session.commit()
    assert decision.kind == "queued"
    return decision.handoff_id


def logged_in(base, name="agent1") -> Browser:
    browser = Browser(base)
    assert browser.log_in(name)[0] == 200
    return browser


def token(body: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)


def test_without_a_log_in_nothing_of_a_conversation_is_shown_or_changed(stack, db_session):
    agent = logged_in(stack["base"])  # makes the agent "at work", so the handoff is queued
    handoff_id = handed_over(db_session)
    stranger = Browser(stack["base"])
    for path in ("/console/queue", "/console/queue/rows", f"/console/conversations/{handoff_id}/lines"):
        status, url, body = stranger.open(path)
        assert url.endswith("/console/login") and "bedreigt" not in body
    assert stranger.open(f"/console/conversations/{handoff_id}/claim", {"csrf_token": "x"})[1].endswith(
        "/login"
    )
    assert agent.open(f"/console/conversations/{handoff_id}/claim", {"csrf_token": "forged"})[0] == 403
    db_session.expire_all()
    assert db_session.get(Handoff, handoff_id).status == "queued"
    db_session.rollback()


def test_the_queue_lists_the_most_pressing_first_and_shows_the_tenants_words_as_text(stack, db_session):
    agent = logged_in(stack["base"])
    asked = handed_over(db_session, "whatsapp:+31612345001", reason="asked_for_person")
    threat = handed_over(db_session, SENDER)
    status, _, body = agent.open("/console/queue")
    assert status == 200
    assert body.index(f'data-handoff="{threat}"') < body.index(f'data-handoff="{asked}"')
    assert "Overlast met bedreiging of geweld" in body and "Wil een medewerker spreken" in body
    assert "<script>alert" not in body and "&lt;script&gt;alert" in body
    rows = agent.open("/console/queue/rows")[2]
    assert f'data-handoff="{threat}"' in rows and "<script>alert" not in rows


def test_an_agent_claims_reads_the_transcript_live_and_replies_on_the_tenants_channel(stack, db_session):
    anna, bram = logged_in(stack["base"]), logged_in(stack["base"], "agent2")
    handoff_id = handed_over(db_session)
    page = f"/console/conversations/{handoff_id}"
    status, _, body = anna.open(page)
    assert status == 200 and "Gesprek aannemen" in body and "Versturen" not in body
    assert "mijn buurman bedreigt me &lt;script&gt;" in body and "<script>alert" not in body
    assert 'src="https://api.twilio.com/photo.jpg"' in body and "Knoppen: Ja" in body
    status, url, body = anna.open(f"{page}/claim", {"csrf_token": token(body)})
    assert status == 200 and url.endswith("?done=claimed") and "Versturen" in body
    assert "Goedendag, u spreekt nu met een medewerker" in body  # a canned answer to start from
    status, _, other = bram.open(f"{page}/claim", {"csrf_token": token(bram.open(page)[2])})
    assert status == 409 and "al aangenomen door agent1" in other
    cursor = re.search(r'data-cursor="([^"]+)"', body).group(1)
    assert json.loads(anna.open(f"{page}/lines?after={cursor}")[2])["lines"] == []

    status, _, _ = anna.open(
        f"{page}/reply", {"csrf_token": token(body), "text": "Wat naar. Bent u nu veilig?"}
    )
    assert status == 200
    outgoing = db_session.scalars(select(OutboxMessage)).one()
    sent = (outgoing.channel, outgoing.recipient, outgoing.text)
    db_session.rollback()  # SQLite: do not hold the lock the web app needs
    assert sent == (
        "whatsapp",
        "+31612345678",
        "Wat naar. Bent u nu veilig?",
    )
    save_tracker(stack["tracker"], SENDER, [user("ja, hij is weg", time.time())])
    update = json.loads(anna.open(f"{page}/lines?after={cursor}")[2])
    assert [(line["who"], line["text"]) for line in update["lines"]] == [
        ("agent", "Wat naar. Bent u nu veilig?"),
        ("tenant", "ja, hij is weg"),
    ]
    assert update["status"] == "claimed" and update["claimed_by"] == "agent1"
    assert json.loads(anna.open(f"{page}/lines?after={update['cursor']}")[2])["lines"] == []
    status, _, refused = bram.open(f"{page}/reply", {"csrf_token": token(other), "text": "hallo"})
    assert status == 409 and "eerst zelf aan" in refused


def test_notes_and_tickets_from_the_conversation(stack, db_session):
    make_verified_tenant(db_session, conversation_id=SENDER)
    anna = logged_in(stack["base"])
    handoff_id = handed_over(db_session)
    page = f"/console/conversations/{handoff_id}"
    body = anna.open(f"{page}/claim", {"csrf_token": token(anna.open(page)[2])})[2]
    body = anna.open(f"{page}/note", {"csrf_token": token(body), "text": f"Politie gebeld {SCRIPT}"})[2]
    assert "Notitie opgeslagen" in body and "Politie gebeld &lt;script&gt;" in body
    form = {"csrf_token": token(body), "category": "repair", "trade": "locksmith", "urgency": "urgent",
            "description": "Slot vervangen na bedreiging"}  # fmt: skip
    body = anna.open(f"{page}/ticket", form)[2]
    ticket = db_session.scalars(select(Ticket)).one()
    opened = (ticket.id, ticket.number, ticket.trade.value, ticket.urgency.value, ticket.conversation_id)
    opened_by = ticket.history[0].by
    db_session.rollback()
    assert opened[2:] == ("locksmith", "urgent", SENDER) and opened_by == "agent1"
    assert opened[1] in body
    form = {"csrf_token": token(body), "status": "planned", "note": "Slotenmaker komt morgen"}
    status, _, body = anna.open(f"{page}/tickets/{opened[0]}", form)
    ticket = db_session.get(Ticket, opened[0])
    assert (
        status == 200
        and ticket.status.value == "planned"
        and ticket.history[-1].note == "Slotenmaker komt morgen"
    )


def test_hand_back_resumes_the_conversation_in_rasa_and_ends_the_handoff(stack, db_session):
    anna = logged_in(stack["base"])
    handoff_id = handed_over(db_session)
    page = f"/console/conversations/{handoff_id}"
    body = anna.open(f"{page}/claim", {"csrf_token": token(anna.open(page)[2])})[2]
    status, _, body = anna.open(f"{page}/hand-back", {"csrf_token": token(body)})
    assert status == 200 and "terug bij de bot" in body
    ((conversation, sent_token, event),) = stack["rasa"].received
    assert (conversation, sent_token, event["event"]) == (SENDER, RASA_TOKEN, "resume")
    db_session.expire_all()
    assert db_session.get(Handoff, handoff_id).status == "handed_back"


def test_close_needs_an_outcome_and_rasa_down_keeps_the_conversation_with_the_agent(stack, db_session):
    anna = logged_in(stack["base"])
    handoff_id = handed_over(db_session)
    page = f"/console/conversations/{handoff_id}"
    body = anna.open(f"{page}/claim", {"csrf_token": token(anna.open(page)[2])})[2]
    status, _, body = anna.open(f"{page}/close", {"csrf_token": token(body), "outcome": ""})
    assert status == 409 and "Kies hoe" in body
    status, _, body = anna.open(f"{page}/close", {"csrf_token": token(body), "outcome": "referred"})
    assert status == 200 and "gesloten" in body
    db_session.expire_all()
    closed = db_session.get(Handoff, handoff_id)
    assert (closed.status, closed.outcome, closed.ended_by) == ("closed", "referred", "agent1")


def test_when_rasa_cannot_be_reached_the_hand_back_is_refused_and_nothing_changes(
    db_session, migrated_url, tmp_path
):
    from tests.sanic_server import free_port

    allow_several_apps()
    add_user(db_session, username="agent1", password="correct horse battery", role="agent")
    db_session.commit()
    settings = load_settings(
        None, database_url=migrated_url, var_dir=tmp_path, rasa_port=free_port(), rasa_auth_token=RASA_TOKEN,
        twilio_auth_token="t" * 20,
    )  # fmt: skip
    with served(create_app(settings, name=f"console_{id(settings)}")) as port:
        anna = logged_in(f"http://127.0.0.1:{port}")
        handoff_id = handed_over(db_session)
        page = f"/console/conversations/{handoff_id}"
        body = anna.open(f"{page}/claim", {"csrf_token": token(anna.open(page)[2])})[2]
        status, _, body = anna.open(f"{page}/hand-back", {"csrf_token": token(body)})
        assert status == 503 and "niet bereikbaar" in body
        db_session.expire_all()
        assert db_session.get(Handoff, handoff_id).status == "claimed"
        db_session.rollback()


def test_an_agent_flags_a_message_the_bot_misread_and_it_joins_the_review_inbox(stack, db_session):
    from bot.review.models import ReviewFlag

    anna = logged_in(stack["base"])
    handoff_id = handed_over(db_session)
    page = f"/console/conversations/{handoff_id}"
    body = anna.open(page)[2]
    action = re.search(rf'action="({page}/misread/\d+)"', body).group(1)
    status, url, body = anna.open(action, {"csrf_token": token(body)})
    assert status == 200 and url.endswith("?done=misread") and "leer-inbox" in body
    flag = db_session.scalars(select(ReviewFlag)).one()
    flagged = (flag.conversation_id, flag.flagged_by)
    db_session.rollback()
    assert flagged == (SENDER, "agent1")
    other = handed_over(db_session, "whatsapp:+31612345001")
    status, _, body = anna.open(
        f"/console/conversations/{other}/misread/{action.rsplit('/', 1)[1]}", {"csrf_token": token(body)}
    )
    assert status == 409 and "hoort niet bij dit gesprek" in body
