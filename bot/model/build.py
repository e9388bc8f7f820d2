"""Train a Rasa model from the training inputs, and tell when those inputs changed."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

# What the dialogue model learns from besides the NLU data; tests/ (the held-out sets) is
# deliberately absent, and so are the operator data files under data/ (triage scripts,
# self-help, office hours, routing, canned and FAQ answers), which the running stack reads
# live, so changing them needs no retraining (docs/triage.md).
DIALOGUE_DATA = ("data/rules", "data/stories")
CONFIG = "config.yml"
DOMAIN = "domain"


@dataclass(frozen=True)
class TrainingInputs:
    """Where a model's inputs are: the project's config, domain and dialogue data, and the NLU data."""

    project_dir: Path
    nlu_dir: Path

    @property
    def data_paths(self) -> list[Path]:
        """The `--data` paths for Rasa: dialogue data and NLU data."""
        return [self.project_dir / name for name in DIALOGUE_DATA] + [self.nlu_dir]

    def files(self) -> list[Path]:
        """Every YAML file a model is trained from, sorted."""
        found: set[Path] = set()
        for path in [self.project_dir / CONFIG, self.project_dir / DOMAIN, *self.data_paths]:
            if path.is_file():
                found.add(path.resolve())
            elif path.is_dir():
                found.update(
                    p.resolve() for p in path.rglob("*") if p.is_file() and p.suffix in {".yml", ".yaml"}
                )
        return sorted(found)

    def fingerprint(self) -> str:
        """A hash over the names and contents of every training input."""
        digest = hashlib.sha256()
        for path in sorted(self.files(), key=self._name_of):
            digest.update(self._name_of(path).encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
        return digest.hexdigest()

    def _name_of(self, path: Path) -> str:
        """A file's name relative to its input, so a copy of the same data hashes the same."""
        for root, prefix in ((self.nlu_dir.resolve(), "nlu"), (self.project_dir.resolve(), "")):
            if root in path.parents:
                return f"{prefix}/{path.relative_to(root).as_posix()}"
        return path.as_posix()


def latest_model(models_dir: Path) -> Path | None:
    """The most recently trained model archive, as Rasa itself picks it."""
    models = sorted(models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


@dataclass(frozen=True)
class Finetune:
    """Rasa's incremental training: continue from `base` for a fraction of the configured epochs."""

    base: Path
    epoch_fraction: float


def rasa_train_command(
    inputs: TrainingInputs, models_dir: Path, finetune: Finetune | None = None
) -> list[str]:
    """The `rasa train` command line for these inputs."""
    command = [
        sys.executable, "-m", "rasa", "train",
        "--config", str(inputs.project_dir / CONFIG),
        "--domain", str(inputs.project_dir / DOMAIN),
        "--data", *[str(path) for path in inputs.data_paths],
        "--out", str(models_dir),
        # `python -m bot train` has run `rasa data validate` (and more) on exactly these inputs.
        "--skip-validation",
    ]  # fmt: skip
    if finetune is not None:
        command += ["--finetune", str(finetune.base), "--epoch-fraction", str(finetune.epoch_fraction)]
    return command


def train_model(inputs: TrainingInputs, models_dir: Path, finetune: Finetune | None = None) -> Path:
    """Train a new model with Rasa (its progress goes to the terminal) and return its archive.

    Raises:
        RuntimeError: when Rasa fails or leaves no new model.
    """
    models_dir.mkdir(parents=True, exist_ok=True)
    before = set(models_dir.glob("*.tar.gz"))
    command = rasa_train_command(inputs, models_dir, finetune)
    print("Training: " + " ".join(command[2:]), flush=True)
    # Rasa keeps its cache of trained components in .rasa/cache under the working directory:
    # running in the project means a change to the NLU data retrains only the NLU components.
    result = subprocess.run(command, cwd=inputs.project_dir)
    if result.returncode != 0:
        raise RuntimeError(f"rasa train failed with exit code {result.returncode}")
    new = set(models_dir.glob("*.tar.gz")) - before
    if not new:
        raise RuntimeError(f"rasa train finished but left no new model in {models_dir}")
    return max(new, key=lambda p: p.stat().st_mtime)
