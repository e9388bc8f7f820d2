import pytest

from bot.rasa_server import rasa_argv
from bot.runner import stack_services
from bot.settings import load_settings


def test_the_token_comes_from_the_environment_not_the_command_line():
    argv = rasa_argv(["--enable-api", "--port", "5005"], {"RASA_AUTH_TOKEN": "s3cret-token-value"})
    assert argv == ["rasa", "run", "--enable-api", "--port", "5005", "--auth-token", "s3cret-token-value"]


def test_without_a_token_the_server_refuses_to_start():
    with pytest.raises(SystemExit, match="RASA_AUTH_TOKEN"):
        rasa_argv(["--enable-api"], {})


def test_the_supervisor_passes_the_token_only_in_the_environment(tmp_path):
    settings = load_settings(env_file=None, rasa_auth_token="a-long-enough-test-token")
    rasa = next(s for s in stack_services(settings, tmp_path / "model.tar.gz") if s.name == "rasa")
    assert "a-long-enough-test-token" not in " ".join(rasa.command)
    assert rasa.env["RASA_AUTH_TOKEN"] == "a-long-enough-test-token"


def test_rasa_and_the_web_app_get_the_same_channel_settings_from_the_supervisor(tmp_path):
    settings = load_settings(
        env_file=None,
        twilio_auth_token="twilio-token-from-the-supervisor",
        public_base_url="https://bot.example",
    )
    services = {s.name: s for s in stack_services(settings, tmp_path / "model.tar.gz")}
    for name in ("rasa", "web"):
        assert services[name].env["TWILIO_AUTH_TOKEN"] == "twilio-token-from-the-supervisor"
        assert services[name].env["PUBLIC_BASE_URL"] == "https://bot.example"
        assert services[name].env["RASA_PORT"] == str(settings.rasa_port)
        assert "twilio-token-from-the-supervisor" not in " ".join(services[name].command)


def test_the_web_app_reaches_rasa_where_rasa_base_url_says_and_nginx_stays_local(tmp_path):
    settings = load_settings(
        env_file=None,
        rasa_base_url="http://rasa-lb.internal:5005",
        rasa_replicas=2,
        lock_store_url="redis://127.0.0.1:6379/1",
        tracker_store_url="postgresql://postgres@127.0.0.1:5432/test",
    )
    services = {s.name: s for s in stack_services(settings, tmp_path / "model.tar.gz")}
    assert services["web"].env["RASA_BASE_URL"] == "http://rasa-lb.internal:5005"
    assert services["nginx"].health_url == f"http://127.0.0.1:{settings.rasa_port}/"
