"""Train the Rasa model only when its inputs changed."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

# Everything a trained model depends on; tests/ (the held-out set) is deliberately absent.
TRAINING_INPUTS = ("config.yml", "domain", "data")
# Operator data files under data/ that the model does not learn from: changing them needs
# no retraining (they are read by the running stack, see docs/triage.md).
OPERATOR_DATA = (
    "data/triage",
    "data/selfhelp.yml",
    "data/office_hours.yml",
    "data/routing.yml",
    "data/canned_answers.yml",
)
STAMP_NAME = ".fingerprint.json"


def _input_files(project_dir: Path) -> list[Path]:
    files: list[Path] = []
    for name in TRAINING_INPUTS:
        path = project_dir / name
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files.extend(p for p in path.rglob("*") if p.is_file() and p.suffix in {".yml", ".yaml"})
    return sorted(f for f in files if not _is_operator_data(f.relative_to(project_dir)))


def _is_operator_data(relative: Path) -> bool:
    return any(relative == Path(name) or Path(name) in relative.parents for name in OPERATOR_DATA)


def fingerprint(project_dir: Path) -> str:
    """A hash over the paths and contents of every training input."""
    digest = hashlib.sha256()
    for path in _input_files(project_dir):
        digest.update(path.relative_to(project_dir).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def latest_model(models_dir: Path) -> Path | None:
    """The most recently trained model archive, as Rasa itself picks it."""
    models = sorted(models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def _read_stamp(models_dir: Path) -> dict:
    stamp = models_dir / STAMP_NAME
    if not stamp.exists():
        return {}
    try:
        return json.loads(stamp.read_text())
    except json.JSONDecodeError:
        return {}


def needs_training(project_dir: Path, models_dir: Path) -> bool:
    """True when there is no model or the latest one was trained on other inputs."""
    model = latest_model(models_dir)
    if model is None:
        return True
    stamp = _read_stamp(models_dir)
    return stamp.get("fingerprint") != fingerprint(project_dir) or stamp.get("model") != model.name


def train(project_dir: Path, models_dir: Path, *, force: bool = False) -> Path:
    """Train a model with Rasa if needed and return the path of the model to serve."""
    if not force and not needs_training(project_dir, models_dir):
        model = latest_model(models_dir)
        assert model is not None
        print(f"Model is up to date: {model}", flush=True)
        return model
    inputs_fingerprint = fingerprint(project_dir)
    command = [
        sys.executable,
        "-m",
        "rasa",
        "train",
        "--config",
        "config.yml",
        "--domain",
        "domain",
        "--data",
        "data",
        "--out",
        str(models_dir),
    ]
    print("Training the model: " + " ".join(command[2:]), flush=True)
    subprocess.run(command, cwd=project_dir, check=True)
    model = latest_model(models_dir)
    if model is None:
        raise RuntimeError(f"rasa train finished but left no model in {models_dir}")
    (models_dir / STAMP_NAME).write_text(
        json.dumps({"fingerprint": inputs_fingerprint, "model": model.name}, indent=2)
    )
    return model
