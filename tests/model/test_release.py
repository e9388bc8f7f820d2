"""The release pipeline's decisions, with training and evaluation replaced by stand-ins.

The real thing (Rasa training, the held-out sets, a running Rasa) is tested end to end in
tests/model/test_loop.py.
"""

import itertools
import json

import pytest

from bot.model import release as release_module
from bot.model.build import TrainingInputs
from bot.model.heldout import HeldoutResult
from bot.model.release import INVALID, PROMOTED, REFUSED, Release, release, roll_back
from bot.model.serving import RasaServer
from bot.model.store import ModelStore
from bot.nlu.evaluation import evaluate
from tests.fakes.rasa import FakeRasa
from tests.model.test_gate import MESSAGES, RIGHT

TOKEN = "rasa-token-" + "y" * 16
GOOD = {}
WORSE = {"de buren schreeuwen": "payment_arrears", "buren zijn luidruchtig": "report_repair"}


@pytest.fixture()
def project(tmp_path):
    (tmp_path / "config.yml").write_text("language: nl\n")
    (tmp_path / "domain").mkdir()
    (tmp_path / "nlu").mkdir()
    (tmp_path / "nlu" / "a.yml").write_text("nlu: []\n")
    (tmp_path / "heldout.yml").write_text("nlu: []\n")
    return tmp_path


class Trainer:
    """Stands in for Rasa: each training leaves an archive whose quality the test chose."""

    def __init__(self, monkeypatch):
        self.quality: list[dict] = []
        self.trained = 0
        self.counter = itertools.count(1)
        self.evaluated: list[str] = []
        monkeypatch.setattr(release_module, "train_model", self.train)
        monkeypatch.setattr(release_module, "evaluate_model", self.evaluate)
        self.quality_of: dict[str, dict] = {}
        self.finetuned_from: list[str | None] = []

    def train(self, inputs, models_dir, finetune=None):
        self.trained += 1
        self.finetuned_from.append(finetune.base.name if finetune else None)
        path = models_dir / f"2026112{next(self.counter)}-model.tar.gz"
        path.write_bytes(b"model")
        self.quality_of[path.name] = self.quality.pop(0)
        return path

    def evaluate(self, model, paths):
        self.evaluated.append(model.name)
        wrong = self.quality_of[model.name]
        report = evaluate(MESSAGES, lambda text: wrong.get(text, RIGHT[text]))
        return {"heldout": HeldoutResult(report, len(MESSAGES), [])}


@pytest.fixture()
def trainer(monkeypatch):
    return Trainer(monkeypatch)


@pytest.fixture()
def rasa():
    fake = FakeRasa(TOKEN).start()
    yield fake
    fake.stop()


def plan_for(project, rasa, keep=5):
    return Release(
        inputs=TrainingInputs(project, project / "nlu"),
        store=ModelStore(project / "models"),
        heldout=[project / "heldout.yml"],
        servers=[RasaServer(rasa.url, TOKEN)],
        max_drop=0.02,
        keep=keep,
    )


def valid(inputs):
    return True


def change_data(project, text):
    (project / "nlu" / "a.yml").write_text(f"nlu: [{text}]\n")


def test_the_first_model_is_promoted_and_loaded_into_rasa(project, rasa, trainer):
    trainer.quality = [GOOD]
    plan = plan_for(project, rasa)
    assert release(plan, validate=valid) == PROMOTED
    served = plan.store.served()
    assert rasa.loads == [str(served.resolve())]
    report = json.loads((plan.reports_dir / served.name.removesuffix(".tar.gz") / "report.json").read_text())
    assert report["release"] == {"compared_with": None, "promoted": True}
    assert (plan.reports_dir / served.name.removesuffix(".tar.gz") / "confusion-heldout.png").is_file()


def test_unchanged_data_trains_nothing(project, rasa, trainer):
    trainer.quality = [GOOD]
    plan = plan_for(project, rasa)
    release(plan, validate=valid)
    assert release(plan, validate=valid) == PROMOTED
    assert trainer.trained == 1


