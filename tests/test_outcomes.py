from datetime import datetime, timezone

import pytest

from bot.outcomes import SELF_HELP_FAILED, SELF_HELP_SOLVED, add_outcome, count_by_kind


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
