"""`python -m bot model list|rollback` against a models directory and a fake Rasa on 127.0.0.1."""

import os

import pytest

from bot.model.store import ModelStore
from tests.cli import run_bot
from tests.fakes.rasa import FakeRasa

TOKEN = "cli-rasa-token-" + "c" * 16


@pytest.fixture
def models(tmp_path):
    directory = tmp_path / "models"
    directory.mkdir()
    store = ModelStore(directory)
    for name in ("20261101-first.tar.gz", "20261102-second.tar.gz"):
        (directory / name).write_bytes(b"model")
        store.promote(directory / name, note=f"promoted {name}")
    return directory


@pytest.fixture
def rasa(models):
    fake = FakeRasa(TOKEN, model_file=str(models / "20261102-second.tar.gz")).start()
    yield fake
    fake.stop()


def run(models, rasa, *args):
    env = {
        **os.environ,
        "ENVIRONMENT": "test",
        "MODELS_DIR": str(models),
        "RASA_SERVERS": rasa.url,
        "RASA_AUTH_TOKEN": TOKEN,
    }
    return run_bot("model", *args, env=env)


def test_list_shows_the_served_model_and_the_history(models, rasa):
    result = run(models, rasa, "list")
    assert result.returncode == 0, result.stderr
    assert "Served: 20261102-second.tar.gz" in result.stdout
    assert "promotion" in result.stdout and "promoted 20261101-first.tar.gz" in result.stdout


def test_path_prints_the_served_archive(models, rasa):
    result = run(models, rasa, "path")
    assert result.returncode == 0 and result.stdout.strip() == str(models / "20261102-second.tar.gz")


def test_rollback_loads_the_previous_model_into_rasa_and_records_it(models, rasa):
    result = run(models, rasa, "rollback")
    assert result.returncode == 0, result.stderr
    assert "20261101-first.tar.gz is served again" in result.stdout
    assert rasa.loads == [str(models / "20261101-first.tar.gz")]
    assert ModelStore(models).served().name == "20261101-first.tar.gz"
    second = run(models, rasa, "rollback")
    assert second.returncode == 1 and "no earlier model" in second.stderr


def test_a_rollback_rasa_refuses_changes_nothing(models, rasa):
    rasa.refuse_next()
    result = run(models, rasa, "rollback")
    assert result.returncode == 1 and "HTTP 500" in result.stderr
    assert ModelStore(models).served().name == "20261102-second.tar.gz"
