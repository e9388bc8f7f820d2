from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.db import transaction
from bot.demo import load_demo
from bot.tenant_import import COLUMNS, import_tenants, parse_tenant_rows
from bot.tenants import Tenant, Unit, find_unit

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "examples" / "tenants.csv"
HEADER = ",".join(COLUMNS)
GOOD_ROW = "DL-1,Demo,Jansen,1980-01-31,06-12345678,,9999 XD,40a,DL-EGW,2020-01-01,"


def _csv(tmp_path, *lines: str, name: str = "tenants.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _errors(text: str) -> list[tuple[int, str]]:
    return [(error.line, error.message) for error in parse_tenant_rows(text)[1]]


def _count(session_factory, model) -> int:
    with session_factory() as session:
        return session.scalar(select(func.count()).select_from(model))


def _import(session_factory, path):
    with transaction(session_factory) as session:
        return import_tenants(session, path)


@pytest.fixture
def demo(db_session_factory):
    with transaction(db_session_factory) as session:
        load_demo(session)
    return db_session_factory


def test_parse_normalises_every_field():
    rows, errors = parse_tenant_rows(f"{HEADER}\n{GOOD_ROW}\n")
    assert errors == []
    row = rows[0]
    assert (row.line, row.customer_number, row.date_of_birth) == (2, "DL-1", date(1980, 1, 31))
    assert (row.phones, row.email, row.tenancy_end) == (("+31612345678",), None, None)
    assert (row.postcode, row.house_number, row.addition) == ("9999XD", 40, "A")


def test_parse_splits_phone_numbers_on_semicolons():
    rows, errors = parse_tenant_rows(
        f'{HEADER}\n{GOOD_ROW.replace("06-12345678", "06-12345678;+31 6 12345679")}\n'
    )
    assert errors == []
    assert rows[0].phones == ("+31612345678", "+31612345679")


def test_parse_reads_semicolon_separated_files_with_a_byte_order_mark():
    row = GOOD_ROW.replace(",", ";").replace("06-12345678", '"06-12345678;06-12345679"')
    rows, errors = parse_tenant_rows("\ufeff" + HEADER.replace(",", ";") + "\n" + row + "\n")
    assert errors == []
    assert (rows[0].customer_number, rows[0].phones) == ("DL-1", ("+31612345678", "+31612345679"))


def test_parse_allows_columns_in_any_order_and_without_optional_ones():
    columns = [c for c in COLUMNS if c not in ("email", "tenancy_end")][::-1]
    values = dict(zip(COLUMNS, GOOD_ROW.split(","), strict=True))
    rows, errors = parse_tenant_rows(",".join(columns) + "\n" + ",".join(values[c] for c in columns))
    assert errors == []
    assert rows[0].house_number == 40


def test_parse_reports_every_problem_with_its_line():
    text = "\n".join(
        [
            HEADER,
            GOOD_ROW,
            "",  # empty lines are skipped but still counted
            "DL-2,Demo,de Vries,1980-02-30,06-123,,9999 XD,41,DL-EGW,2020-01-01,",
            "DL-3,,Bakker,1980-01-01,0612345670,no-email,1234,41-,DL-EGW,2020-01-01,2019-01-01",
            "DL-1,Demo,Jansen,1980-01-31,06-12345678,,9999 XD,42,DL-EGW,2020-01-01,",
            "DL-4,Demo,Visser,1980-01-31,06-12345678,,9999 XD,43,DL-EGW,2020-01-01,,extra",
        ]
    )
    assert _errors(text) == [
        (4, "date_of_birth: '1980-02-30' is not a date as YYYY-MM-DD"),
        (4, "phone: '06-123' is not a valid phone number"),
        (5, "first_name is empty"),
        (5, "email: 'no-email' is not an e-mail address"),
        (5, "postcode: '1234' is not a Dutch postcode like 1234 AB"),
        (5, "house_number: '41-' is not a house number like 12, 12a or 12-1"),
        (5, "tenancy_end 2019-01-01 is before tenancy_start 2020-01-01"),
        (6, "customer_number 'DL-1' is already on line 2"),
        (7, "12 values, but the header has 11 columns"),
    ]


def test_parse_counts_lines_inside_quoted_values():
    text = f'{HEADER}\n"DL-1",Demo,"Jansen\nvan Dijk",1980-01-31,06-12345678,,9999XD,40,DL-EGW,2020-01-01,\n'
    text += "DL-2,Demo,Bos,31-01-1980,06-12345679,,9999XD,41,DL-EGW,2020-01-01,\n"
    assert _errors(text) == [(4, "date_of_birth: '31-01-1980' is not a date as YYYY-MM-DD")]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (HEADER.replace(",phone", ""), "missing column 'phone'"),
        (HEADER.replace("phone", "phone_number"), "missing column 'phone'"),
        (HEADER + ",remarks", "unknown column 'remarks'"),
        (HEADER + ",email", "column 'email' appears twice"),
    ],
)
def test_parse_checks_the_header(header, message):
    errors = _errors(f"{header}\n{GOOD_ROW}\n")
    assert errors and all(line == 1 for line, _ in errors)
    assert any(text.startswith(message) for _, text in errors)


