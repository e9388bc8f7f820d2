from datetime import date

from sqlalchemy import func, select

from bot.db import load_models, transaction
from bot.demo import demo_dataset, load_demo
from bot.tenants import Complex, Tenant, Unit, current_tenant, find_tenants_by_phone
from bot.tickets import Contractor, Trade

TODAY = date(2026, 6, 15)


def _snapshot(session) -> dict[str, list[tuple]]:
    """Every row of every table, to compare before and after."""
    return {
        table.name: sorted(tuple(map(str, row)) for row in session.execute(select(table)))
        for table in load_models().sorted_tables
    }


def test_demo_dataset_is_the_same_on_every_call():
    assert demo_dataset() == demo_dataset()


def test_demo_dataset_is_recognisably_fake():
    dataset = demo_dataset()
    assert all(unit.postcode.startswith("9999X") for unit in dataset.units)
    assert all(tenant.first_name == "Demo" for tenant in dataset.tenants)
    assert all(phone.startswith("+31612345") for tenant in dataset.tenants for phone in tenant.phones)
    assert all(contractor.phone.startswith("+31612346") for contractor in dataset.contractors)
    assert all("Demo" in contractor.name for contractor in dataset.contractors)
    phones = [phone for tenant in dataset.tenants for phone in tenant.phones]
    assert len(phones) == len(set(phones))


def test_load_demo_fills_an_empty_database(db_session_factory):
    with transaction(db_session_factory) as session:
        summary = load_demo(session)
    assert summary.changed_anything
    with db_session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Complex)) >= 3
        assert session.scalar(select(func.count()).select_from(Unit)) >= 60
        assert {contractor.trade for contractor in session.scalars(select(Contractor))} == set(Trade)
        assert any(contractor.on_call for contractor in session.scalars(select(Contractor)))
        lift = session.scalars(select(Contractor).where(Contractor.trade == Trade.LIFT)).one()
        assert [complex.has_lift for complex in lift.complexes] == [True]


def test_demo_has_vacant_units_and_past_tenancies(db_session_factory):
    with transaction(db_session_factory) as session:
        load_demo(session)
    with db_session_factory() as session:
        units = session.scalars(select(Unit)).all()
        vacant = [unit for unit in units if current_tenant(session, unit=unit, on=TODAY) is None]
        past = session.scalars(select(Tenant).where(Tenant.tenancy_end < TODAY)).all()
        assert 3 <= len(vacant) < len(units) / 5
        assert len(past) >= 3
        assert all(find_tenants_by_phone(session, phone=t.phone_numbers[0], on=TODAY) == [] for t in past)


def test_demo_tenants_can_be_found_by_whatsapp_number(db_session_factory):
    with transaction(db_session_factory) as session:
        load_demo(session)
    current = next(t for t in demo_dataset().tenants if t.tenancy_end is None)
    local = "06-" + current.phones[0][4:]
    with db_session_factory() as session:
        found = find_tenants_by_phone(session, phone=local, on=TODAY)
        assert [tenant.customer_number for tenant in found] == [current.customer_number]


def test_load_demo_twice_changes_nothing(db_session_factory):
    with transaction(db_session_factory) as session:
        load_demo(session)
    with db_session_factory() as session:
        before = _snapshot(session)
    with transaction(db_session_factory) as session:
        summary = load_demo(session)
    assert not summary.changed_anything
    assert str(summary) == "demo data already present"
    with db_session_factory() as session:
        assert _snapshot(session) == before


def test_load_demo_adds_only_what_is_missing(db_session_factory):
    with transaction(db_session_factory) as session:
        load_demo(session)
    with transaction(db_session_factory) as session:
        session.delete(session.scalars(select(Contractor).where(Contractor.trade == Trade.ROOFER)).one())
    with transaction(db_session_factory) as session:
        summary = load_demo(session)
    assert {kind: count for kind, count in summary.created.items() if count} == {"contractors": 1}
