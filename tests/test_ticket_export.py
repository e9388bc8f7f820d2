import csv
import io
import json
import os
import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from bot import db
from bot.ticket_export import COLUMNS, export_tickets, select_tickets, ticket_row
from bot.tickets import Ticket, change_status, open_ticket
from tests.db_fixtures import make_complex, make_shared_area, make_tenant, make_unit

PROJECT_DIR = Path(__file__).resolve().parents[1]
# 23:30 UTC on 1 March is 00:30 on 2 March in the Netherlands.
LATE_EVENING_UTC = datetime(2026, 3, 1, 23, 30, tzinfo=timezone.utc)
TENANT = {"first_name": "Geertruida", "last_name": "Privé-Achternaam", "email": "g.prive@private.example"}
TENANT_PHONE = "+31687654321"
DESCRIPTION = "Bel Geertruida op 06-87654321"


def _open(session, **overrides) -> Ticket:
    values = {"category": "repair", "problem": "leak", "channel": "whatsapp", "now": LATE_EVENING_UTC}
    return open_ticket(session, **{**values, **overrides})


@pytest.fixture
def tickets(db_session) -> dict[str, Ticket]:
    """Four tickets in two complexes, with every column filled somewhere."""
    gallery = make_complex(db_session, code="DL-GAL")
    houses = make_complex(db_session, code="DL-EGW")
    unit = make_unit(db_session, complex=gallery, postcode="9999XA", house_number=12, addition="A")
    tenant = make_tenant(db_session, unit=unit, phones=(TENANT_PHONE,), **TENANT)
    lift = make_shared_area(db_session, complex=gallery)
    leak = _open(
        db_session,
        tenant=tenant,
        room="kitchen",
        urgency="urgent",
        trade="plumber",
        description=DESCRIPTION,
        conversation_id=f"whatsapp:{TENANT_PHONE}",
    )
    lift_down = _open(
        db_session,
        shared_area=lift,
        problem="not_working",
        now=datetime(2026, 3, 3, 8, 0, tzinfo=timezone.utc),
    )
    lift_again = _open(
        db_session,
        shared_area=lift,
        problem="not_working",
        duplicate_of=lift_down,
        now=datetime(2026, 3, 4, 8, 0, tzinfo=timezone.utc),
    )
    roof = _open(
        db_session,
        unit=make_unit(db_session, complex=houses, postcode="9999XD", house_number=3),
        problem="storm_damage",
        urgency="emergency",
        now=datetime(2026, 2, 20, 12, 0, tzinfo=timezone.utc),
    )
    change_status(db_session, ticket=lift_down, to="planned", by="planner", planned_date=date(2026, 3, 10))
    change_status(db_session, ticket=roof, to="cancelled", by="planner")
    return {"leak": leak, "lift_down": lift_down, "lift_again": lift_again, "roof": roof}


def _numbers(found: list[Ticket]) -> list[str]:
    return [ticket.number for ticket in found]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["roof", "leak", "lift_down", "lift_again"]),
        ({"statuses": ["open"]}, ["leak", "lift_again"]),
        ({"statuses": ["planned", "cancelled"]}, ["roof", "lift_down"]),
        ({"urgency": "emergency"}, ["roof"]),
        ({"complex_code": "DL-GAL"}, ["leak", "lift_down", "lift_again"]),
        ({"complex_code": "DL-GAL", "statuses": ["open"], "urgency": "normal"}, ["lift_again"]),
        ({"since": date(2026, 3, 2)}, ["leak", "lift_down", "lift_again"]),
        ({"until": date(2026, 3, 1)}, ["roof"]),
        ({"since": date(2026, 3, 2), "until": date(2026, 3, 3)}, ["leak", "lift_down"]),
        ({"since": date(2026, 3, 5)}, []),
    ],
)
def test_select_tickets_filters(db_session, tickets, filters, expected):
    assert _numbers(select_tickets(db_session, **filters)) == [tickets[name].number for name in expected]


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"complex_code": "DL-NOPE"}, "unknown complex 'DL-NOPE'"),
        ({"statuses": ["finished"]}, "finished"),
        ({"urgency": "asap"}, "asap"),
        ({"since": date(2026, 3, 2), "until": date(2026, 3, 1)}, "after"),
    ],
)
def test_select_tickets_refuses_bad_filters(db_session, tickets, filters, message):
    with pytest.raises(ValueError, match=message):
        select_tickets(db_session, **filters)


def test_ticket_row_has_every_column_in_local_time(db_session, tickets):
    row = ticket_row(tickets["leak"])
    assert tuple(row) == COLUMNS
    assert row == {
        "number": tickets["leak"].number,
        "created_at": row["created_at"],
        "status": "open",
        "urgency": "urgent",
        "category": "repair",
        "trade": "plumber",
        "problem": "leak",
        "room": "kitchen",
        "complex": "DL-GAL",
        "address": "9999XA 12-A",
        "duplicate_of": None,
    }
    assert row["created_at"].isoformat() == "2026-03-02T00:30:00+01:00"
    assert ticket_row(tickets["lift_again"])["duplicate_of"] == tickets["lift_down"].number
    assert ticket_row(tickets["lift_again"])["address"] is None


