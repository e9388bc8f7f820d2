"""Which model is served, which were trained and refused, and the way back to an earlier one.

The record is `registry.json` in the models directory, written atomically:
- `models`: every trained model's fingerprint of its inputs, when it was trained, and
  whether the gate refused it;
- `served`: the stack of promoted models, the served one last; a rollback pops it;
- `events`: what happened when (promotion, forced promotion, refusal, rollback).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from filelock import FileLock

from bot.model.build import latest_model

REGISTRY_FILE = "registry.json"
LOCK_FILE = ".registry.lock"
# Written by earlier versions of `python -m bot train`: the fingerprint of the latest model.
LEGACY_STAMP = ".fingerprint.json"


class NothingToRollBackTo(RuntimeError):
    """No earlier promoted model is still on disk."""


@dataclass(frozen=True)
class ModelEvent:
    """One entry of the history: a promotion, a refusal or a rollback."""

    at: str
    action: str
    model: str
    note: str = ""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class ModelStore:
    """The registry of the models in one directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._path = directory / REGISTRY_FILE

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store's lock: one training or rollback at a time."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with FileLock(str(self.directory / LOCK_FILE)):
            yield

    def _read(self) -> dict[str, Any]:
        if self._path.is_file():
            return json.loads(self._path.read_text(encoding="utf-8"))
        return self._adopt_legacy()

    def _adopt_legacy(self) -> dict[str, Any]:
        """A registry for a models directory from before the registry: its stamped model is served."""
        registry: dict[str, Any] = {"models": {}, "served": [], "events": []}
        stamp = self.directory / LEGACY_STAMP
        try:
            legacy = json.loads(stamp.read_text()) if stamp.is_file() else {}
        except json.JSONDecodeError:
            legacy = {}
        name = legacy.get("model")
        if name and (self.directory / name).is_file():
            registry["models"][name] = {"fingerprint": legacy.get("fingerprint"), "trained_at": None}
            registry["served"] = [name]
        return registry

    def _write(self, registry: dict[str, Any]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        temporary = self._path.with_suffix(".tmp")
        temporary.write_text(json.dumps(registry, indent=2, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, self._path)

    def served(self) -> Path | None:
        """The archive of the served model; without a registry, the newest archive."""
        stack = [name for name in self._read()["served"] if (self.directory / name).is_file()]
        if stack:
            return self.directory / stack[-1]
        return latest_model(self.directory)

    def served_fingerprint(self) -> str | None:
        """The fingerprint of the inputs the served model was trained on, if known."""
        registry = self._read()
        if not registry["served"]:
            return None
        return registry["models"].get(registry["served"][-1], {}).get("fingerprint")

    def refused_with(self, fingerprint: str) -> str | None:
        """The note of a model trained on exactly these inputs that the gate refused, if any."""
        for entry in self._read()["models"].values():
            if entry.get("fingerprint") == fingerprint and entry.get("refused"):
                return entry["refused"]
        return None

    def record_trained(self, model: Path, fingerprint: str) -> None:
        registry = self._read()
        registry["models"][model.name] = {"fingerprint": fingerprint, "trained_at": _now()}
        self._write(registry)

    def promote(self, model: Path, *, note: str = "", forced: bool = False) -> None:
        """Make `model` the served one."""
        registry = self._read()
        registry["models"].setdefault(model.name, {"fingerprint": None, "trained_at": None})
        registry["served"].append(model.name)
        action = "forced promotion" if forced else "promotion"
        registry["events"].append({"at": _now(), "action": action, "model": model.name, "note": note})
        self._write(registry)

    def refuse(self, model: Path, note: str) -> None:
        """Record that the gate refused `model`, so the same inputs are not trained again for nothing."""
        registry = self._read()
        registry["models"].setdefault(model.name, {"fingerprint": None, "trained_at": None})["refused"] = note
        registry["events"].append({"at": _now(), "action": "refused", "model": model.name, "note": note})
        self._write(registry)

    def rollback_target(self) -> Path:
        """The model served before the current one that is still on disk.

        Raises:
            NothingToRollBackTo: when there is none.
        """
        stack = self._read()["served"]
        for name in reversed(stack[:-1]):
            if (self.directory / name).is_file():
                return self.directory / name
        raise NothingToRollBackTo("no earlier model is kept in " + str(self.directory))

    def roll_back(self, target: Path) -> None:
        """Serve `target` again: the models promoted after it leave the stack."""
        registry = self._read()
        stack = registry["served"]
        while stack and stack[-1] != target.name:
            stack.pop()
        if not stack:
            raise NothingToRollBackTo(f"{target.name} was never served")
        registry["events"].append({"at": _now(), "action": "rollback", "model": target.name, "note": ""})
        self._write(registry)

    def events(self) -> list[ModelEvent]:
        """The history, newest first."""
        return [ModelEvent(**event) for event in reversed(self._read()["events"])]

    def prune(self, keep: int) -> list[Path]:
        """Delete archives except the served one and the `keep` most recently promoted; return them."""
        stack = self._read()["served"]
        if not stack:
            return []
        kept = set(list(dict.fromkeys(reversed(stack)))[: max(keep, 1)])
        removed = []
        for archive in self.directory.glob("*.tar.gz"):
            if archive.name not in kept:
                archive.unlink()
                removed.append(archive)
        return sorted(removed)
