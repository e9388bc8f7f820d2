import os
import shutil

import pytest

from bot.model.build import TrainingInputs, latest_model, rasa_train_command


@pytest.fixture()
def project(tmp_path):
    (tmp_path / "config.yml").write_text("language: nl\n")
    (tmp_path / "data" / "nlu").mkdir(parents=True)
    (tmp_path / "data" / "nlu" / "a.yml").write_text("nlu: []\n")
    (tmp_path / "data" / "rules").mkdir()
    (tmp_path / "data" / "rules" / "core.yml").write_text("rules: []\n")
    (tmp_path / "domain").mkdir()
    (tmp_path / "domain" / "core.yml").write_text("intents: []\n")
    (tmp_path / "models").mkdir()
    return tmp_path


def inputs_of(project):
    return TrainingInputs(project, project / "data" / "nlu")


def _fake_model(models, name, mtime):
    path = models / name
    path.write_bytes(b"model")
    os.utime(path, (mtime, mtime))
    return path


def test_fingerprint_changes_with_content_and_not_with_unrelated_files(project):
    before = inputs_of(project).fingerprint()
    (project / "README.md").write_text("docs")
    (project / "data" / "notes.txt").write_text("not training data")
    assert inputs_of(project).fingerprint() == before
    (project / "data" / "nlu" / "a.yml").write_text("nlu: [changed]\n")
    assert inputs_of(project).fingerprint() != before


def test_fingerprint_ignores_the_held_out_set(project):
    before = inputs_of(project).fingerprint()
    (project / "tests" / "nlu").mkdir(parents=True)
    (project / "tests" / "nlu" / "heldout.yml").write_text("nlu: []\n")
    assert inputs_of(project).fingerprint() == before


def test_fingerprint_ignores_operator_data_files(project):
    before = inputs_of(project).fingerprint()
    (project / "data" / "triage").mkdir()
    (project / "data" / "triage" / "water.yml").write_text("problems: []\n")
    for name in ("selfhelp.yml", "office_hours.yml", "faq_answers.yml", "canned_answers.yml", "routing.yml"):
        (project / "data" / name).write_text("x: {}\n")
    assert inputs_of(project).fingerprint() == before
    (project / "data" / "rules" / "extra.yml").write_text("rules: []\n")
    assert inputs_of(project).fingerprint() != before


def test_a_copy_of_the_nlu_data_elsewhere_has_the_same_fingerprint(project, tmp_path_factory):
    copy = tmp_path_factory.mktemp("nlu-copy")
    shutil.copytree(project / "data" / "nlu", copy / "nlu")
    assert TrainingInputs(project, copy / "nlu").fingerprint() == inputs_of(project).fingerprint()
    (copy / "nlu" / "a.yml").write_text("nlu: [added]\n")
    assert TrainingInputs(project, copy / "nlu").fingerprint() != inputs_of(project).fingerprint()


def test_rasa_trains_on_dialogue_data_and_the_configured_nlu_dir(project, tmp_path_factory):
    nlu = tmp_path_factory.mktemp("nlu")
    command = rasa_train_command(TrainingInputs(project, nlu), project / "models")
    data = command[command.index("--data") + 1 : command.index("--out")]
    assert data == [str(project / "data" / "rules"), str(project / "data" / "stories"), str(nlu)]
    assert command[command.index("--out") + 1] == str(project / "models")


def test_latest_model_is_the_newest_archive(project):
    models = project / "models"
    _fake_model(models, "old.tar.gz", 1000)
    _fake_model(models, "new.tar.gz", 2000)
    assert latest_model(models).name == "new.tar.gz"
