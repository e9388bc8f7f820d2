import json
from datetime import date

import pytest
from sanic.request import RequestParameters

from bot.tickets import open_ticket
from bot.web.app import export_response, ticket_filters
from tests.db_fixtures import make_tenant


def test_query_arguments_become_filters():
    args = RequestParameters({"status": ["open", "planned"], "complex": ["DL-GAL"], "since": ["2026-11-01"]})
    assert ticket_filters(args) == {
        "statuses": ["open", "planned"],
        "urgency": None,
        "complex_code": "DL-GAL",
        "since": date(2026, 11, 1),
        "until": None,
    }


def test_a_bad_date_is_refused():
    with pytest.raises(ValueError):
        ticket_filters(RequestParameters({"until": ["gisteren"]}))


def test_json_export_has_no_personal_data(db_session):
    tenant = make_tenant(db_session, last_name="Geheim", phones=("+31612345777",))
    ticket = open_ticket(db_session, category="repair", problem="leak", channel="rest", tenant=tenant)
    db_session.commit()
    response = export_response(db_session, format="json", filters={"statuses": ["open"]})
    body = json.loads(response.body)
    assert body["count"] == 1 and body["tickets"][0]["number"] == ticket.number
    assert "Geheim" not in response.body.decode() and "612345777" not in response.body.decode()


def test_csv_and_unknown_formats(db_session):
    assert export_response(db_session, format="csv", filters={}).body.decode().startswith("number,")
    with pytest.raises(ValueError, match="unknown format"):
        export_response(db_session, format="xml", filters={})
