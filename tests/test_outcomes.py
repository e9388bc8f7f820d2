from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from bot.outcomes import (
    SELF_HELP_FAILED,
    SELF_HELP_SOLVED,
    SatisfactionScore,
    add_outcome,
    add_score,
    count_by_kind,
    read_score,
)


def test_outcomes_are_counted_by_kind_since_a_moment(db_session):
    early = datetime(2026, 1, 1, tzinfo=timezone.utc)
    late = datetime(2026, 2, 1, tzinfo=timezone.utc)
    add_outcome(db_session, conversation_id="a", channel="whatsapp", kind=SELF_HELP_SOLVED, now=early)
    add_outcome(db_session, conversation_id="b", channel="whatsapp", kind=SELF_HELP_SOLVED, now=late)
    add_outcome(
        db_session, conversation_id="c", channel="messenger", kind=SELF_HELP_FAILED, problem="x", now=late
    )
    db_session.commit()
    assert count_by_kind(db_session) == {SELF_HELP_SOLVED: 2, SELF_HELP_FAILED: 1}
    assert count_by_kind(db_session, since=late) == {SELF_HELP_SOLVED: 1, SELF_HELP_FAILED: 1}


def test_an_unknown_outcome_is_refused(db_session):
    with pytest.raises(ValueError, match="unknown outcome kind"):
        add_outcome(db_session, conversation_id="a", channel="whatsapp", kind="solved_by_magic")


@pytest.mark.parametrize(
    ("reply", "score"),
    [("4", 4), ("een 5!", 5), ("3 sterren", 3), ("10", None), ("tussen 3 en 4", None), ("top", None)],
)
def test_a_score_is_read_from_the_reply_only_when_it_is_one_number_from_1_to_5(reply, score):
    assert read_score(reply) == score


def test_scores_are_stored_and_out_of_range_refused(db_session):
    add_score(db_session, conversation_id="a", channel="whatsapp", score=5, flow="repair")
    db_session.commit()
    assert db_session.scalars(select(SatisfactionScore.score)).all() == [5]
    with pytest.raises(ValueError, match="1 to 5"):
        add_score(db_session, conversation_id="a", channel="whatsapp", score=6)
