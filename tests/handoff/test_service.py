from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.console.sessions import ConsoleSession, start_session
from bot.console.users import add_user
from bot.handoff.models import Handoff
from bot.handoff.service import (
    HandoffError,
    HandoffRequest,
    active_handoff,
    add_note,
    agents_at_work,
    claim,
    close,
    describe_wait,
    hand_back,
    hand_over,
    minutes_per_tenant,
    queue_position,
    reply,
)
from bot.office_hours import load_office_hours
from bot.outbox import OutboxMessage
from bot.tickets import CallbackRequest
from tests.db_fixtures import make_verified_tenant, run_concurrently

# Wednesday 25 November 2026: 10:00 in Amsterdam is office hours, 22:00 is not.
WEDNESDAY_MORNING = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)
WEDNESDAY_NIGHT = datetime(2026, 11, 25, 21, 0, tzinfo=timezone.utc)
OFFICE_HOURS = load_office_hours()


def request(conversation="whatsapp:+31612345678", reason="asked_for_person", **overrides) -> HandoffRequest:
    values = {"channel": "whatsapp", "summary": "Onderwerp: Reparatie", "urgency": None}
    return HandoffRequest(conversation_id=conversation, reason=reason, **{**values, **overrides})


def agent_at_work(session, username="agent1", seen=WEDNESDAY_MORNING):
    user = add_user(session, username=username, password="correct horse battery", role="agent")
    start_session(session, user, now=seen - timedelta(hours=1))
    session.flush()
    for row in session.scalars(select(ConsoleSession).where(ConsoleSession.user_id == user.id)):
        row.last_seen_at = seen
    session.flush()
    return user


def test_in_office_hours_with_an_agent_at_work_the_conversation_joins_the_queue(db_session):
    agent_at_work(db_session)
    first = hand_over(db_session, request(), office_hours=OFFICE_HOURS, now=WEDNESDAY_MORNING)
    second = hand_over(
        db_session, request("whatsapp:+31612345679"), office_hours=OFFICE_HOURS, now=WEDNESDAY_MORNING
    )
    assert (first.kind, first.position, second.position) == ("queued", 1, 2)
    assert first.wait == "ongeveer 5 minuten" and second.wait == "ongeveer 10 minuten"
    assert db_session.scalars(select(CallbackRequest)).all() == []
    handoff = active_handoff(db_session, "whatsapp:+31612345678")
    assert (handoff.recipient, handoff.reason, handoff.status) == (
        "+31612345678",
        "asked_for_person",
        "queued",
    )


def test_a_more_pressing_reason_goes_ahead_of_those_waiting_longer(db_session):
    agent_at_work(db_session)
    hand_over(db_session, request(), office_hours=OFFICE_HOURS, now=WEDNESDAY_MORNING)
    later = WEDNESDAY_MORNING + timedelta(minutes=5)
    urgent = hand_over(
        db_session, request("whatsapp:+31612345679", "distress"), office_hours=OFFICE_HOURS, now=later
    )
    emergency = hand_over(
        db_session,
        request("whatsapp:+31612345670", urgency="emergency"),
        office_hours=OFFICE_HOURS,
        now=later,
    )
    assert (urgent.position, emergency.position) == (1, 1)
    positions = {
        handoff.reason + str(handoff.urgency): queue_position(db_session, handoff)
        for handoff in db_session.scalars(select(Handoff))
    }
    assert positions == {"asked_for_personemergency": 1, "distressNone": 2, "asked_for_personNone": 3}


def test_a_conversation_already_waiting_keeps_its_place(db_session):
    agent_at_work(db_session)
    first = hand_over(db_session, request(), office_hours=OFFICE_HOURS, now=WEDNESDAY_MORNING)
    again = hand_over(db_session, request(reason="anger"), office_hours=OFFICE_HOURS, now=WEDNESDAY_MORNING)
    assert again.handoff_id == first.handoff_id
    assert len(db_session.scalars(select(Handoff)).all()) == 1
    claim(db_session, first.handoff_id, "anna", now=WEDNESDAY_MORNING)
    taken = hand_over(db_session, request(), office_hours=OFFICE_HOURS, now=WEDNESDAY_MORNING)
    assert (taken.handoff_id, taken.position) == (first.handoff_id, 1)