def _export(session, format: str, **filters) -> str:
    out = io.StringIO()
    export_tickets(session, out, format=format, **filters)
    return out.getvalue()


def test_export_as_table_aligns_the_columns(db_session, tickets):
    lines = _export(db_session, "table").splitlines()
    assert lines[0].split() == list(COLUMNS)
    starts = [lines[0].index(column) for column in COLUMNS]
    for line in lines[1:]:
        assert all(line[start - 2 : start] == "  " and line[start] != " " for start in starts[1:])
    assert lines[2].split()[:3] == [tickets["leak"].number, "2026-03-02", "00:30"]
    assert len(lines) == 1 + len(tickets)


def test_export_as_csv_has_a_header_and_iso_times(db_session, tickets):
    rows = list(csv.DictReader(io.StringIO(_export(db_session, "csv", statuses=["open"]))))
    assert [tuple(row) for row in rows] == [COLUMNS] * 2
    leak, lift_again = rows
    assert (leak["created_at"], leak["address"], leak["duplicate_of"]) == (
        "2026-03-02T00:30:00+01:00",
        "9999XA 12-A",
        "",
    )
    assert lift_again["duplicate_of"] == tickets["lift_down"].number


def test_export_as_jsonl_has_one_object_per_line(db_session, tickets):
    lines = _export(db_session, "jsonl").splitlines()
    objects = [json.loads(line) for line in lines]
    assert [obj["number"] for obj in objects] == _numbers(select_tickets(db_session))
    assert all(tuple(obj) == COLUMNS for obj in objects)
    assert objects[0]["created_at"] == "2026-02-20T13:00:00+01:00"
    assert datetime.fromisoformat(objects[1]["created_at"]) == LATE_EVENING_UTC
    assert (objects[2]["address"], objects[2]["trade"]) == (None, None)


@pytest.mark.parametrize("format", ["table", "csv", "jsonl"])
def test_export_leaves_out_tenants_personal_data(db_session, tickets, format):
    exported = _export(db_session, format).lower()
    personal = [
        *TENANT.values(),
        TENANT_PHONE,
        "0687654321",
        "87654321",
        "Geertruida",
        DESCRIPTION,
        "Lindenlaan",
    ]
    for value in personal:
        assert value.lower() not in exported


def test_export_refuses_an_unknown_format(db_session):
    with pytest.raises(ValueError, match="unknown format 'xml'"):
        _export(db_session, "xml")


# The command line, against a SQLite file as an operator would run it.


@pytest.fixture
def cli(tmp_path):
    """Run `python -m bot ...` against a SQLite database in tmp_path."""
    url = f"sqlite:///{tmp_path / 'var' / 'app.db'}"
    env = {**os.environ, "DATABASE_URL": url}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            cwd=PROJECT_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    run.url = url
    return run


def _seed(url: str) -> tuple[list[str], str, str]:
    """Two tickets of the demo corporation, one planned: their numbers, the tenant's name and phone."""
    from sqlalchemy import select

    from bot.tenants import Complex, Tenant

    engine = db.create_engine_from_url(url)
    try:
        with db.transaction(db.session_factory(engine)) as session:
            gallery = session.scalars(select(Complex).where(Complex.code == "DL-GAL")).one()
            tenant = session.scalars(
                select(Tenant).where(Tenant.tenancy_end.is_(None)).order_by(Tenant.id)
            ).first()
            first = _open(session, tenant=tenant, room="bathroom")
            second = _open(session, shared_area=gallery.shared_areas[0], problem="not_working")
            change_status(session, ticket=second, to="planned", by="planner")
            return [first.number, second.number], tenant.name, tenant.phone_numbers[0]
    finally:
        engine.dispose()


def test_cli_tickets_lists_the_demo_tickets_in_every_format(cli):
    assert cli("load-demo").returncode == 0
    numbers, name, phone = _seed(cli.url)

    table = cli("tickets")
    assert table.returncode == 0, table.stderr
    assert table.stdout.splitlines()[0].split() == list(COLUMNS)
    assert [line.split()[0] for line in table.stdout.splitlines()[1:]] == numbers

    jsonl = cli(
        "tickets", "--format", "jsonl", "--status", "planned", "--complex", "DL-GAL", "--since", "2026-03-01"
    )
    assert jsonl.returncode == 0, jsonl.stderr
    assert [json.loads(line)["number"] for line in jsonl.stdout.splitlines()] == [numbers[1]]

    exported = cli("tickets", "--format", "csv").stdout
    assert next(csv.reader(io.StringIO(exported))) == list(COLUMNS)
    assert name not in exported and phone not in exported and "Demo" not in exported


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--since", "01-03-2026"], 2, "'01-03-2026' is not a date as YYYY-MM-DD"),
        (["--status", "finished"], 2, "invalid choice: 'finished'"),
        (["--complex", "DL-NOPE"], 1, "unknown complex 'DL-NOPE'"),
    ],
)
def test_cli_tickets_refuses_bad_arguments(cli, args, code, message):
    assert cli("db-upgrade").returncode == 0
    result = cli("tickets", *args)
    assert result.returncode == code
    assert message in result.stderr


def test_cli_tickets_needs_a_migrated_database(cli):
    result = cli("tickets")
    assert result.returncode == 1
    assert "db-upgrade" in result.stderr
