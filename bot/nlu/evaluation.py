"""Evaluate the model on the held-out set: per-intent and per-category F1, and a quality gate."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sklearn.metrics import f1_score, precision_recall_fscore_support

from bot.categories import base_intent, category_for_intent


@dataclass(frozen=True)
class LabelledMessage:
    """A held-out message and the intent a person gave it (`faq/<topic>` for FAQ)."""

    text: str
    intent: str


@dataclass
class EvaluationReport:
    """Scores of one model (or router) on one labelled set."""

    per_intent: dict[str, dict[str, float]]
    per_category: dict[str, dict[str, float]]
    intent_macro_f1: float
    category_macro_f1: float
    faq_topic_accuracy: float | None
    errors: list[dict[str, str]] = field(default_factory=list)
    # Intent confusions: expected intent -> predicted intent -> how many messages.
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)


def load_labelled(path: Path) -> list[LabelledMessage]:
    """Read a Rasa NLU YAML file into labelled messages, keeping FAQ topics."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    return [
        LabelledMessage(
            text=example.get("text"),
            intent=example.get("intent_response_key") or example.get("intent"),
        )
        for example in data.training_examples
        if example.get("text")
    ]


def _scores(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, dict[str, float]]:
    labels = sorted(set(gold))
    precision, recall, f1, support = precision_recall_fscore_support(
        gold, predicted, labels=labels, zero_division=0
    )
    return {
        label: {"precision": p, "recall": r, "f1": f, "support": int(s)}
        for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=False)
    }


def _macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Macro-F1 over the labels that occur in the gold set."""
    return float(f1_score(gold, predicted, labels=sorted(set(gold)), average="macro", zero_division=0))


def evaluate(messages: Sequence[LabelledMessage], predict: Callable[[str], str | None]) -> EvaluationReport:
    """Score `predict` (text -> intent, possibly `faq/<topic>`) against the labels."""
    predictions = [predict(message.text) or "none" for message in messages]
    gold_intents = [base_intent(m.intent) for m in messages]
    predicted_intents = [base_intent(p) for p in predictions]
    gold_categories = [category_for_intent(m.intent).value for m in messages]
    predicted_categories = [category_for_intent(p).value for p in predictions]
    faq_pairs = [
        (m.intent, p) for m, p in zip(messages, predictions, strict=False) if m.intent.startswith("faq/")
    ]
    errors = [
        {"text": m.text, "expected": m.intent, "predicted": p}
        for m, p, gc, pc in zip(messages, predictions, gold_categories, predicted_categories, strict=False)
        if gc != pc
    ]
    confusion: dict[str, dict[str, int]] = {}
    for gold, predicted in zip(gold_intents, predicted_intents, strict=True):
        row = confusion.setdefault(gold, {})
        row[predicted] = row.get(predicted, 0) + 1
    return EvaluationReport(
        confusion=confusion,
        per_intent=_scores(gold_intents, predicted_intents),
        per_category=_scores(gold_categories, predicted_categories),
        intent_macro_f1=_macro_f1(gold_intents, predicted_intents),
        category_macro_f1=_macro_f1(gold_categories, predicted_categories),
        faq_topic_accuracy=(
            sum(gold == predicted for gold, predicted in faq_pairs) / len(faq_pairs) if faq_pairs else None
        ),
        errors=errors,
    )


def format_table(title: str, scores: dict[str, dict[str, float]]) -> str:
    """A plain-text table of precision, recall, F1 and support per label."""
    lines = [f"{title:<22} {'precision':>9} {'recall':>7} {'f1':>6} {'n':>4}"]
    for label, s in scores.items():
        lines.append(
            f"{label:<22} {s['precision']:>9.3f} {s['recall']:>7.3f} {s['f1']:>6.3f} {s['support']:>4}"
        )
    return "\n".join(lines)


def format_report(report: EvaluationReport, *, max_errors: int = 50) -> str:
    """The whole report as text: both tables, the macro figures and misclassified messages."""
    parts = [
        format_table("intent", report.per_intent),
        "",
        format_table("category", report.per_category),
        "",
        f"intent macro-F1:   {report.intent_macro_f1:.3f}",
        f"category macro-F1: {report.category_macro_f1:.3f}",
    ]
    if report.faq_topic_accuracy is not None:
        parts.append(f"FAQ topic accuracy: {report.faq_topic_accuracy:.3f}")
    if report.errors:
        parts += ["", f"misclassified ({len(report.errors)}):"]
        parts += [
            f"  [{e['expected']} -> {e['predicted']}] {e['text'][:120]}" for e in report.errors[:max_errors]
        ]
    return "\n".join(parts)
