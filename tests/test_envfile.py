from bot.envfile import init_env
from tests.conftest import PROJECT_DIR


def test_init_env_generates_secret_tokens(tmp_path):
    (tmp_path / ".env.example").write_text((PROJECT_DIR / ".env.example").read_text())
    assert init_env(tmp_path) is True
    text = (tmp_path / ".env").read_text()
    lines = [line for line in text.splitlines() if "=" in line and not line.startswith("#")]
    values = dict(line.split("=", 1) for line in lines)
    tokens = [values["RASA_AUTH_TOKEN"], values["WEB_API_TOKEN"], values["TWILIO_AUTH_TOKEN"]]
    assert all(token != "change-me" and len(token) >= 32 for token in tokens)
    assert len(set(tokens)) == 3
    assert (tmp_path / ".env").stat().st_mode & 0o077 == 0


def test_init_env_never_overwrites_an_existing_file(tmp_path):
    (tmp_path / ".env.example").write_text("RASA_AUTH_TOKEN=change-me\n")
    (tmp_path / ".env").write_text("RASA_AUTH_TOKEN=mine\n")
    assert init_env(tmp_path) is False
    assert (tmp_path / ".env").read_text() == "RASA_AUTH_TOKEN=mine\n"


def test_two_generated_tokens_differ(tmp_path):
    tokens = []
    for name in ("a", "b"):
        folder = tmp_path / name
        folder.mkdir()
        (folder / ".env.example").write_text("RASA_AUTH_TOKEN=change-me\n")
        init_env(folder)
        tokens.append((folder / ".env").read_text())
    assert tokens[0] != tokens[1]
