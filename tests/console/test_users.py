from datetime import datetime, timedelta, timezone

import pytest

from bot.console.sessions import end_session, logged_in, mark_seen, start_session
from bot.console.users import LOCKOUT, MAX_FAILED_LOGINS, UserError, add_user, authenticate, disable_user
from bot.handoff.service import agents_at_work

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=timezone.utc)
PASSWORD = "correct horse battery"


def test_passwords_are_hashed_with_argon2_and_checked(db_session):
    user = add_user(db_session, username="Fatima", password=PASSWORD, role="agent")
    assert (
        user.username == "fatima"
        and user.password_hash.startswith("$argon2")
        and PASSWORD not in user.password_hash
    )
    assert authenticate(db_session, "fatima", PASSWORD, now=NOW) is user
    assert authenticate(db_session, "fatima", PASSWORD + "!", now=NOW) is None
    assert authenticate(db_session, "nobody", PASSWORD, now=NOW) is None


@pytest.mark.parametrize(
    ("username", "password", "role", "message"),
    [
        ("a", PASSWORD, "agent", "2-40 characters"),
        ("jan jansen", PASSWORD, "agent", "2-40 characters"),
        ("jan", "kort", "agent", "at least 12"),
        ("jan", PASSWORD, "boss", "unknown role"),
    ],
)
def test_bad_users_are_refused_with_a_reason(db_session, username, password, role, message):
    with pytest.raises(UserError, match=message):
        add_user(db_session, username=username, password=password, role=role)


def test_a_name_is_taken_once(db_session):
    add_user(db_session, username="jan", password=PASSWORD, role="agent")
    with pytest.raises(UserError, match="exists"):
        add_user(db_session, username="JAN", password=PASSWORD, role="admin")


def test_five_failures_lock_the_account_for_a_while_even_for_the_right_password(db_session):
    add_user(db_session, username="jan", password=PASSWORD, role="agent")
    for _ in range(MAX_FAILED_LOGINS):
        assert authenticate(db_session, "jan", "wrong password!!", now=NOW) is None
    assert authenticate(db_session, "jan", PASSWORD, now=NOW + timedelta(minutes=1)) is None
    assert authenticate(db_session, "jan", PASSWORD, now=NOW + LOCKOUT + timedelta(seconds=1)) is not None


def test_sessions_end_at_log_out_after_8_hours_and_when_the_user_is_disabled(db_session):
    user = add_user(db_session, username="jan", password=PASSWORD, role="operator")
    token = start_session(db_session, user, now=NOW)
    me = logged_in(db_session, token, now=NOW + timedelta(hours=1))
    assert (me.username, me.role) == ("jan", "operator") and me.csrf_ok(me.csrf_token) and not me.csrf_ok("x")
    assert logged_in(db_session, token, now=NOW + timedelta(hours=8, seconds=1)) is None
    assert logged_in(db_session, "made-up", now=NOW) is None
    end_session(db_session, token)
    assert logged_in(db_session, token, now=NOW) is None
    other = start_session(db_session, user, now=NOW)
    disable_user(db_session, "jan")
    assert logged_in(db_session, other, now=NOW) is None
    assert authenticate(db_session, "jan", PASSWORD, now=NOW) is None


def test_a_sessions_use_is_written_down_at_most_once_a_minute_and_counts_as_at_work(db_session):
    user = add_user(db_session, username="jan", password=PASSWORD, role="agent")
    token = start_session(db_session, user, now=NOW)
    assert logged_in(db_session, token, now=NOW).seen_long_ago
    assert agents_at_work(db_session, NOW) == 0
    mark_seen(db_session, token, now=NOW)
    assert not logged_in(db_session, token, now=NOW + timedelta(seconds=30)).seen_long_ago
    assert logged_in(db_session, token, now=NOW + timedelta(seconds=61)).seen_long_ago
    assert agents_at_work(db_session, NOW + timedelta(minutes=14)) == 1
    assert agents_at_work(db_session, NOW + timedelta(minutes=16)) == 0
