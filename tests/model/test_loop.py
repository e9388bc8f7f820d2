"""The whole learning loop on the real stack, with real training.

A tenant writes something the served model does not understand; it shows up in the review
inbox; an operator labels it; `python -m bot train` trains, evaluates, compares with the
served model, passes the gate and loads the new model into the running Rasa; the bot then
answers that message differently. A deliberately damaged training set is refused by the
gate and the served model stays.

The stack runs on a copy of the NLU data and its own models directory, so the project's
own files are never touched. Both trainings are Rasa's incremental training from the served
model (`python -m bot train --finetune`, a tenth of the epochs), which is what an operator
runs after a review session; the gate is the same as for a full training. Rasa trains on
about one core, so the damaged set trains at the same time as the good one, with its own
models directory (the project's model served) and a fake Rasa that records loads.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.model.build import TrainingInputs
from bot.model.heldout import model_name
from bot.model.store import ModelStore
from tests.conftest import PROJECT_DIR
from tests.fakes.rasa import FakeRasa
from tests.stack import running_stack

# Noise from the home's own installations is a repair, not nuisance from the neighbours: a
# confusion the model can make with full confidence. The test takes the first of these the
# served model reads as nuisance; the tenant's "nee" to "overlast, klopt dat?" puts it in the
# review inbox.
CANDIDATES = (
    "de mv box maakt herrie",
    "de ventilatie maakt een hels kabaal",
    "de afzuiging op het dak maakt 's nachts herrie",
    "de lift maakt de hele dag lawaai",
    "de cv ketel maakt herrie",
)
TARGET = "report_repair"
FINETUNE = ("--finetune", "0.1")
TIMEOUT_TRAIN = 1500


@dataclass
class Loop:
    stack: object
    env: dict[str, str]
    nlu: Path
    models: Path
    damaged: subprocess.Popen
    damaged_models: Path
    damaged_rasa: FakeRasa

    def cli(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            cwd=PROJECT_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def classified(self, sender: str, text: str) -> tuple[str, list[str]]:
        """Send `text` as a new tenant: the intent Rasa gave it and the bot's replies."""
        replies = [reply.get("text", "") for reply in self.stack.post(sender, text)]
        events = self.stack.tracker(sender)["events"]
        user = [event for event in events if event["event"] == "user" and event["text"] == text][-1]
        return user["parse_data"]["intent"]["name"], replies


def serving_copy(trained_model: Path, models: Path, nlu: Path) -> None:
    """A models directory that serves a copy of the project's model, with its stored report."""
    models.mkdir()
    served = models / trained_model.name
    shutil.copy2(trained_model, served)
    report = trained_model.parent / "reports" / model_name(trained_model)
    if report.is_dir():
        shutil.copytree(report, models / "reports" / model_name(trained_model))
    store = ModelStore(models)
    store.record_trained(served, TrainingInputs(PROJECT_DIR, nlu).fingerprint())
    store.promote(served, note="the project's model")


def swap_intents(directory: Path, first: str, second: str) -> None:
    """Damage the training data: every example of `first` becomes `second` and the other way round."""
    for path in directory.glob("*.yml"):
        text = path.read_text()
        swapped = (
            text.replace(f"- intent: {first}\n", "- intent: @swap@\n")
            .replace(f"- intent: {second}\n", f"- intent: {first}\n")
            .replace("- intent: @swap@\n", f"- intent: {second}\n")
        )
        assert swapped != text or first not in text
        path.write_text(swapped)


def start_damaged_training(root: Path, trained_model: Path, rasa: FakeRasa) -> tuple[subprocess.Popen, Path]:
    nlu = root / "damaged-nlu"
    shutil.copytree(PROJECT_DIR / "data" / "nlu", nlu)
    models = root / "damaged-models"
    serving_copy(trained_model, models, nlu)
    swap_intents(nlu, "report_nuisance", "payment_arrears")
    env = {
        **os.environ,
        "ENVIRONMENT": "test",
        "MODELS_DIR": str(models),
        "NLU_DATA_DIR": str(nlu),
        "RASA_SERVERS": rasa.url,
        "RASA_AUTH_TOKEN": rasa.token,
    }
    command = [sys.executable, "-m", "bot", "train", *FINETUNE]
    # A file, not a pipe: nobody reads the output until the test waits for it.
    with (root / "damaged-train.log").open("w") as output:
        process = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=output, stderr=subprocess.STDOUT)
    return process, models


