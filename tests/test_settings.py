import pytest
from pydantic import ValidationError

from bot.settings import load_settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in ("ENVIRONMENT", "RASA_AUTH_TOKEN", "RASA_PORT", "HOST"):
        monkeypatch.delenv(name, raising=False)


def test_defaults_run_locally_without_any_file():
    settings = load_settings(env_file=None)
    assert settings.environment == "development"
    assert (settings.host, settings.rasa_port, settings.action_port, settings.web_port) == (
        "127.0.0.1",
        5005,
        5055,
        8000,
    )
    assert settings.action_endpoint_url == "http://127.0.0.1:5055/webhook"


def test_values_come_from_the_env_file(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("RASA_PORT=6005\nRASA_AUTH_TOKEN=from-the-file-0123456789\n")
    settings = load_settings(env_file=env_file)
    assert settings.rasa_port == 6005
    assert settings.rasa_auth_token.get_secret_value() == "from-the-file-0123456789"


def test_environment_variables_win_over_the_env_file(tmp_path, monkeypatch):
    env_file = tmp_path / ".env"
    env_file.write_text("RASA_PORT=6005\n")
    monkeypatch.setenv("RASA_PORT", "7005")
    assert load_settings(env_file=env_file).rasa_port == 7005


def test_rasa_is_this_stacks_own_unless_rasa_base_url_says_otherwise(tmp_path):
    local = load_settings(env_file=None)
    assert local.rasa_url == local.public_url == "http://127.0.0.1:5005"
    env_file = tmp_path / ".env"
    env_file.write_text("RASA_BASE_URL=http://rasa-lb.internal:5005/\n")
    remote = load_settings(env_file=env_file)
    assert remote.rasa_url == "http://rasa-lb.internal:5005"
    # Twilio still reaches this stack itself unless PUBLIC_BASE_URL says otherwise.
    assert remote.public_url == remote.local_rasa_url == "http://127.0.0.1:5005"


REAL_TOKENS = {"rasa_auth_token": "x" * 40, "web_api_token": "y" * 40, "twilio_auth_token": "z" * 32}


@pytest.mark.parametrize("field", sorted(REAL_TOKENS))
@pytest.mark.parametrize("token", ["change-me", "", "short"])
def test_production_refuses_placeholder_or_short_tokens(field, token):
    with pytest.raises(ValidationError, match=field.upper()):
        load_settings(env_file=None, environment="production", **{**REAL_TOKENS, field: token})


def test_production_accepts_real_tokens():
    settings = load_settings(env_file=None, environment="production", **REAL_TOKENS)
    assert settings.rasa_auth_token.get_secret_value() == "x" * 40
    assert settings.web_api_token.get_secret_value() == "y" * 40


def test_the_token_never_shows_in_the_settings_repr():
    settings = load_settings(env_file=None, rasa_auth_token="very-secret-token-value")
    assert "very-secret-token-value" not in repr(settings)
    assert "very-secret-token-value" not in str(settings.dict())


def test_database_url_defaults_to_a_sqlite_file_in_var_dir(monkeypatch):
    from bot.settings import PROJECT_DIR

    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert load_settings(env_file=None).database_url == f"sqlite:///{PROJECT_DIR / 'var' / 'app.db'}"
    assert load_settings(env_file=None, var_dir="/srv/data").database_url == "sqlite:////srv/data/app.db"


def test_database_url_from_the_environment_wins(tmp_path, monkeypatch):
    env_file = tmp_path / ".env"
    env_file.write_text("DATABASE_URL=sqlite:///from-the-file.db\n")
    monkeypatch.setenv("DATABASE_URL", "postgresql://huurder@db:5432/huurder")
    assert load_settings(env_file=env_file).database_url == "postgresql://huurder@db:5432/huurder"
