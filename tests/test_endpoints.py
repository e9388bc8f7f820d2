"""endpoints.yml as Rasa reads it: every ${VARIABLE} must really be filled in."""

from rasa.core.utils import AvailableEndpoints

from tests.conftest import PROJECT_DIR


def test_environment_references_are_substituted(monkeypatch, tmp_path):
    # Rasa substitutes ${...} only in unquoted YAML values; a quoted one stays literal.
    monkeypatch.setenv("ACTION_ENDPOINT_URL", "http://127.0.0.1:5999/webhook")
    monkeypatch.setenv("RASA_TRACKER_DB", str(tmp_path / "tracker.db"))
    endpoints = AvailableEndpoints.read_endpoints(str(PROJECT_DIR / "endpoints.yml"))
    assert endpoints.action.url == "http://127.0.0.1:5999/webhook"
    assert endpoints.tracker_store.kwargs["db"] == str(tmp_path / "tracker.db")
    assert endpoints.tracker_store.type == "SQL"
