"""A trained model's report, stored with the model, and the history of every model's figures.

The report holds the figures per held-out set, a confusion matrix as a picture, and the
misclassified messages.

`python -m bot evaluate` writes it to `<models>/reports/<model>/`: `report.json` and one
`confusion-<set>.png` per held-out set. The console shows the history and each report.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from bot.nlu.evaluation import EvaluationReport

REPORT_FILE = "report.json"
SAFE_NAME = re.compile(r"^[\w.-]+$")


def confusion_png(report: EvaluationReport, title: str, path: Path) -> Path:
    """Draw the intent confusion matrix (rows: expected, columns: predicted) as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = sorted(set(report.confusion) | {p for row in report.confusion.values() for p in row})
    counts = [[report.confusion.get(gold, {}).get(predicted, 0) for predicted in labels] for gold in labels]
    size = max(6.0, 0.42 * len(labels) + 2)
    figure, axes = plt.subplots(figsize=(size, size), dpi=100)
    axes.imshow(counts, cmap="Blues")
    axes.set_xticks(range(len(labels)), labels=labels, rotation=60, ha="right", fontsize=8)
    axes.set_yticks(range(len(labels)), labels=labels, fontsize=8)
    axes.set_xlabel("voorspeld (model)")
    axes.set_ylabel("verwacht (testset)")
    axes.set_title(title, fontsize=10)
    peak = max((value for row in counts for value in row), default=0)
    for row, values in enumerate(counts):
        for column, value in enumerate(values):
            if value:
                colour = "white" if value > peak / 2 else "black"
                axes.text(column, row, str(value), ha="center", va="center", fontsize=7, color=colour)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
    return path


def write_report(
    model: str,
    reports: dict[str, EvaluationReport],
    directory: Path,
    *,
    heldout: dict[str, str] | None = None,
    release: dict | None = None,
    cued: dict[str, list[tuple[str, str]]] | None = None,
) -> Path:
    """Store the report of `model` (its held-out set name -> evaluation) in `directory`.

    `heldout` holds a hash per held-out set, so the evaluation is reused only while the sets
    are unchanged; `release` what the gate decided when the model was trained; `cued` the
    messages per set that a cue sends straight to a person, as (cue, text).
    """
    directory.mkdir(parents=True, exist_ok=True)
    sets = {}
    for name, report in reports.items():
        stem = Path(name).stem
        picture = confusion_png(report, f"{model} · {name}", directory / f"confusion-{stem}.png")
        sets[stem] = {**asdict(report), "picture": picture.name, "messages": _support(report)}
        if cued is not None:
            sets[stem]["cued"] = [list(pair) for pair in cued.get(name, [])]
    document = {"model": model, "evaluated_at": datetime.now(timezone.utc).isoformat(), "sets": sets}
    if heldout is not None:
        document["heldout"] = heldout
    if release is not None:
        document["release"] = release
    path = directory / REPORT_FILE
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def _support(report: EvaluationReport) -> int:
    return sum(int(scores["support"]) for scores in report.per_category.values())


@dataclass(frozen=True)
class ModelFigures:
    """One model in the history: when it was evaluated and its macro figures per held-out set."""

    model: str
    evaluated_at: str
    figures: dict[str, dict[str, float | None]]


def read_report(reports_dir: Path, model: str) -> dict | None:
    """A stored report by model name; None for an unknown or unsafe name."""
    if not SAFE_NAME.match(model):
        return None
    path = reports_dir / model / REPORT_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def history(reports_dir: Path) -> list[ModelFigures]:
    """Every evaluated model, the newest first."""
    found = []
    for path in reports_dir.glob(f"*/{REPORT_FILE}"):
        document = json.loads(path.read_text(encoding="utf-8"))
        figures = {
            name: {
                "category_macro_f1": values["category_macro_f1"],
                "intent_macro_f1": values["intent_macro_f1"],
                "faq_topic_accuracy": values["faq_topic_accuracy"],
            }
            for name, values in document["sets"].items()
        }
        found.append(ModelFigures(document["model"], document["evaluated_at"], figures))
    return sorted(found, key=lambda item: item.evaluated_at, reverse=True)
