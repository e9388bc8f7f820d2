import logging
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from bot.escalation import DISPUTED_URGENCY, SAFETY, Escalation, alert_text, escalate
from bot.office_hours import load_office_hours
from bot.outbox import OutboxMessage, pending_outbox
from bot.routing import load_routing

OFFICE_HOURS = load_office_hours()
ROUTING = load_routing()
FRIDAY_MORNING = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)
SATURDAY_NIGHT = datetime(2026, 11, 28, 22, 0, tzinfo=timezone.utc)


def _escalate(session, *, reason=SAFETY, now=SATURDAY_NIGHT, conversation_id="whatsapp:+31612345001"):
    return escalate(
        session,
        routing=ROUTING,
        office_hours=OFFICE_HOURS,
        conversation_id=conversation_id,
        channel="whatsapp",
        reason=reason,
        summary="gaslucht in de keuken; dit is spoed en er komt een cv-monteur",
        tenant_words="ik ruik gas in de keuken!!",
        now=now,
    )


def test_out_of_hours_the_on_call_staff_member_gets_a_message_with_how_to_reach_the_tenant(db_session):
    escalated = _escalate(db_session)
    db_session.commit()
    assert escalated.new and not escalated.during_office_hours
    on_call = ROUTING.on_call_at(OFFICE_HOURS.local(SATURDAY_NIGHT))
    row = db_session.scalars(select(Escalation)).one()
    assert (row.staff_name, row.staff_phone, row.reason) == (on_call.name, on_call.phone, "safety")
    (message,) = pending_outbox(db_session)
    assert message.recipient == on_call.phone and message.channel == "whatsapp" and message.ticket_id is None
    assert message.text.splitlines() == [
        "ESCALATIE: veiligheid (gas, brand of koolmonoxide).",
        "Wat de bot begreep: gaslucht in de keuken; dit is spoed en er komt een cv-monteur.",
        "Huurder bereikbaar via whatsapp: whatsapp:+31612345001.",
        'Huurder schreef: "ik ruik gas in de keuken!!"',
    ]


def test_in_office_hours_the_desk_is_warned(db_session):
    escalated = _escalate(db_session, now=FRIDAY_MORNING)
    db_session.commit()
    assert escalated.during_office_hours
    assert db_session.scalars(select(OutboxMessage.recipient)).one() == ROUTING.office_hours_desk.phone


def test_the_same_reason_in_the_same_conversation_warns_once_within_half_an_hour(db_session):
    first = _escalate(db_session)
    again = _escalate(db_session, now=SATURDAY_NIGHT + timedelta(minutes=10))
    other_reason = _escalate(db_session, reason=DISPUTED_URGENCY, now=SATURDAY_NIGHT + timedelta(minutes=11))
    other_tenant = _escalate(db_session, conversation_id="whatsapp:+31612345002")
    later = _escalate(db_session, now=SATURDAY_NIGHT + timedelta(minutes=45))
    db_session.commit()
    assert not again.new and again.escalation_id == first.escalation_id
    assert other_reason.new and other_tenant.new and later.new
    assert len(db_session.scalars(select(OutboxMessage)).all()) == 4


def test_long_words_are_cut_and_a_scripts_own_reason_is_readable():
    text = alert_text(
        reason="unclear_danger",
        summary="reparatie",
        channel="rest",
        conversation_id="c1",
        tenant_words="x " * 500,
    )
    assert text.startswith("ESCALATIE: mogelijk gevaar, geen script.")
    assert len(text.splitlines()[-1]) < 320 and text.endswith('…"')
    assert alert_text(reason="lift_stuck", summary="s", channel="rest", conversation_id="c1").startswith(
        "ESCALATIE: lift stuck."
    )


def test_the_log_carries_no_phone_number_or_words(db_session, caplog):
    with caplog.at_level(logging.INFO, logger="bot.escalation"):
        _escalate(db_session)
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "escalation" in logged and "+3161234" not in logged and "gas" not in logged