def test_after_hours_it_becomes_a_callback_with_the_reason_and_the_tenants_words(db_session):
    agent_at_work(db_session, seen=WEDNESDAY_NIGHT)
    decision = hand_over(
        db_session,
        request(reason="payment_arrears", detail="ik ben mijn baan kwijt"),
        office_hours=OFFICE_HOURS,
        now=WEDNESDAY_NIGHT,
    )
    assert decision.kind == "callback"
    callback = db_session.scalars(select(CallbackRequest)).one()
    assert (callback.phone, callback.reason) == (
        "+31612345678",
        "Betalingsachterstand: ik ben mijn baan kwijt",
    )
    assert db_session.get(Handoff, decision.handoff_id).status == "callback"
    assert active_handoff(db_session, "whatsapp:+31612345678") is None


def test_in_office_hours_without_an_agent_at_work_it_is_a_callback_too(db_session):
    agent_at_work(db_session, seen=WEDNESDAY_MORNING - timedelta(hours=2))
    assert agents_at_work(db_session, WEDNESDAY_MORNING) == 0
    decision = hand_over(db_session, request(), office_hours=OFFICE_HOURS, now=WEDNESDAY_MORNING)
    assert decision.kind == "callback"


def test_without_a_tenant_or_a_number_the_bot_must_ask_for_one(db_session):
    decision = hand_over(
        db_session,
        request("2468013579", channel="messenger"),
        office_hours=OFFICE_HOURS,
        now=WEDNESDAY_NIGHT,
    )
    assert (decision.kind, decision.callback_reason) == ("need_phone", "Wil een medewerker spreken")
    assert db_session.scalars(select(CallbackRequest)).all() == []


def test_the_verified_tenant_is_recorded_with_the_handoff(db_session):
    tenant = make_verified_tenant(db_session, conversation_id="whatsapp:+31612345678")
    agent_at_work(db_session)
    decision = hand_over(db_session, request(), office_hours=OFFICE_HOURS, now=WEDNESDAY_MORNING)
    assert db_session.get(Handoff, decision.handoff_id).tenant_id == tenant.id


def test_an_unknown_reason_is_refused(db_session):
    with pytest.raises(ValueError, match="unknown handoff reason"):
        hand_over(db_session, request(reason="bored"), office_hours=OFFICE_HOURS, now=WEDNESDAY_MORNING)


def queued(session, conversation="whatsapp:+31612345678", **overrides) -> int:
    if agents_at_work(session, WEDNESDAY_MORNING) == 0:
        agent_at_work(session)
    return hand_over(
        session, request(conversation, **overrides), office_hours=OFFICE_HOURS, now=WEDNESDAY_MORNING
    ).handoff_id


def test_a_second_agent_cannot_claim_a_claimed_conversation(db_session):
    handoff_id = queued(db_session)
    assert claim(db_session, handoff_id, "anna", now=WEDNESDAY_MORNING).claimed_by == "anna"
    with pytest.raises(HandoffError, match="al aangenomen door anna"):
        claim(db_session, handoff_id, "bram", now=WEDNESDAY_MORNING)
    assert db_session.get(Handoff, handoff_id).claimed_by == "anna"


def test_of_two_agents_claiming_at_the_same_moment_exactly_one_wins(db_session, db_session_factory):
    from bot.db import transaction

    handoff_id = queued(db_session)
    db_session.commit()
    winners, refusals = [], []

    def try_claim(name: str) -> None:
        try:
            with transaction(db_session_factory) as session:
                claim(session, handoff_id, name)
            winners.append(name)
        except HandoffError:
            refusals.append(name)

    names = iter(["anna", "bram", "cor", "dina"])
    run_concurrently(lambda: try_claim(next(names)), threads=4)
    assert len(winners) == 1 and len(refusals) == 3
    db_session.expire_all()
    assert db_session.get(Handoff, handoff_id).claimed_by == winners[0]


