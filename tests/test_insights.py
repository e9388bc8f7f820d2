import csv
import io
from datetime import date, datetime, timedelta, timezone

import pytest

from bot.handoff.models import Handoff
from bot.insights import chart_png, compute, csv_export
from bot.office_hours import load_office_hours
from bot.outcomes import SELF_HELP_SOLVED, ConversationOutcome, SatisfactionScore
from bot.tickets import open_ticket
from bot.tracker_store import read_only_engine
from tests.db_fixtures import make_tenant
from tests.rasa_tracker import save_tracker

# Monday 23 and Tuesday 24 November 2026, in Amsterdam (UTC+1).
MONDAY_MORNING = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
TUESDAY_NIGHT = datetime(2026, 11, 24, 22, 0, tzinfo=timezone.utc)
OFFICE_HOURS = load_office_hours()


def message(text, intent, at, channel="whatsapp"):
    parse = {"text": text, "intent": {"name": intent, "confidence": 0.95}}
    return {
        "event": "user",
        "text": text,
        "timestamp": at.timestamp(),
        "parse_data": parse,
        "input_channel": channel,
    }


@pytest.fixture
def tracker(tmp_path):
    path = tmp_path / "rasa_tracker.db"
    conversations = {
        "whatsapp:+31600000001": [message("de radiator is koud", "report_repair", MONDAY_MORNING)],
        "whatsapp:+31600000002": [message("mag ik een kat", "faq", MONDAY_MORNING)],
        "msg-3": [
            message("hallo", "greet", TUESDAY_NIGHT, "messenger"),
            message("ik heb een huurachterstand", "payment_arrears", TUESDAY_NIGHT, "messenger"),
        ],
        "whatsapp:+31600000004": [message("hoi", "greet", TUESDAY_NIGHT)],
        "whatsapp:+31600000005": [
            message("de deur klemt", "report_repair", MONDAY_MORNING - timedelta(days=3))
        ],
    }
    for sender, events in conversations.items():
        save_tracker(path, sender, events)
    engine = read_only_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture
def figures(db_session, tracker):
    db_session.add(ConversationOutcome(conversation_id="whatsapp:+31600000001", channel="whatsapp",
                                       kind=SELF_HELP_SOLVED, at=MONDAY_MORNING))  # fmt: skip
    db_session.add(
        Handoff(conversation_id="msg-3", channel="messenger", recipient="msg-3", reason="payment_arrears",
                priority=2, summary="", status="closed", created_at=TUESDAY_NIGHT,
                claimed_at=TUESDAY_NIGHT + timedelta(minutes=12))
    )  # fmt: skip
    tenant = make_tenant(db_session)
    for at in (MONDAY_MORNING, TUESDAY_NIGHT):
        open_ticket(db_session, category="repair", problem="water_leak", channel="whatsapp", tenant=tenant,
                    urgency="emergency", now=at)  # fmt: skip
    for score, at in ((4, MONDAY_MORNING), (2, TUESDAY_NIGHT)):
        db_session.add(SatisfactionScore(conversation_id="x", channel="whatsapp", score=score, at=at))
    db_session.flush()
    return compute(db_session, tracker, OFFICE_HOURS, start=date(2026, 11, 23), end=date(2026, 11, 24))


def test_a_periods_conversations_by_channel_category_and_how_they_were_settled(figures):
    assert len(figures.conversations) == 4  # the one of the Friday before is outside the period
    assert figures.count("channel") == {"whatsapp": 3, "messenger": 1}
    assert figures.count("category") == {"repair": 1, "general": 1, "payment_arrears": 1, "other": 1}
    assert figures.settled_share() == {"bot": 1 / 3, "self_help": 1 / 3, "person": 1 / 3}


def test_emergencies_out_of_hours_the_wait_for_a_person_and_the_scores(figures):
    assert figures.emergencies == 2 and figures.emergencies_out_of_hours == [date(2026, 11, 24)]
    assert figures.median_wait == 12 and figures.mean_score == 3


def test_the_csv_has_one_row_per_day_and_the_chart_is_a_picture(figures):
    rows = list(csv.DictReader(io.StringIO(csv_export(figures))))
    assert [row["dag"] for row in rows] == ["2026-11-23", "2026-11-24"]
    monday, tuesday = rows
    assert (monday["gesprekken"], monday["reparatie"], monday["door_zelfhulp"], monday["door_bot"]) == (
        "2",
        "1",
        "1",
        "1",
    )
    assert (tuesday["messenger"], tuesday["door_medewerker"], tuesday["spoed_buiten_kantoortijd"]) == (
        "1",
        "1",
        "1",
    )
    assert (monday["tevredenheid_gemiddeld"], tuesday["tevredenheid_aantal"]) == ("4.00", "1")
    picture = chart_png(figures)
    assert picture[:8] == b"\x89PNG\r\n\x1a\n" and len(picture) > 20_000
