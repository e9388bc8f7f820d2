"""`python -m bot train`: validate, train, evaluate, compare with the served model, gate, promote.

Exit codes: 0 promoted (or already up to date), 1 refused by the gate or not loaded by
Rasa, 2 invalid training data or a failed training.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.model.build import Finetune, TrainingInputs, train_model
from bot.model.gate import compare, format_comparison, judge
from bot.model.heldout import HeldoutResult, evaluate_model, store_results, stored_results
from bot.model.serving import RasaServer, ServingError, load_everywhere
from bot.model.store import ModelStore
from bot.nlu.evaluation import EvaluationReport

PROMOTED, REFUSED, INVALID = 0, 1, 2


@dataclass(frozen=True)
class Release:
    """Everything one release needs: inputs, where models live, held-out sets, servers, the gate."""

    inputs: TrainingInputs
    store: ModelStore
    heldout: list[Path]
    servers: list[RasaServer]
    max_drop: float
    keep: int

    @property
    def reports_dir(self) -> Path:
        return self.store.directory / "reports"


def say(text: str) -> None:
    print(text, flush=True)


def release(
    plan: Release,
    *,
    validate: Callable[[TrainingInputs], bool],
    again: bool = False,
    force: bool = False,
    finetune: float | None = None,
) -> int:
    """Run the pipeline; `again` trains even if nothing changed, `force` promotes despite the gate.

    With `finetune` (a fraction of the epochs), Rasa continues from the served model instead
    of training from scratch: much faster for a few new examples, same gate.
    """
    with plan.store.locked():
        say("[1/5] Checking the training data")
        if not validate(plan.inputs):
            say("Nothing trained: fix the problems above first.")
            return INVALID
        fingerprint = plan.inputs.fingerprint()
        served = plan.store.served()
        if not again and served is not None and plan.store.served_fingerprint() == fingerprint:
            say(f"The served model {served.name} was trained on exactly this data: nothing to do.")
            return PROMOTED
        refusal = plan.store.refused_with(fingerprint)
        if refusal and not (again or force):
            say(f"A model trained on exactly this data was refused before: {refusal}")
            say("Change the training data, or train with --force to serve it anyway.")
            return REFUSED
        start = Finetune(served, finetune) if finetune and served is not None else None
        how = f" from {served.name} ({finetune:g} of the epochs)" if start else ""
        say(f"[2/5] Training a new model{how}")
        try:
            candidate = train_model(plan.inputs, plan.store.directory, start)
        except RuntimeError as error:
            say(f"Training failed: {error}")
            return INVALID
        plan.store.record_trained(candidate, fingerprint)
        return _judge_and_promote(plan, candidate, served, force=force)


def _judge_and_promote(plan: Release, candidate: Path, served: Path | None, *, force: bool) -> int:
    say(f"[3/5] Evaluating {candidate.name} on the held-out sets")
    results = evaluate_model(candidate, plan.heldout)
    after = {name: result.report for name, result in results.items()}
    _print_results(results)
    if served is None:
        say("[4/5] No model is served yet: nothing to compare with")
        store_results(
            plan.reports_dir, candidate, plan.heldout, results, {"compared_with": None, "promoted": True}
        )
        return _promote(plan, candidate, served, note="first model", forced=False)
    say(f"[4/5] Comparing with the served model {served.name}")
    before = _baseline(plan, served)
    comparisons = compare(before, after)
    for comparison in comparisons:
        say(format_comparison(comparison) + "\n")
    verdict = judge(comparisons, plan.max_drop)
    promote = verdict.promote or force
    store_results(
        plan.reports_dir,
        candidate,
        plan.heldout,
        results,
        {
            "compared_with": served.name,
            "verdict": verdict.summary(),
            "promoted": promote,
            "forced": not verdict.promote and force,
        },
    )
    if not promote:
        plan.store.refuse(candidate, verdict.summary())
        plan.store.prune(plan.keep)
        say(f"REFUSED: {verdict.summary()}.")
        say(f"The served model stays {served.name}. Train with --force to serve the new one anyway.")
        return REFUSED
    if not verdict.promote:
        say(f"FORCED: {verdict.summary()}; serving the new model anyway.")
    return _promote(plan, candidate, served, note=verdict.summary(), forced=not verdict.promote)


def _baseline(plan: Release, served: Path) -> dict[str, EvaluationReport]:
    """The served model's evaluation: stored with it, or made now (and stored) if the sets changed."""
    results = stored_results(plan.reports_dir, served, plan.heldout)
    if results is None:
        say(f"      evaluating the served model {served.name} on the current held-out sets")
        results = evaluate_model(served, plan.heldout)
        store_results(plan.reports_dir, served, plan.heldout, results, None)
    return {name: result.report for name, result in results.items()}


def _promote(plan: Release, candidate: Path, served: Path | None, *, note: str, forced: bool) -> int:
    say(f"[5/5] Serving {candidate.name}")
    try:
        loaded = load_everywhere(plan.servers, candidate)
    except ServingError as error:
        say(f"Not promoted: {error}")
        _restore(plan, served)
        return REFUSED
    plan.store.promote(candidate, note=note, forced=forced)
    for archive in plan.store.prune(plan.keep):
        say(f"      removed the old model {archive.name}")
    if loaded:
        say(f"Promoted: {', '.join(loaded)} now answer with {candidate.name}.")
    else:
        say(f"Promoted: no Rasa server is running; the stack serves {candidate.name} when it starts.")
    return PROMOTED


def _restore(plan: Release, served: Path | None) -> None:
    """Put the served model back on the servers that may already have taken the new one."""
    if served is None:
        return
    try:
        load_everywhere(plan.servers, served)
    except ServingError as error:
        say(f"Could not put {served.name} back everywhere: {error}")


def roll_back(store: ModelStore, servers: list[RasaServer]) -> Path:
    """Serve the model served before the current one again, on every running server.

    Raises:
        NothingToRollBackTo: when no earlier model is kept.
        ServingError: when a running server does not take it (the record stays unchanged).
    """
    with store.locked():
        target = store.rollback_target()
        load_everywhere(servers, target)
        store.roll_back(target)
        return target


def _print_results(results: dict[str, HeldoutResult]) -> None:
    for name, result in results.items():
        report = result.report
        say(
            f"      {name} ({result.messages} messages): intent macro-F1 {report.intent_macro_f1:.3f}, "
            f"category macro-F1 {report.category_macro_f1:.3f}, {len(report.errors)} in the wrong category, "
            f"{len(result.cued)} sent to a person by a cue"
        )
