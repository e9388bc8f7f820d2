"""Evaluate a model on the held-out sets, and reuse a stored evaluation while the sets are unchanged."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields
from pathlib import Path

from bot.nlu.evaluation import EvaluationReport, evaluate, load_labelled
from bot.nlu.report import read_report, write_report

REPORT_FIELDS = {item.name for item in fields(EvaluationReport)}


@dataclass(frozen=True)
class HeldoutResult:
    """One model's evaluation on one held-out set, and the messages a cue sends straight to a person."""

    report: EvaluationReport
    messages: int
    cued: list[tuple[str, str]]


def set_name(path: Path) -> str:
    """The name a held-out set has in reports: its file name without `.yml`."""
    return path.stem


def heldout_fingerprints(paths: list[Path]) -> dict[str, str]:
    """A hash of each held-out set's contents, by set name."""
    return {set_name(path): hashlib.sha256(path.read_bytes()).hexdigest() for path in paths}


def evaluate_model(model: Path, paths: list[Path]) -> dict[str, HeldoutResult]:
    """Classify every held-out message with `model` and score it, per set."""
    from bot.nlu.classify import Classifier

    classifier = Classifier(model)
    try:
        results = {}
        for path in paths:
            messages = load_labelled(path)
            classified = {message.text: classifier.classify(message.text) for message in messages}
            report = evaluate(messages, lambda text, found=classified: found[text].intent)
            cued = [(result.handoff_cue, result.text) for result in classified.values() if result.handoff_cue]
            results[set_name(path)] = HeldoutResult(report, len(messages), cued)
        return results
    finally:
        classifier.close()


def stored_results(reports_dir: Path, model: Path, paths: list[Path]) -> dict[str, HeldoutResult] | None:
    """The evaluation stored with `model`, if it was made on exactly these held-out sets."""
    document = read_report(reports_dir, model_name(model))
    if document is None or document.get("heldout") != heldout_fingerprints(paths):
        return None
    return {
        name: HeldoutResult(
            EvaluationReport(**{key: value for key, value in values.items() if key in REPORT_FIELDS}),
            values["messages"],
            [tuple(pair) for pair in values.get("cued", [])],
        )
        for name, values in document["sets"].items()
    }


def store_results(
    reports_dir: Path, model: Path, paths: list[Path], results: dict[str, HeldoutResult], release: dict | None
) -> Path:
    """Write the report of `model`'s evaluation on `paths` next to the model."""
    name = model_name(model)
    return write_report(
        name,
        {set_: result.report for set_, result in results.items()},
        reports_dir / name,
        heldout=heldout_fingerprints(paths),
        release=release,
        cued={set_: result.cued for set_, result in results.items()},
    )


def model_name(model: Path) -> str:
    """A model's name in reports: its archive name without `.tar.gz`."""
    return model.name.removesuffix(".tar.gz")
