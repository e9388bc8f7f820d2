"""The pure parts of the load benchmark (bench/bench_load.py): no stack is started here."""

from datetime import date, datetime, timedelta, timezone

import pytest
from twilio.request_validator import RequestValidator

from bench.bench_load import (
    DemoTenant,
    demo_tenants,
    flow_messages,
    lost_messages,
    percentile,
    sign,
    whatsapp_fields,
)


@pytest.mark.parametrize(
    ("q", "expected"),
    [(50, 50), (95, 95), (99, 99), (100, 100), (0, 1), (0.5, 1)],
)
def test_percentile_by_nearest_rank(q, expected):
    assert percentile([float(v) for v in range(100, 0, -1)], q) == expected


def test_percentile_of_few_values_is_one_of_them():
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert percentile([3.0, 1.0, 2.0], 95) == 3.0
    assert percentile([7.0], 99) == 7.0


def test_percentile_of_nothing_is_refused():
    with pytest.raises(ValueError):
        percentile([], 50)


def test_the_flow_reports_confirms_and_answers_verification():
    tenant = DemoTenant("+31612345030", "9999 XC", "2-1", date(1983, 6, 5))
    messages = flow_messages(tenant)
    assert messages[0] == "er lekt water in de badkamer"
    assert messages[-4] == "ja"  # the summary confirmed
    assert messages[-3:] == ["9999 XC", "2-1", "05-06-1983"]


def test_demo_tenants_are_current_tenants_of_different_homes_with_different_numbers():
    tenants = demo_tenants(50)
    assert len({t.phone for t in tenants}) == len({(t.postcode, t.house_number) for t in tenants}) == 50
    assert all(t.phone.startswith("+31612345") for t in tenants)
    with pytest.raises(SystemExit):
        demo_tenants(1000)


def test_demo_tenant_dl_10002_answers_as_the_stack_tests_do():
    # tests/test_runner.py: DL-10002 lives at 9999 XA 3 and was born on 16-01-1970.
    tenant = next(t for t in demo_tenants(50) if t.phone == "+31612345001")
    assert flow_messages(tenant)[-3:] == ["9999 XA", "3", "16-01-1970"]


def test_the_signature_is_one_twilios_validator_accepts():
    url = "http://127.0.0.1:5005/webhooks/whatsapp/webhook"
    fields = whatsapp_fields("+31612345001", "de kraan lekt", "SMbench00100")
    signature = sign(url, fields, "a-long-twilio-auth-token")
    assert RequestValidator("a-long-twilio-auth-token").validate(url, fields, signature)
    assert not RequestValidator("another-long-twilio-token").validate(url, fields, signature)
    assert fields["From"] == "whatsapp:+31612345001" and fields["NumMedia"] == "0"


def test_a_message_without_a_reply_before_the_next_one_is_lost():
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    sent = [start, start + timedelta(seconds=10), start + timedelta(seconds=20)]
    replies = [start + timedelta(seconds=1), start + timedelta(seconds=2), start + timedelta(seconds=21)]
    assert lost_messages(sent, replies) == 1  # the second message got nothing
    assert lost_messages(sent, []) == 3
    assert lost_messages(sent, [start + timedelta(seconds=s) for s in (1, 11, 25)]) == 0
