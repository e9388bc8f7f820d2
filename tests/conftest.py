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


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "needs_model: uses the trained model (set for every test that asks for it)"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests that need the model, so `make test` runs the others while it trains."""
    for item in items:
        if "trained_model" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.needs_model)


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The served model; `make test` trains it before pytest runs."""
    from bot.model.store import ModelStore

    model = ModelStore(PROJECT_DIR / "models").served()
    if model is None:
        pytest.fail("no trained model in models/: run the tests with `make test`")
    return model