@pytest.fixture(scope="module")
def loop(trained_model, tmp_path_factory):
    root = tmp_path_factory.mktemp("loop")
    nlu = root / "nlu"
    shutil.copytree(PROJECT_DIR / "data" / "nlu", nlu)
    models = root / "models"
    serving_copy(trained_model, models, nlu)
    damaged_rasa = FakeRasa("fake-rasa-token-" + "z" * 16, model_file=str(trained_model)).start()
    settings = {"MODELS_DIR": str(models), "NLU_DATA_DIR": str(nlu)}
    with running_stack(tmp_path_factory, **settings) as stack:
        damaged, damaged_models = start_damaged_training(root, trained_model, damaged_rasa)
        env = {
            **os.environ,
            **settings,
            "ENVIRONMENT": "test",
            "VAR_DIR": str(stack.var_dir),
            "RASA_PORT": stack.rasa_url.rsplit(":", 1)[1],
            "RASA_AUTH_TOKEN": stack.token,
        }
        try:
            yield Loop(stack, env, nlu, models, damaged, damaged_models, damaged_rasa)
        finally:
            if damaged.poll() is None:
                damaged.kill()
            damaged_rasa.stop()


class Chatter:
    """Tenants who keep writing while a model is swapped in: every message must be answered."""

    def __init__(self, stack, pause: float = 1.0) -> None:
        self.stack = stack
        self.pause = pause
        self.failures: list[str] = []
        # (when the message was sent, seconds until the reply), monotonic clock.
        self.timed: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def latencies(self) -> list[float]:
        return [latency for _, latency in self.timed]

    def _run(self) -> None:
        number = 0
        while not self._stop.is_set():
            number += 1
            started = time.monotonic()
            try:
                replies = self.stack.post(f"chatter-{number}", "hallo")
            except OSError as error:
                self.failures.append(f"message {number}: {error}")
            else:
                if not replies:
                    self.failures.append(f"message {number}: no reply")
            self.timed.append((started, time.monotonic() - started))
            time.sleep(self.pause)

    def __enter__(self) -> Chatter:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(60)


def misread_by_the_served_model(loop) -> tuple[str, list[str]]:
    """The first candidate the served model reads as nuisance, and the bot's replies to it."""
    for number, text in enumerate(CANDIDATES):
        intent, replies = loop.classified(f"loop-probe-{number}", text)
        if intent == "report_nuisance":
            loop.stack.post(f"loop-probe-{number}", "nee")
            return text, replies
    pytest.fail(f"the served model reads every candidate right; add a message it misreads: {CANDIDATES}")


def test_a_misread_message_is_labelled_learned_and_then_answered_differently(loop):
    misread, replies_before = misread_by_the_served_model(loop)

    listed = loop.cli("review", "list")
    assert listed.returncode == 0, listed.stderr
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    row = next(row for row in rows if row["text"] == misread)
    assert row["intent"] == "report_nuisance" and "corrected" in row["reasons"]

    labelled = loop.cli("review", "label", str(row["event"]), TARGET)
    assert labelled.returncode == 0, labelled.stderr
    assert any(f"- {misread}" in path.read_text() for path in loop.nlu.glob("*.yml"))

    served_before = loop.stack.served_model()
    with Chatter(loop.stack) as chatter:
        trained = loop.cli("train", *FINETUNE, timeout=TIMEOUT_TRAIN)
    print(trained.stdout[-6000:])
    assert trained.returncode == 0, trained.stdout[-3000:] + trained.stderr[-3000:]
    assert f"Comparing with the served model {served_before}" in trained.stdout
    assert "intent_macro_f1" in trained.stdout and "Promoted" in trained.stdout
    new_model = ModelStore(loop.models).served()
    assert new_model.name != served_before
    assert loop.stack.served_model() == new_model.name
    assert chatter.failures == [], chatter.failures
    slowest = max(chatter.latencies)
    print(f"replies while training and swapping: {len(chatter.latencies)}, slowest {slowest:.1f} s")

    intent_after, replies_after = loop.classified("loop-tenant-2", misread)
    assert intent_after == TARGET
    assert replies_after != replies_before
    report = json.loads((loop.models / "reports" / model_name(new_model) / "report.json").read_text())
    assert report["release"]["compared_with"] == served_before and report["release"]["promoted"]


def test_a_damaged_training_set_is_refused_and_the_served_model_stays(loop):
    loop.damaged.wait(timeout=TIMEOUT_TRAIN)
    output = (loop.damaged_models.parent / "damaged-train.log").read_text()
    print(output[-6000:])
    assert loop.damaged.returncode == 1, output[-3000:]
    assert "REFUSED" in output and "report_nuisance -> payment_arrears" in output
    store = ModelStore(loop.damaged_models)
    served = store.served()
    assert served.name == Path(loop.damaged_rasa.model_file).name
    assert loop.damaged_rasa.loads == []
    # The refused model is not kept; its report is, with the gate's verdict.
    assert [path.name for path in loop.damaged_models.glob("*.tar.gz")] == [served.name]
    refused = store.events()[0]
    assert refused.action == "refused" and "category macro-F1 dropped" in refused.note
    report_dir = loop.damaged_models / "reports" / model_name(Path(refused.model))
    report = json.loads((report_dir / "report.json").read_text())
    assert report["release"] == {**report["release"], "compared_with": served.name, "promoted": False}
