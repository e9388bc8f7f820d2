import json
import os

import pytest

from bot.training import STAMP_NAME, fingerprint, latest_model, needs_training


@pytest.fixture()
def project(tmp_path):
    (tmp_path / "config.yml").write_text("language: nl\n")
    (tmp_path / "data" / "nlu").mkdir(parents=True)
    (tmp_path / "data" / "nlu" / "a.yml").write_text("nlu: []\n")
    (tmp_path / "domain").mkdir()
    (tmp_path / "domain" / "core.yml").write_text("intents: []\n")
    (tmp_path / "models").mkdir()
    return tmp_path


def _fake_model(models, name, mtime):
    path = models / name
    path.write_bytes(b"model")
    os.utime(path, (mtime, mtime))
    return path


def test_fingerprint_changes_with_content_and_not_with_unrelated_files(project):
    before = fingerprint(project)
    (project / "README.md").write_text("docs")
    (project / "data" / "notes.txt").write_text("not training data")
    assert fingerprint(project) == before
    (project / "data" / "nlu" / "a.yml").write_text("nlu: [changed]\n")
    assert fingerprint(project) != before


def test_fingerprint_ignores_the_held_out_set(project):
    before = fingerprint(project)
    (project / "tests" / "nlu").mkdir(parents=True)
    (project / "tests" / "nlu" / "heldout.yml").write_text("nlu: []\n")
    assert fingerprint(project) == before


def test_fingerprint_ignores_operator_data_files(project):
    before = fingerprint(project)
    (project / "data" / "triage").mkdir()
    (project / "data" / "triage" / "water.yml").write_text("problems: []\n")
    (project / "data" / "selfhelp.yml").write_text("items: []\n")
    (project / "data" / "office_hours.yml").write_text("days: {}\n")
    assert fingerprint(project) == before
    (project / "data" / "rules.yml").write_text("rules: []\n")
    assert fingerprint(project) != before


def test_latest_model_is_the_newest_archive(project):
    models = project / "models"
    _fake_model(models, "old.tar.gz", 1000)
    _fake_model(models, "new.tar.gz", 2000)
    assert latest_model(models).name == "new.tar.gz"


def test_needs_training_without_a_model(project):
    assert needs_training(project, project / "models")


def test_needs_training_only_when_inputs_change(project):
    models = project / "models"
    model = _fake_model(models, "m.tar.gz", 1000)
    (models / STAMP_NAME).write_text(json.dumps({"fingerprint": fingerprint(project), "model": model.name}))
    assert not needs_training(project, models)
    (project / "config.yml").write_text("language: en\n")
    assert needs_training(project, models)


def test_needs_training_when_a_newer_model_was_trained_by_hand(project):
    models = project / "models"
    model = _fake_model(models, "m.tar.gz", 1000)
    (models / STAMP_NAME).write_text(json.dumps({"fingerprint": fingerprint(project), "model": model.name}))
    _fake_model(models, "manual.tar.gz", 2000)
    assert needs_training(project, models)