def test_invalid_data_trains_nothing(project, rasa, trainer):
    assert release(plan_for(project, rasa), validate=lambda inputs: False) == INVALID
    assert trainer.trained == 0


def test_a_worse_model_is_refused_and_the_served_one_stays(project, rasa, trainer, capsys):
    trainer.quality = [GOOD, WORSE]
    plan = plan_for(project, rasa)
    release(plan, validate=valid)
    first = plan.store.served()
    change_data(project, "damaged")
    assert release(plan, validate=valid) == REFUSED
    assert plan.store.served() == first
    assert rasa.loads == [str(first.resolve())]
    output = capsys.readouterr().out
    assert "REFUSED" in output and "report_nuisance -> payment_arrears: 0 -> 1" in output
    # The served model's stored report was reused, not evaluated again.
    assert trainer.evaluated == [first.name, "20261122-model.tar.gz"]
    assert sorted(p.name for p in plan.store.directory.glob("*.tar.gz")) == [first.name]


def test_the_same_refused_data_is_not_trained_again_unless_forced(project, rasa, trainer):
    trainer.quality = [GOOD, WORSE, WORSE]
    plan = plan_for(project, rasa)
    release(plan, validate=valid)
    change_data(project, "damaged")
    release(plan, validate=valid)
    assert release(plan, validate=valid) == REFUSED
    assert trainer.trained == 2
    assert release(plan, validate=valid, force=True) == PROMOTED
    assert trainer.trained == 3
    assert plan.store.events()[0].action == "forced promotion"
    assert rasa.model_file.endswith("20261123-model.tar.gz")


def test_a_better_model_is_promoted_and_rollback_brings_the_old_one_back(project, rasa, trainer):
    trainer.quality = [WORSE, GOOD]
    plan = plan_for(project, rasa)
    release(plan, validate=valid)
    first = plan.store.served()
    change_data(project, "better")
    assert release(plan, validate=valid) == PROMOTED
    assert plan.store.served() != first
    assert roll_back(plan.store, plan.servers) == first
    assert plan.store.served() == first
    assert rasa.model_file == str(first.resolve())


def test_a_model_rasa_refuses_is_not_promoted(project, rasa, trainer):
    trainer.quality = [GOOD, GOOD]
    plan = plan_for(project, rasa)
    release(plan, validate=valid)
    first = plan.store.served()
    change_data(project, "more")
    rasa.refuse_next()
    assert release(plan, validate=valid) == REFUSED
    assert plan.store.served() == first
    assert rasa.model_file == str(first.resolve())


def test_without_a_running_rasa_the_model_is_promoted_for_the_next_start(project, trainer, capsys):
    trainer.quality = [GOOD]
    stopped = FakeRasa(TOKEN).start()
    stopped.stop()
    plan = plan_for(project, stopped)
    assert release(plan, validate=valid) == PROMOTED
    assert "when it starts" in capsys.readouterr().out


def test_old_models_beyond_the_kept_number_are_removed(project, rasa, trainer):
    trainer.quality = [GOOD, GOOD, GOOD]
    plan = plan_for(project, rasa, keep=2)
    for text in ("one", "two", "three"):
        change_data(project, text)
        release(plan, validate=valid)
    kept = sorted(p.name for p in plan.store.directory.glob("*.tar.gz"))
    assert kept == ["20261122-model.tar.gz", "20261123-model.tar.gz"]


def test_finetuning_continues_from_the_served_model_and_is_gated_the_same(project, rasa, trainer):
    trainer.quality = [GOOD, WORSE]
    plan = plan_for(project, rasa)
    assert release(plan, validate=valid, finetune=0.2) == PROMOTED
    first = plan.store.served()
    change_data(project, "one more example")
    assert release(plan, validate=valid, finetune=0.2) == REFUSED
    assert trainer.finetuned_from == [None, first.name]
