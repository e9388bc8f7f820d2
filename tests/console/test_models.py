"""The console's model history and reports: operators only, the picture served, tenant text escaped."""

import pytest

from bot.model.store import ModelStore
from bot.nlu.evaluation import LabelledMessage, evaluate
from bot.nlu.report import write_report
from tests.console.served_console import served_console
from tests.console.test_web import Browser

MODEL = "20261127-161343-sunny-forest"


@pytest.fixture
def base(db_session, migrated_url, tmp_path):
    messages = [
        LabelledMessage("kraan lekt", "report_repair"),
        LabelledMessage("<b>buren</b>", "report_nuisance"),
    ]
    report = evaluate(messages, lambda text: "report_repair")
    write_report(MODEL, {"heldout_fresh.yml": report}, tmp_path / "models" / "reports" / MODEL)
    served = tmp_path / "models" / f"{MODEL}.tar.gz"
    served.write_bytes(b"model")
    store = ModelStore(tmp_path / "models")
    store.promote(served, note="first model")
    store.refuse(tmp_path / "models" / "20261128-000000-worse.tar.gz", "intent macro-F1 dropped")
    users = {"olga": "operator", "anna": "agent"}
    with served_console(
        db_session, migrated_url, users, var_dir=tmp_path, models_dir=tmp_path / "models"
    ) as url:
        yield url


def test_an_operator_sees_the_history_a_report_and_its_confusion_matrix(base):
    olga = Browser(base)
    olga.log_in("olga")
    status, _, body = olga.open("/console/models")
    assert status == 200 and MODEL in body and "heldout_fresh" in body and "0.333" in body
    assert f"{MODEL}</a> <strong>(in gebruik)</strong>" in body
    assert "geweigerd" in body and "intent macro-F1 dropped" in body and "in gebruik genomen" in body
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
