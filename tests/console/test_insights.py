"""The insights page: operators only, the figures, the chart and the CSV export; a bad period refused."""

import pytest

from tests.console.served_console import served_console
from tests.console.test_web import Browser


@pytest.fixture
def base(db_session, migrated_url, tmp_path):
    with served_console(
        db_session, migrated_url, {"olga": "operator", "anna": "agent"}, var_dir=tmp_path
    ) as url:
        yield url


def test_an_operator_sees_the_figures_the_chart_and_downloads_the_csv(base):
    olga = Browser(base)
    olga.log_in("olga")
    status, _, body = olga.open("/console/insights?from=2026-11-01&to=2026-11-07")
    assert status == 200 and 'value="2026-11-01"' in body and "Gesprekken" in body
    assert 'src="/console/insights/chart.png?from=2026-11-01&amp;to=2026-11-07"' in body
    with olga.opener.open(
        f"{base}/console/insights/chart.png?from=2026-11-01&to=2026-11-07", timeout=30
    ) as reply:
        assert reply.headers["Content-Type"] == "image/png" and reply.read()[:4] == b"\x89PNG"
    with olga.opener.open(f"{base}/console/insights.csv?from=2026-11-01&to=2026-11-07", timeout=30) as reply:
        assert "attachment" in reply.headers["Content-Disposition"]
        lines = reply.read().decode().splitlines()
    assert lines[0].startswith("dag,gesprekken") and len(lines) == 8  # a row per day, also without messages
    assert olga.open("/console/insights?from=2026-11-07&to=2026-11-01")[0] == 400
    assert olga.open("/console/insights?from=november")[0] == 400


def test_agents_do_not_see_the_insights(base):
    anna = Browser(base)
    anna.log_in("anna")
    assert anna.open("/console/insights")[0] == 403
    assert anna.open("/console/insights.csv")[0] == 403
