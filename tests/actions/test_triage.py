import asyncio
import shutil
import textwrap
from datetime import date, datetime, timezone

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

import actions.triage as triage_actions
from actions.tickets import ActionOpenTicket, ValidateTicketForm
from actions.triage import (
    ActionAskTriageReply,
    ActionEscalateUrgency,
    ActionSelfHelpResult,
    ActionStartTriage,
    ActionTriageOutcome,
    ValidateTriageForm,
)
from bot.escalation import Escalation
from bot.handoff.models import Handoff
from bot.outbox import OutboxMessage
from bot.outcomes import ConversationOutcome
from bot.tickets import Ticket
from bot.triage.service import KnowledgeCache
from bot.verification import VerificationService
from tests.conftest import PROJECT_DIR
from tests.db_fixtures import make_tenant, make_unit, make_verified_tenant

SCRIPTS = """\
version: 1
problems:
  - id: water_leak
    name: lekkage
    recognise: {words: ["lek\\\\w*"], entities: {problem: [leak]}}
    questions:
      - id: flowing
        text: "Stroomt het water?"
        type: yes_no
        yes_words: ["stroomt"]
      - id: amount
        text: "Hoeveel emmers per uur?"
        type: choice
        choices:
          - {value: many, title: "Veel"}
          - {value: few, title: "Weinig"}
    outcomes:
      - when: {flowing: true}
        urgency: emergency
        trade: plumber
        advice: "Draai de hoofdkraan dicht."
      - when: {amount: many}
        urgency: urgent
        trade: plumber
      - urgency: normal
        trade: plumber
  - id: gas_smell
    name: gaslucht
    priority: 100
    recognise: {words: ["gas\\\\w*"]}
    safety_advice: "Verlaat het huis en bel 0800-9009."
    outcomes:
      - urgency: emergency
        trade: heating
  - id: break_in
    name: inbraak
    recognise: {words: ["ingebroken"]}
    outcomes:
      - urgency: emergency
        trade: locksmith
        handoff: distress
  - id: radiator_cold
    name: koude radiator
    recognise: {words: ["radiator"]}
    outcomes:
      - urgency: self_help
        self_help: bleed_radiator
"""
CATALOGUE = """\
items:
  - id: bleed_radiator
    title: Radiator ontluchten
    steps: [Zet de verwarming uit., Draai het nippeltje open.]
    video: radiator-ontluchten
"""
NOW = datetime(2026, 1, 14, 10, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    (tmp_path / "triage").mkdir()
    (tmp_path / "triage" / "test.yml").write_text(textwrap.dedent(SCRIPTS))
    (tmp_path / "selfhelp.yml").write_text(CATALOGUE)
    shutil.copy(PROJECT_DIR / "data" / "office_hours.yml", tmp_path / "office_hours.yml")
    shutil.copy(PROJECT_DIR / "data" / "routing.yml", tmp_path / "routing.yml")
    shutil.copy(PROJECT_DIR / "data" / "canned_answers.yml", tmp_path / "canned_answers.yml")
    shutil.copy(PROJECT_DIR / "data" / "faq_answers.yml", tmp_path / "faq_answers.yml")
    cache = KnowledgeCache(tmp_path)
    monkeypatch.setattr(triage_actions, "knowledge_cache", lambda: cache)
    monkeypatch.setattr(triage_actions, "now", lambda: NOW)
    import actions.tickets

    monkeypatch.setattr(actions.tickets, "knowledge_cache", lambda: cache)
    monkeypatch.setattr(actions.tickets, "now", lambda: NOW)
    import actions.handoff

    monkeypatch.setattr(actions.handoff, "knowledge_cache", lambda: cache)
    monkeypatch.setattr(actions.handoff, "now", lambda: NOW)
    return tmp_path


def _tracker(
    text="...", intent="report_repair", slots=None, entities=(), sender="conv-1", events=(), confidence=1.0
):
    message = {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": list(entities)}
    return Tracker(sender, slots or {}, message, list(events), False, None, {}, "action_listen")


def _run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def test_a_repair_report_starts_triage_and_acknowledges_before_the_first_question():
    messages, slots = _run(ActionStartTriage(), _tracker("er lekt water in de keuken"))
    assert slots["triage_open"] is True and slots["ticket_step"] is None
    assert slots["triage"]["problem"] == "water_leak" and slots["triage"]["asked"] == "flowing"
    assert [m["response"] for m in messages] == ["utter_repair_acknowledged"]


def test_safety_advice_is_the_very_first_reply_and_the_danger_is_decided_at_once():
    messages, slots = _run(ActionStartTriage(), _tracker("ik ruik gas"))
    assert messages[0]["response"] == "utter_safety_advice"
    assert messages[0]["safety_advice"] == "Verlaat het huis en bel 0800-9009."
    assert slots["triage_open"] is False


def test_a_new_report_forgets_what_was_left_of_an_earlier_one():
    earlier = {"ticket_number": "R-2026-000001", "pending_request": "open_ticket", "urgency": "urgent"}
    _, slots = _run(ActionStartTriage(), _tracker("er lekt water", slots=earlier))
    assert (slots["ticket_number"], slots["pending_request"], slots["urgency"]) == (None, None, None)


def test_the_form_asks_the_scripts_question_with_buttons_and_reads_the_reply():
    _, started = _run(ActionStartTriage(), _tracker("er lekt water"))
    slots = {"triage": started["triage"]}
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionAskTriageReply().run(dispatcher, _tracker(slots=slots), {}))
    (question,) = dispatcher.messages
    assert question["text"] == "Stroomt het water?"
    assert [b["payload"] for b in question["buttons"]] == ["ja", "nee", "weet ik niet"]
    form = ValidateTriageForm()
    result = form.validate_triage_reply("nee", CollectingDispatcher(), _tracker(slots=slots), {})
    assert result["triage_reply"] is None and result["triage"]["asked"] == "amount"
    result = form.validate_triage_reply("Veel", CollectingDispatcher(), _tracker(slots=result), {})
    assert result["triage_reply"] == "Veel" and result["triage"]["answers"]["amount"] == "many"
    assert (
        asyncio.run(form.required_slots(["triage_reply"], CollectingDispatcher(), _tracker(slots=result), {}))
        == []
    )


def test_the_outcome_gives_advice_and_drafts_the_ticket_and_its_summary():
    _, started = _run(ActionStartTriage(), _tracker("het water stroomt eruit, lekkage!"))
    messages, slots = _run(
        ActionTriageOutcome(), _tracker(slots={"triage": started["triage"], "room": "kitchen"})
    )
    assert messages[0]["response"] == "utter_triage_advice"
    assert slots["urgency"] == "emergency" and slots["pending_request"] == "open_ticket"
    assert slots["ticket_step"] == "summarise"  # an emergency comes as soon as it can: no "when are you home"
    assert slots["ticket_summary"] == "lekkage in de keuken; dit is spoed en er komt een loodgieter"


def test_self_help_sends_steps_with_the_video_and_a_failure_becomes_a_normal_repair(
    db_session, migrated_url, monkeypatch
):
    monkeypatch.setenv("DATABASE_URL", migrated_url)
    triage_actions.settings.cache_clear()
    _, started = _run(ActionStartTriage(), _tracker("mijn radiator blijft koud"))
    messages, slots = _run(ActionTriageOutcome(), _tracker(slots={"triage": started["triage"]}))
    assert slots["urgency"] == "self_help" and slots["ticket_step"] == "try_self_help"
    assert "radiator-ontluchten" in messages[0]["self_help_text"]
    failed = {"triage": started["triage"], "ticket_draft": slots["ticket_draft"]}
    _, result = _run(ActionSelfHelpResult(), _tracker("nee", intent="deny", slots=failed))
    assert result == {"urgency": "normal", "ticket_step": "ask_availability"}
    _, result = _run(ActionSelfHelpResult(), _tracker("ja", intent="affirm", slots=failed))
    assert result == {"ticket_step": "solved", "pending_request": None}
    kinds = sorted(db_session.scalars(select(ConversationOutcome.kind)))
    assert kinds == ["self_help_failed", "self_help_solved"]
    triage_actions.settings.cache_clear()


def test_availability_goes_into_the_draft_and_the_summary():
    _, started = _run(ActionStartTriage(), _tracker("er lekt water"))
    _, outcome = _run(
        ActionTriageOutcome(),
        _tracker(slots={"triage": {**started["triage"], "answers": {"flowing": False, "amount": "few"}}}),
    )
    result = ValidateTicketForm().validate_availability_reply(
        "dinsdagochtend", CollectingDispatcher(), _tracker(slots=outcome), {}
    )
    assert result["ticket_draft"]["availability"] == {"weekdays": ["tuesday"], "parts_of_day": ["morning"]}
    assert result["ticket_summary"].endswith("U bent thuis op dinsdag, in de ochtend")


def test_the_confirmed_ticket_is_opened_only_for_a_verified_tenant(db_session, migrated_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", migrated_url)
    triage_actions.settings.cache_clear()
    make_tenant(
        db_session,
        unit=make_unit(db_session, postcode="9999XA", house_number=3),
        date_of_birth=date(1970, 1, 16),
    )
    db_session.commit()
    _, started = _run(ActionStartTriage(), _tracker("het water stroomt, lekkage"))
    _, outcome = _run(ActionTriageOutcome(), _tracker(slots={"triage": started["triage"]}))
    _, slots = _run(ActionOpenTicket(), _tracker(slots=outcome))
    assert slots == {"verification": "unverified"}
    VerificationService(db_session).check(
        "conv-1",
        None,
        postcode="9999XA",
        house_number="3",
        date_of_birth=date(1970, 1, 16),
        customer_number=None,
    )
    db_session.commit()
    messages, slots = _run(ActionOpenTicket(), _tracker(slots=outcome))
    assert messages[0]["response"] == "utter_ticket_opened" and slots["ticket_number"].startswith("R-2026-")
    assert slots["pending_request"] is None and slots["ticket_draft"] is None
    ticket = db_session.scalars(select(Ticket)).one()
    assert (ticket.urgency.value, ticket.trade.value, ticket.problem) == (
        "emergency",
        "plumber",
        "water_leak",
    )
    triage_actions.settings.cache_clear()


def test_a_score_is_stored_from_the_button_or_a_typed_number(db_session, migrated_url, monkeypatch):
    from actions.triage import ActionStoreSatisfaction
    from bot.outcomes import SatisfactionScore

    monkeypatch.setenv("DATABASE_URL", migrated_url)
    triage_actions.settings.cache_clear()
    _, slots = _run(
        ActionStoreSatisfaction(), _tracker("4", intent="inform", slots={"satisfaction_score": "4"})
    )
    assert slots == {"satisfaction_score": None}
    _run(ActionStoreSatisfaction(), _tracker("een 2 helaas", intent="inform", slots={"category": "nuisance"}))
    _run(ActionStoreSatisfaction(), _tracker("geen idee", intent="inform"))
    rows = db_session.scalars(select(SatisfactionScore)).all()
    assert sorted((row.score, row.flow) for row in rows) == [(2, "nuisance"), (4, None)]
    triage_actions.settings.cache_clear()


@pytest.fixture
def app_database(migrated_url, monkeypatch):
    """The actions write to the test database."""
    monkeypatch.setenv("DATABASE_URL", migrated_url)
    triage_actions.settings.cache_clear()
    yield migrated_url
    triage_actions.settings.cache_clear()


def test_a_safety_case_warns_a_colleague_before_the_summary_is_asked(db_session, app_database):
    _, started = _run(ActionStartTriage(), _tracker("ik ruik gas in de keuken"))
    report = {
        "event": "user",
        "text": "ik ruik gas in de keuken",
        "parse_data": {"intent": {"name": "report_repair"}},
    }
    messages, slots = _run(
        ActionTriageOutcome(), _tracker(slots={"triage": started["triage"]}, events=[report])
    )
    # NOW is a Wednesday morning: the customer-contact desk is warned, and no question came first.
    assert [m["response"] for m in messages] == ["utter_escalated_desk"]
    assert slots["ticket_step"] == "summarise"
    escalation = db_session.scalars(select(Escalation)).one()
    assert (escalation.reason, escalation.conversation_id) == ("safety", "conv-1")
    assert escalation.summary.startswith("gaslucht")
    alert = db_session.scalars(select(OutboxMessage)).one()
    assert alert.recipient == escalation.staff_phone == "+31612340900" and alert.ticket_id is None
    assert (
        alert.text.startswith("ESCALATIE: veiligheid")
        and 'Huurder schreef: "ik ruik gas in de keuken"' in alert.text
    )


def test_an_ordinary_emergency_warns_nobody_extra(db_session, app_database):
    _, started = _run(ActionStartTriage(), _tracker("het water stroomt, lekkage"))
    messages, _ = _run(ActionTriageOutcome(), _tracker(slots={"triage": started["triage"]}))
    assert [m["response"] for m in messages] == ["utter_triage_advice"]
    assert db_session.scalars(select(Escalation)).all() == []


def test_a_disputed_urgency_warns_a_colleague_once(db_session, app_database):
    slots = {"ticket_summary": "lekkage in de keuken; dit plannen we in"}
    messages, _ = _run(ActionEscalateUrgency(), _tracker("dit kan niet wachten!", "dispute_urgency", slots))
    assert [m["response"] for m in messages] == ["utter_urgency_heard", "utter_escalated_desk"]
    messages, _ = _run(ActionEscalateUrgency(), _tracker("echt niet!!", "dispute_urgency", slots))
    assert [m["response"] for m in messages] == ["utter_urgency_heard", "utter_escalated_already"]
    escalation = db_session.scalars(select(Escalation)).one()
    assert escalation.reason == "disputed_urgency"
    assert 'Huurder schreef: "dit kan niet wachten!"' in db_session.scalars(select(OutboxMessage.text)).one()


def test_a_disputed_urgency_without_a_report_asks_what_is_wrong(db_session, app_database):
    messages, _ = _run(ActionEscalateUrgency(), _tracker("het is spoed", "dispute_urgency"))
    assert [m["response"] for m in messages] == ["utter_dispute_without_report"]
    assert db_session.scalars(select(Escalation)).all() == []


def _extract(text, intent, confidence, state):
    tracker = _tracker(
        text, intent, slots={"triage": state, "requested_slot": "triage_reply"}, confidence=confidence
    )
    return asyncio.run(ValidateTriageForm().extract_triage_reply(CollectingDispatcher(), tracker, {}))


def test_a_reply_on_another_topic_leaves_the_triage_question_to_the_rules():
    _, started = _run(ActionStartTriage(), _tracker("er lekt water"))
    state = started["triage"]
    assert _extract("de buren draaien elke nacht harde muziek", "report_nuisance", 0.97, state) == {}
    assert _extract("ik wil een mens spreken", "request_human", 0.99, state) == {}
    # An answer stays an answer, whatever NLU makes of it; an unsure guess is no new topic.
    assert _extract("ja het stroomt bij de buren", "report_nuisance", 0.97, state) == {
        "triage_reply": "ja het stroomt bij de buren"
    }
    assert _extract("mag ik een kat", "faq", 0.5, state) == {"triage_reply": "mag ik een kat"}
    assert _extract("mag ik een kat", "faq", 0.9, state) == {}


def test_nothing_is_extracted_when_the_form_did_not_ask():
    _, started = _run(ActionStartTriage(), _tracker("er lekt water"))
    tracker = _tracker("nee", "deny", slots={"triage": started["triage"], "requested_slot": None})
    assert asyncio.run(ValidateTriageForm().extract_triage_reply(CollectingDispatcher(), tracker, {})) == {}


def test_after_a_break_in_the_ticket_is_opened_first_and_then_a_colleague_takes_over(
    db_session, app_database
):
    make_verified_tenant(db_session, conversation_id="conv-1", house_number=3)
    _, started = _run(ActionStartTriage(), _tracker("er is vannacht ingebroken"))
    messages, outcome = _run(ActionTriageOutcome(), _tracker(slots={"triage": started["triage"]}))
    assert outcome["handoff_reason"] == "burglary"
    assert [m["response"] for m in messages] == ["utter_escalated_desk"]
    messages, slots = _run(ActionOpenTicket(), _tracker(slots=outcome))
    # Nobody is logged in to the console: the desk calls back, today (NOW is a Wednesday morning).
    assert [m["response"] for m in messages] == [
        "utter_ticket_opened",
        "utter_handoff_empathy_distress",
        "utter_handoff_callback",
    ]
    assert slots["handoff_reason"] is None and slots["contact_step"] == "callback"
    handoff = db_session.scalars(select(Handoff)).one()
    assert (handoff.reason, handoff.status, handoff.tenant_id is not None) == ("burglary", "callback", True)
