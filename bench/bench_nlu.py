"""NLU benchmark: our pipeline vs Rasa's default English pipeline vs a keyword router.

Trains both Rasa pipelines on data/nlu/, scores all three on both held-out sets
(tests/nlu/heldout*.yml), and prints macro-F1 by category, training time, model size
and the memory of a process serving each model. Run with `make bench-nlu`.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))
HELDOUT_SETS = (
    PROJECT_DIR / "tests" / "nlu" / "heldout.yml",
    PROJECT_DIR / "tests" / "nlu" / "heldout_fresh.yml",
)


def rasa_init_config() -> Path:
    """The config.yml that `rasa init` writes: Rasa's default (English) pipeline."""
    import rasa.cli

    return Path(rasa.cli.__file__).parent / "initial_project" / "config.yml"


def train(config: Path, out: Path, name: str) -> tuple[Path, float]:
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "rasa",
            "train",
            "nlu",
            "--config",
            str(config),
            "--nlu",
            "data/nlu",
            "--domain",
            "domain",
            "--out",
            str(out),
            "--fixed-model-name",
            name,
            "--quiet",
        ],
        cwd=PROJECT_DIR,
        check=True,
    )
    return out / f"{name}.tar.gz", time.perf_counter() - started


def serve_and_score(model: Path) -> dict:
    """Load the model in a fresh process, score the held-out set there, report its memory."""
    completed = subprocess.run(
        [sys.executable, __file__, "--score-model", str(model)],
        cwd=PROJECT_DIR,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def score_model_here(model: Path) -> None:
    """Child process: load once, parse every held-out message, print figures as JSON."""
    import psutil
    from rasa.utils.log_utils import configure_structlog

    from bot.nlu.classify import Classifier
    from bot.nlu.evaluation import evaluate, load_labelled

    configure_structlog(logging.WARNING)  # else Rasa's debug lines go to standard output
    classifier = Classifier(model)
    latencies: list[float] = []

    def predict(text: str) -> str | None:
        started = time.perf_counter()
        intent = classifier.classify(text).intent
        latencies.append(time.perf_counter() - started)
        return intent

    figures: dict = {path.name: summarise(evaluate(load_labelled(path), predict)) for path in HELDOUT_SETS}
    latencies.sort()
    figures.update(
        rss_mib=psutil.Process().memory_info().rss / 2**20,
        parse_p50_ms=1000 * latencies[len(latencies) // 2],
        parse_p95_ms=1000 * latencies[int(len(latencies) * 0.95)],
    )
    print(json.dumps(figures))


def summarise(report) -> dict:
    """The figures of one evaluation report that the benchmark prints."""
    return {
        "category_macro_f1": report.category_macro_f1,
        "per_category_f1": {k: v["f1"] for k, v in report.per_category.items()},
        "faq_topic_accuracy": report.faq_topic_accuracy,
    }


def score_keyword_router() -> dict:
    sys.path.insert(0, str(PROJECT_DIR / "bench"))
    from keyword_router import route

    from bot.nlu.evaluation import evaluate, load_labelled

    return {path.name: summarise(evaluate(load_labelled(path), route)) for path in HELDOUT_SETS}


def print_table(results: dict[str, dict]) -> None:
    categories = ["repair", "nuisance", "payment_arrears", "general", "other"]
    for path in HELDOUT_SETS:
        print(f"\nHeld-out set: {path.relative_to(PROJECT_DIR)} (category F1)")
        print(f"{'':<18}{'macro-F1':>9}" + "".join(f"{c[:9]:>10}" for c in categories))
        for name, result in results.items():
            figures = result[path.name]
            row = f"{name:<18}{figures['category_macro_f1']:>9.3f}"
            row += "".join(f"{figures['per_category_f1'].get(c, 0.0):>10.3f}" for c in categories)
            print(row)
    print(f"\n{'':<18}{'train s':>9}{'model MiB':>10}{'RSS MiB':>9}{'p50 ms':>8}{'p95 ms':>8}")
    for name, r in results.items():
        if "train_seconds" in r:
            print(
                f"{name:<18}{r['train_seconds']:>9.0f}{r['model_mib']:>10.1f}{r['rss_mib']:>9.0f}"
                f"{r['parse_p50_ms']:>8.1f}{r['parse_p95_ms']:>8.1f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--score-model", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if args.score_model:
        score_model_here(Path(args.score_model))
        return

    results: dict[str, dict] = {}
    workdir = Path(tempfile.mkdtemp(prefix="bench-nlu-"))
    try:
        default_config = workdir / "config.yml"
        shutil.copy(rasa_init_config(), default_config)
        for name, config in (("ours", PROJECT_DIR / "config.yml"), ("rasa_default_en", default_config)):
            print(f"training {name} ...", flush=True)
            model, seconds = train(config, workdir, name)
            results[name] = {
                "train_seconds": seconds,
                "model_mib": model.stat().st_size / 2**20,
                **serve_and_score(model),
            }
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    results["keyword_router"] = score_keyword_router()

    print_table(results)
    out = PROJECT_DIR / "results" / "bench-nlu.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"\nwritten to {out.relative_to(PROJECT_DIR)}")


if __name__ == "__main__":
    main()
