"""The console's model history and reports: operators only, the picture served, tenant text escaped."""

import pytest

from bot.console.users import add_user
from bot.nlu.evaluation import LabelledMessage, evaluate
from bot.nlu.report import write_report
from bot.settings import load_settings
from bot.web.app import create_app
from tests.console.test_web import Browser
from tests.sanic_server import allow_several_apps, served

MODEL = "20261127-161343-sunny-forest"


@pytest.fixture
def base(db_session, migrated_url, tmp_path):
    allow_several_apps()
    add_user(db_session, username="olga", password="correct horse battery", role="operator")
    add_user(db_session, username="anna", password="correct horse battery", role="agent")
    db_session.commit()
    messages = [
        LabelledMessage("kraan lekt", "report_repair"),
        LabelledMessage("<b>buren</b>", "report_nuisance"),
    ]
    report = evaluate(messages, lambda text: "report_repair")
    write_report(MODEL, {"heldout_fresh.yml": report}, tmp_path / "models" / "reports" / MODEL)
    settings = load_settings(
        None,
        database_url=migrated_url,
        var_dir=tmp_path,
        models_dir=tmp_path / "models",
        twilio_auth_token="t" * 20,
    )
    with served(create_app(settings, name=f"models_{id(settings)}")) as port:
        yield f"http://127.0.0.1:{port}"


def test_an_operator_sees_the_history_a_report_and_its_confusion_matrix(base):
    olga = Browser(base)
    olga.log_in("olga")
    status, _, body = olga.open("/console/models")
    assert status == 200 and MODEL in body and "heldout_fresh" in body and "0.333" in body
    status, _, body = olga.open(f"/console/models/{MODEL}")
    assert status == 200 and "<b>buren" not in body
    assert "<td>&lt;b&gt;buren&lt;/b&gt;</td><td>report_nuisance</td><td>report_repair</td>" in body
    opener = olga.opener
    with opener.open(f"{base}/console/models/{MODEL}/confusion-heldout_fresh.png", timeout=10) as response:
        assert response.headers["Content-Type"] == "image/png" and response.read()[:4] == b"\x89PNG"
    assert olga.open(f"/console/models/{MODEL}/report.json")[0] == 404
    assert olga.open("/console/models/unknown-model")[0] == 404


def test_agents_do_not_see_the_model_pages(base):
    anna = Browser(base)
    anna.log_in("anna")
    assert anna.open("/console/models")[0] == 403
    assert anna.open(f"/console/models/{MODEL}/confusion-heldout_fresh.png")[0] == 403
    status, url, _ = Browser(base).open(f"/console/models/{MODEL}/confusion-heldout_fresh.png")
    assert url.endswith("/console/login")
