"""Compare a new model with the served one on the held-out sets, and decide whether it may be served.

A new model is refused when, on any held-out set, its category macro-F1 is lower than the
served model's by more than the margin (`PROMOTION_MAX_F1_DROP`, default 0.02). The comparison
also shows the intent macro-F1, the F1 of every intent before and after, and the confusions
that grew, for the operator to read.

Why categories and not intents: the category is what the assistant acts on, and each category
has dozens of held-out messages, so one message moves its macro-F1 by about 0.005 and the
default margin allows the noise of three or four messages. Several intents have one to five
held-out messages (`deny`, `bot_challenge`): one message flipping moves the intent macro-F1 by
0.06, so a gate on it refuses good models by chance (measured: a model with one added example,
better on the categories of both sets, lost 0.061 intent macro-F1 on one `deny` message).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.nlu.evaluation import EvaluationReport

MACRO_FIGURES = ("intent_macro_f1", "category_macro_f1")
GATED_FIGURES = ("category_macro_f1",)


@dataclass(frozen=True)
class Confusion:
    """Held-out messages of one intent classified as another: how many before and after."""

    expected: str
    predicted: str
    before: int
    after: int


@dataclass(frozen=True)
class SetComparison:
    """The served model (`before`) and the new one (`after`) on one held-out set."""

    name: str
    before: EvaluationReport
    after: EvaluationReport

    def macro_change(self, figure: str) -> float:
        return getattr(self.after, figure) - getattr(self.before, figure)

    def intent_f1(self) -> list[tuple[str, float | None, float | None]]:
        """Every intent's F1 before and after (None where the set has no such messages)."""
        intents = sorted(set(self.before.per_intent) | set(self.after.per_intent))
        return [(intent, _f1(self.before, intent), _f1(self.after, intent)) for intent in intents]

    def grown_confusions(self) -> list[Confusion]:
        """Confusions between two different intents that the new model makes more often."""
        grown = []
        for expected, row in self.after.confusion.items():
            for predicted, after in row.items():
                before = self.before.confusion.get(expected, {}).get(predicted, 0)
                if predicted != expected and after > before:
                    grown.append(Confusion(expected, predicted, before, after))
        return sorted(grown, key=lambda c: (c.before - c.after, c.expected, c.predicted))


def _f1(report: EvaluationReport, intent: str) -> float | None:
    scores = report.per_intent.get(intent)
    return scores["f1"] if scores else None


@dataclass(frozen=True)
class Verdict:
    """Whether the new model may be served, and every drop beyond the margin."""

    promote: bool
    drops: list[str]
    max_drop: float

    def summary(self) -> str:
        if self.promote:
            return f"no category macro-F1 dropped by more than {self.max_drop:.3f}"
        return f"category macro-F1 dropped by more than {self.max_drop:.3f}: " + "; ".join(self.drops)


def compare(before: dict[str, EvaluationReport], after: dict[str, EvaluationReport]) -> list[SetComparison]:
    """Pair the evaluations of both models on the held-out sets they share."""
    return [SetComparison(name, before[name], after[name]) for name in after if name in before]


def judge(comparisons: list[SetComparison], max_drop: float) -> Verdict:
    """Refuse the new model if its category macro-F1 on any set dropped by more than `max_drop`."""
    drops = [
        f"{comparison.name} {figure.removesuffix('_f1').replace('_', ' ')}-F1 "
        f"{getattr(comparison.before, figure):.3f} -> {getattr(comparison.after, figure):.3f}"
        for comparison in comparisons
        for figure in GATED_FIGURES
        if comparison.macro_change(figure) < -max_drop
    ]
    return Verdict(promote=not drops, drops=drops, max_drop=max_drop)


def _figure(value: float | None) -> str:
    return "    -" if value is None else f"{value:.3f}"


def format_comparison(comparison: SetComparison) -> str:
    """The comparison on one set as text: macro figures, per-intent F1, grown confusions."""
    lines = [f"{comparison.name}: served model -> new model"]
    for figure in MACRO_FIGURES:
        before, after = getattr(comparison.before, figure), getattr(comparison.after, figure)
        lines.append(f"  {figure:<20} {before:.3f} -> {after:.3f} ({after - before:+.3f})")
    lines.append(f"  {'intent':<28} {'served':>6} {'new':>6} {'change':>7}")
    for intent, before, after in comparison.intent_f1():
        change = "" if before is None or after is None else f"{after - before:+.3f}"
        marker = "  <" if before is not None and after is not None and after < before else ""
        lines.append(f"  {intent:<28} {_figure(before):>6} {_figure(after):>6} {change:>7}{marker}")
    grown = comparison.grown_confusions()
    if grown:
        lines.append("  confusions that grew (expected -> predicted: served, new):")
        lines += [f"    {c.expected} -> {c.predicted}: {c.before} -> {c.after}" for c in grown]
    else:
        lines.append("  no confusion between intents grew")
    return "\n".join(lines)
