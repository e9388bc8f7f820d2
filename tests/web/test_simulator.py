import json
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager

from bot.settings import load_settings
from bot.web.app import create_app
from bot.web.simulator import replies_for, twilio_fields
from tests.db_fixtures import make_tenant
from tests.sanic_server import allow_several_apps, served


@contextmanager
def _serve(database_url, **settings):
    allow_several_apps()
    values = {"database_url": database_url, "twilio_auth_token": "sim-token-0123456789abcdef", **settings}
    app = create_app(load_settings(None, **values), name=f"web_{time.monotonic_ns()}")
    with served(app) as port:
        yield f"http://127.0.0.1:{port}"


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_in_local_mode_the_simulator_offers_the_demo_numbers_and_escapes_nothing_into_html(
    db_session, migrated_url
):
    make_tenant(db_session, phones=("+31612345001",))
    db_session.commit()
    with _serve(migrated_url) as base:
        status, page = _get(f"{base}/simulator")
        assert status == 200 and "Huurder-simulator" in page and "innerHTML" not in page
        assert json.loads(_get(f"{base}/simulator/phones")[1]) == {"phones": ["+31612345001"]}
        assert _get(f"{base}/simulator/messages?phone=geen")[0] == 400


def test_with_a_real_twilio_account_the_simulator_is_gone(db_session, migrated_url):
    with _serve(migrated_url, twilio_account_sid="AC" + "1" * 32) as base:
        assert _get(f"{base}/simulator")[0] == 404
        body = urllib.parse.urlencode({"phone": "0612345001", "text": "hoi"}).encode()
        try:
            urllib.request.urlopen(urllib.request.Request(f"{base}/simulator/send", data=body), timeout=10)
            raise AssertionError("the simulator accepted a message")
        except urllib.error.HTTPError as error:
            assert error.code == 404


def test_in_production_the_simulator_is_gone_even_without_a_twilio_account(db_session, migrated_url):
    secrets = {"rasa_auth_token": "r" * 20, "web_api_token": "w" * 20, "environment": "production"}
    with _serve(migrated_url, **secrets) as base:
        assert _get(f"{base}/simulator")[0] == 404
        assert _get(f"{base}/simulator/messages?phone=0612345001")[0] == 404


def test_health_reports_the_outbox_backlog_and_the_loop_delivers_locally(db_session, migrated_url):
    from bot.outbox import queue_message

    queue_message(
        db_session, ticket_id=None, tenant_id=None, channel="whatsapp", recipient="+31612345001", text="Hoi"
    )
    db_session.commit()
    with _serve(migrated_url) as base:
        for _ in range(50):
            if json.loads(_get(f"{base}/health")[1])["outbox_backlog"] == 0:
                break
            time.sleep(0.1)
        health = json.loads(_get(f"{base}/health")[1])
        assert (health["status"], health["outbox_backlog"]) == ("ok", 0)
        assert [m["text"] for m in replies_for(db_session, "+31612345001", 0)] == ["Hoi"]
        db_session.rollback()  # SQLite: release the lock, so the web app can stop


def test_a_simulated_message_has_twilios_fields():
    fields = twilio_fields(
        phone="+31612345001", text="hoi", media_url="http://x/p.jpg", content_type="image/png"
    )
    assert fields["From"] == "whatsapp:+31612345001" and fields["MessageSid"].startswith("SM")
    assert (fields["NumMedia"], fields["MediaUrl0"], fields["MediaContentType0"]) == (
        "1",
        "http://x/p.jpg",
        "image/png",
    )