def test_parse_of_an_empty_file_asks_for_a_header():
    assert _errors("")[0][0] == 1


def test_import_of_the_example_file(demo):
    units_before = _count(demo, Unit)
    result = _import(demo, EXAMPLE)
    assert result.errors == []
    assert (result.created, result.updated, result.unchanged) == (4, 0, 0)
    with demo() as session:
        tenant = session.scalars(select(Tenant).where(Tenant.customer_number == "DL-20002")).one()
        assert tenant.phone_numbers == ["+31612345802", "+31612345803"]
        assert (tenant.unit.postcode, tenant.unit.house_number, tenant.unit.addition) == ("9999XC", 8, "1")
        assert find_unit(session, postcode="9999 XD", house_number=17, addition="a").complex.code == "DL-EGW"
    assert _count(demo, Unit) == units_before + 3  # Lindenlaan 1 existed (vacant) in the demo


def test_import_twice_changes_nothing(demo):
    _import(demo, EXAMPLE)
    tenants_before = _count(demo, Tenant)
    result = _import(demo, EXAMPLE)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 4)
    assert _count(demo, Tenant) == tenants_before


def test_import_updates_a_tenant_matched_by_customer_number(demo, tmp_path):
    _import(demo, _csv(tmp_path, HEADER, GOOD_ROW))
    moved = GOOD_ROW.replace("Jansen", "Jansen-Bos").replace("06-12345678", "06-12345677;06-12345678")
    result = _import(demo, _csv(tmp_path, HEADER, moved.replace("2020-01-01,", "2020-01-01,2026-05-31")))
    assert (result.created, result.updated) == (0, 1)
    with demo() as session:
        tenant = session.scalars(select(Tenant).where(Tenant.customer_number == "DL-1")).one()
        assert (tenant.last_name, tenant.tenancy_end) == ("Jansen-Bos", date(2026, 5, 31))
        assert sorted(tenant.phone_numbers) == ["+31612345677", "+31612345678"]


def test_import_of_a_malformed_file_imports_nothing(demo, tmp_path):
    path = _csv(
        tmp_path,
        HEADER,
        GOOD_ROW,
        "DL-2,Demo,de Vries,1980-13-01,06-12345679,,9999XD,41,DL-EGW,2020-01-01,",
        "DL-3,Demo,Bakker,1980-01-01,06-12345670,,9999XD,42,DL-XXX,2020-01-01,",
        "DL-4,Demo,Visser,1980-01-01,06-1234,,9999XD,43,DL-EGW,2020-01-01,",
        "DL-5,Demo,Smit,1980-01-01,06-12345671,,9999XA,3,DL-EGW,2020-01-01,",
    )
    tenants_before, units_before = _count(demo, Tenant), _count(demo, Unit)
    result = _import(demo, path)
    assert [error.format(path.name) for error in result.errors] == [
        "tenants.csv:3: date_of_birth: '1980-13-01' is not a date as YYYY-MM-DD",
        "tenants.csv:4: complex_code: unknown complex 'DL-XXX'",
        "tenants.csv:5: phone: '06-1234' is not a valid phone number",
        "tenants.csv:6: unit 9999XA 3 is in complex DL-GAL, not DL-EGW",
    ]
    assert (result.created, result.updated) == (0, 0)
    assert (_count(demo, Tenant), _count(demo, Unit)) == (tenants_before, units_before)


def test_import_with_a_missing_column_imports_nothing(demo, tmp_path):
    path = _csv(tmp_path, HEADER.replace(",date_of_birth", ""), GOOD_ROW.replace(",1980-01-31", ""))
    tenants_before = _count(demo, Tenant)
    result = _import(demo, path)
    assert [(error.line, error.message) for error in result.errors] == [(1, "missing column 'date_of_birth'")]
    assert _count(demo, Tenant) == tenants_before


def test_import_refuses_one_new_address_in_two_complexes(demo, tmp_path):
    second = GOOD_ROW.replace("DL-1", "DL-2").replace("DL-EGW", "DL-POR")
    result = _import(demo, _csv(tmp_path, HEADER, GOOD_ROW, second))
    assert [(e.line, e.message) for e in result.errors] == [
        (3, "unit 9999XD 40A is in complex DL-EGW, not DL-POR")
    ]


def test_import_reports_text_that_is_not_utf8(demo, tmp_path):
    path = tmp_path / "tenants.csv"
    path.write_bytes(f"{HEADER}\n{GOOD_ROW}\n".replace("Jansen", "J\xe9nsen").encode("latin-1"))
    assert [(e.line, e.message) for e in _import(demo, path).errors] == [
        (2, "not UTF-8 text: save the file as CSV UTF-8")
    ]
