from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[1]
pytest_plugins = ["tests.db_fixtures"]  # databases and factories for the data-layer tests

for name, value in {
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "RASA_TELEMETRY_ENABLED": "false",
}.items():
    os.environ.setdefault(name, value)


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The latest trained model; `make test` trains it before pytest runs."""
    from bot.training import latest_model

    model = latest_model(PROJECT_DIR / "models")
    if model is None:
        pytest.fail("no trained model in models/: run the tests with `make test`")
    return model
