import shutil
import time

import pytest
from sqlalchemy import select

from bot.handoff.models import Handoff
from bot.review.inbox import candidate, candidates
from bot.review.models import ReviewDecision
from bot.review.nlu_files import ExampleRefused, TrainingFiles
from bot.review.service import decide, preview
from bot.tracker_store import read_only_engine
from tests.conftest import PROJECT_DIR
from tests.db_fixtures import make_tenant
from tests.rasa_tracker import save_tracker

NOW = time.time()


def user(text, intent, confidence, at, faq_key=None):
    parse = {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": []}
    if faq_key:
        parse["response_selector"] = {intent: {"response": {"intent_response_key": faq_key}}}
    return {"event": "user", "text": text, "timestamp": at, "parse_data": parse}


def bot(response, at):
    return {"event": "bot", "text": "...", "timestamp": at, "metadata": {"utter_action": response}}


@pytest.fixture
def tracker(tmp_path):
    path = tmp_path / "rasa_tracker.db"
    save_tracker(path, "whatsapp:+31612340001", [user("zxcv bla bla", "nlu_fallback", 0.4, NOW - 100)])
    save_tracker(
        path,
        "whatsapp:+31612340002",
        [
            user("mijn cv ketel maakt herrie 's nachts", "report_nuisance", 0.95, NOW - 90),
            bot("utter_nuisance_understood", NOW - 89),
            user("nee", "deny", 0.99, NOW - 80),
            bot("utter_ask_correction", NOW - 79),
        ],
    )
    save_tracker(
        path,
        "whatsapp:+31612340003",
        [user("hoi", "greet", 0.99, NOW - 70), user("/affirm", "affirm", 0.3, NOW - 69)],
    )
    save_tracker(
        path,
        "whatsapp:+31612340004",
        [user("ik wil weg uit mijn huis, hoe doe ik dat", "faq", 0.55, NOW - 60, "faq/end_tenancy")],
    )
    save_tracker(path, "messenger-5", [user("qwerty asdf", "nlu_fallback", 0.2, NOW - 50)])
    engine = read_only_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


def test_the_inbox_holds_what_the_model_did_not_understand_doubted_or_was_corrected_on(db_session, tracker):
    db_session.add(
        Handoff(conversation_id="messenger-5", channel="messenger", recipient="messenger-5",
                reason="not_understood", priority=1, summary="", status="closed")
    )  # fmt: skip
    db_session.flush()
    found = {
        item.text: (item.intent, item.confidence, item.reasons) for item in candidates(db_session, tracker)
    }
    assert found == {
        "qwerty asdf": ("nlu_fallback", 0.2, ("fallback", "handed_over")),
        "ik wil weg uit mijn huis, hoe doe ik dat": ("faq/end_tenancy", 0.55, ("low_confidence",)),
        "mijn cv ketel maakt herrie 's nachts": ("report_nuisance", 0.95, ("corrected",)),
        "zxcv bla bla": ("nlu_fallback", 0.4, ("fallback",)),
    }
    assert [item.text for item in candidates(db_session, tracker)][0] == "qwerty asdf"  # newest first


def test_a_store_rasa_has_not_created_yet_gives_an_empty_inbox(db_session, tmp_path):
    assert candidates(db_session, read_only_engine(f"sqlite:///{tmp_path / 'missing.db'}")) == []


@pytest.fixture
def files(tmp_path):
    shutil.copytree(PROJECT_DIR / "data" / "nlu", tmp_path / "nlu")
    heldout = tuple(sorted((PROJECT_DIR / "tests" / "nlu").glob("heldout*.yml")))
    return TrainingFiles(tmp_path / "nlu", heldout, frozenset({"object", "room", "problem"}))


def test_a_label_writes_the_scrubbed_example_once_and_the_message_leaves_the_inbox(
    db_session, tracker, files
):
    make_tenant(db_session, first_name="Fatima", last_name="Bakker")
    item = next(i for i in candidates(db_session, tracker) if i.text.startswith("ik wil weg"))
    edited = "ik wil weg uit mijn huis aan de Lindenlaan 37, groet Fatima Bakker 06-23456789"
    assert (
        preview(db_session, edited)
        == "ik wil weg uit mijn huis aan de Lindenlaan 12, groet Jansen 0612345678"
    )
    saved = decide(
        db_session, files, item, decision="labelled", by="olga", intent="faq/end_tenancy", text=edited
    )
    assert saved.file.name == "faq.yml" and "Bakker" not in saved.example and "Fatima" not in saved.example
    assert "Lindenlaan 37" not in saved.example and {"house_number", "name", "phone"} <= set(saved.replaced)
    assert f"    - {saved.example}" in saved.file.read_text()
    row = db_session.scalars(select(ReviewDecision)).one()
    assert (row.decision, row.intent, row.predicted_intent, row.decided_by, row.file) == (
        "labelled", "faq/end_tenancy", "faq/end_tenancy", "olga", "faq.yml",
    )  # fmt: skip
    assert item.event_id not in {i.event_id for i in candidates(db_session, tracker)}
    with pytest.raises(ExampleRefused, match="al beoordeeld"):
        decide(db_session, files, item, decision="ignored", by="olga")


def test_out_of_scope_and_ignore(db_session, tracker, files):
    gibberish = next(i for i in candidates(db_session, tracker) if i.text == "zxcv bla bla")
    saved = decide(db_session, files, gibberish, decision="out_of_scope", by="olga")
    assert saved.file.name == "out_of_scope.yml" and saved.example == "zxcv bla bla"
    before = {path.name: path.read_text() for path in files.nlu_dir.glob("*.yml")}
    other = candidate(db_session, tracker, next(i for i in candidates(db_session, tracker)).event_id)
    assert decide(db_session, files, other, decision="ignored", by="olga").file is None
    assert before == {path.name: path.read_text() for path in files.nlu_dir.glob("*.yml")}
    assert sorted(db_session.scalars(select(ReviewDecision.decision))) == ["ignored", "out_of_scope"]


def test_a_refused_example_records_nothing(db_session, tracker, files):
    item = next(i for i in candidates(db_session, tracker) if i.text == "zxcv bla bla")
    with pytest.raises(ExampleRefused, match="Kies een intent"):
        decide(db_session, files, item, decision="labelled", by="olga")
    with pytest.raises(ExampleRefused, match="Onbekende beslissing"):
        decide(db_session, files, item, decision="maybe", by="olga")
    assert db_session.scalars(select(ReviewDecision)).all() == []


def test_a_message_an_agent_flags_as_misread_joins_the_inbox_once(db_session, tracker):
    from bot.review.inbox import flag_misread
    from bot.tracker_store import EVENTS

    conversation = "whatsapp:+31612340003"
    query = select(EVENTS.c.id).where(EVENTS.c.sender_id == conversation, EVENTS.c.type_name == "user")
    with tracker.connect() as connection:
        greeting = connection.execute(query.order_by(EVENTS.c.id)).scalars().first()  # "hoi": understood
    assert greeting not in {item.event_id for item in candidates(db_session, tracker)}
    assert flag_misread(db_session, tracker, conversation_id=conversation, event_id=greeting, by="anna")
    assert not flag_misread(db_session, tracker, conversation_id=conversation, event_id=greeting, by="bram")
    (flagged,) = [item for item in candidates(db_session, tracker) if item.event_id == greeting]
    assert (flagged.text, flagged.reasons) == ("hoi", ("agent",))
    with pytest.raises(ValueError):
        flag_misread(
            db_session, tracker, conversation_id="whatsapp:+31612340001", event_id=greeting, by="anna"
        )
