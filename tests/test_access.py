"""The token check every protected route shares: a constant-time match, the bearer header read."""

import pytest

from bot.access import bearer_token, token_matches

TOKEN = "the-right-token-123456"


@pytest.mark.parametrize(
    ("given", "ok"),
    [
        (TOKEN, True),
        ("the-right-token-12345", False),
        (TOKEN + "7", False),
        ("", False),
        (None, False),
        ("the-right-tökén-123456", False),
    ],
)
def test_token_matches_only_the_exact_token(given, ok):
    assert token_matches(given, TOKEN) is ok


def test_an_empty_token_never_matches():
    assert token_matches("", "") is False


@pytest.mark.parametrize(
    ("header", "token"),
    [
        (f"Bearer {TOKEN}", TOKEN),
        (f"bearer {TOKEN}", TOKEN),
        (f"BEARER {TOKEN}", TOKEN),
        ("Bearer ", ""),
        (TOKEN, ""),
        (f"Basic {TOKEN}", ""),
        (f"Bearer{TOKEN}", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_bearer_token_reads_the_scheme_in_any_case(header, token):
    assert bearer_token(header) == token


@pytest.mark.parametrize(
    ("header", "ok"),
    [
        (f"Bearer {TOKEN}", True),
        (f"bearer {TOKEN}", True),
        ("Bearer the-right-token-12345", False),
        (f"Basic {TOKEN}", False),
        (TOKEN, False),
        ("", False),
        (None, False),
    ],
)
def test_only_the_exact_bearer_token_is_accepted(header, ok):
    assert token_matches(bearer_token(header), TOKEN) is ok