def test_only_the_agent_who_claimed_it_replies_and_the_reply_goes_to_the_tenants_channel(db_session):
    handoff_id = queued(db_session)
    with pytest.raises(HandoffError, match="eerst zelf aan"):
        reply(db_session, handoff_id, "anna", "Goedemiddag")
    claim(db_session, handoff_id, "anna")
    with pytest.raises(HandoffError, match="eerst zelf aan"):
        reply(db_session, handoff_id, "bram", "Goedemiddag")
    with pytest.raises(HandoffError, match="Typ eerst"):
        reply(db_session, handoff_id, "anna", "   ")
    with pytest.raises(HandoffError, match="hoogstens"):
        reply(db_session, handoff_id, "anna", "x" * 4001)
    message = reply(db_session, handoff_id, "anna", " Goedemiddag, u spreekt met Anna. ")
    outgoing = db_session.get(OutboxMessage, message.outbox_id)
    assert (outgoing.channel, outgoing.recipient, outgoing.text) == (
        "whatsapp",
        "+31612345678",
        "Goedemiddag, u spreekt met Anna.",
    )
    assert outgoing.conversation_id == "whatsapp:+31612345678" and outgoing.status == "pending"


def test_messenger_replies_go_to_the_page_scoped_id_and_other_channels_cannot_be_answered(db_session):
    messenger = queued(db_session, "2468013579", channel="messenger")
    rest = queued(db_session, "rest-user", channel="rest")
    for handoff_id in (messenger, rest):
        claim(db_session, handoff_id, "anna")
    outgoing = db_session.get(OutboxMessage, reply(db_session, messenger, "anna", "Hallo").outbox_id)
    assert (outgoing.channel, outgoing.recipient) == ("messenger", "2468013579")
    with pytest.raises(HandoffError, match="kanaal 'rest'"):
        reply(db_session, rest, "anna", "Hallo")


def test_hand_back_and_close_end_the_handoff_so_the_bot_may_answer_again(db_session):
    first = queued(db_session)
    claim(db_session, first, "anna")
    hand_back(db_session, first, "anna")
    assert active_handoff(db_session, "whatsapp:+31612345678") is None
    second = queued(db_session)
    assert second != first
    claim(db_session, second, "anna")
    with pytest.raises(HandoffError, match="Kies hoe"):
        close(db_session, second, "anna", "whatever")
    with pytest.raises(HandoffError, match="eerst zelf aan"):
        close(db_session, second, "bram", "resolved")
    closed = close(db_session, second, "anna", "resolved")
    assert (closed.status, closed.outcome, closed.ended_by) == ("closed", "resolved", "anna")
    assert active_handoff(db_session, "whatsapp:+31612345678") is None


def test_any_agent_may_add_a_note_but_not_an_empty_one(db_session):
    handoff_id = queued(db_session)
    add_note(db_session, handoff_id, "bram", "Huurder klinkt erg overstuur")
    with pytest.raises(HandoffError):
        add_note(db_session, handoff_id, "bram", "  ")
    assert [note.text for note in db_session.get(Handoff, handoff_id).notes] == [
        "Huurder klinkt erg overstuur"
    ]


def test_the_wait_estimate_follows_the_median_claim_time_of_the_last_week(db_session):
    assert minutes_per_tenant(db_session, WEDNESDAY_MORNING) == 5
    for number, minutes in enumerate((4, 12, 20)):
        handoff_id = queued(db_session, f"whatsapp:+3161234500{number}")
        claim(db_session, handoff_id, "anna", now=WEDNESDAY_MORNING + timedelta(minutes=minutes))
    assert minutes_per_tenant(db_session, WEDNESDAY_MORNING + timedelta(hours=1)) == 12
    assert minutes_per_tenant(db_session, WEDNESDAY_MORNING + timedelta(days=8)) == 5


@pytest.mark.parametrize(
    ("minutes", "words"),
    [
        (2, "een paar minuten"),
        (6, "ongeveer 5 minuten"),
        (23, "ongeveer 25 minuten"),
        (70, "ongeveer een uur"),
        (150, "ongeveer 2 uur"),
    ],
)
def test_the_wait_is_told_in_rough_dutch_words(minutes, words):
    assert describe_wait(minutes) == words
