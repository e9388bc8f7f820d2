"""Triage: recognise the problem, read answers from the tenant's words, decide urgency and trade.

Everything here is pure: the scripts come in as data, the moment of the message as a
`Context`, and the state of a conversation's triage as a `TriageState` the caller keeps.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from bot.triage.schema import (
    UNKNOWN,
    AnswerType,
    NumberCondition,
    Outcome,
    Problem,
    Question,
    TriageUrgency,
)

# Generic yes and no, on top of each question's own words; matched on whole words.
YES_WORDS = (
    r"ja+",
    r"jawel",
    r"jazeker",
    r"zeker",
    r"klopt",
    r"inderdaad",
    r"yes",
    r"yep",
    r"jep",
    r"ok[eé]?",
    r"oke",
    r"prima",
    r"correct",
    r"goed",
    r"👍",
)
NO_WORDS = (r"nee+", r"neen", r"nope", r"no", r"niet", r"geen", r"nooit", r"nein", r"👎")
UNKNOWN_WORDS = (
    r"weet (ik )?(het )?niet",
    r"geen idee",
    r"geen flauw idee",
    r"weet ik veel",
    r"onbekend",
    r"kan ik niet zien",
    r"kan ik niet zeggen",
    r"dunno",
    r"idk",
    r"geen idee eigenlijk",
    r"\?+",
)
NEGATIONS = frozenset({
    "niet", "nie", "niets", "niks", "geen", "nergens", "niemand", "nooit", "zonder",
    "no", "not", "nothing", "nobody", "never", "nowhere", "none",
})  # fmt: skip
NEGATION_WINDOW = 4
# Words that start a new clause: a negation before them is about something else
# ("de verlichting doet het niet, het is pikdonker").
CLAUSE_SPLIT = re.compile(r"[,.;:!?]+(?=\s|$)|[!?;:]+")
CLAUSE_STARTS = frozenset({"en", "maar", "want", "omdat", "dus", "het", "and", "but", "because", "so", "it"})
# Urgencies from least to most severe, to compare outcomes of different problems.
SEVERITY = {
    TriageUrgency.SELF_HELP: 0,
    TriageUrgency.NORMAL: 1,
    TriageUrgency.URGENT: 2,
    TriageUrgency.EMERGENCY: 3,
}
# How many first words of a reply a generic yes or no is looked for in.
GENERIC_ANSWER_WORDS = 3
# A reply that answers nothing is asked once more, then counts as `unknown`.
MAX_REPLY_RETRIES = 1


SENTENCE_PUNCTUATION = re.compile(r"[!?;:()\[\]\"“”„*…]+")
# A comma or full stop followed by a space (or at the end) separates words; inside "0,5" it does not.
WORD_SEPARATOR = re.compile(r"[,.]+(?=\s|$)")


@dataclass(frozen=True)
class Context:
    """Facts about the moment of the message that outcomes may use."""

    office_hours: bool
    heating_season: bool
    night: bool

    def as_answers(self) -> dict[str, bool]:
        return {"office_hours": self.office_hours, "heating_season": self.heating_season, "night": self.night}


def context_at(moment: datetime, *, office_hours: bool) -> Context:
    """The context of a local moment: the heating season is October to April, night 22:00-07:00."""
    return Context(
        office_hours=office_hours,
        heating_season=moment.month >= 10 or moment.month <= 4,
        night=moment.hour >= 22 or moment.hour < 7,
    )


@dataclass(frozen=True)
class Decision:
    """Where triage stands: decided (an outcome) or the questions still open."""

    problem: Problem
    open_questions: tuple[str, ...]
    outcome: Outcome | None = None

    @property
    def decided(self) -> bool:
        return self.outcome is not None

    @property
    def urgency(self) -> TriageUrgency | None:
        return self.outcome.urgency if self.outcome else None

    @property
    def next_question(self) -> Question | None:
        if not self.open_questions:
            return None
        return next(q for q in self.problem.questions if q.id == self.open_questions[0])


@dataclass(frozen=True)
class TriageState:
    """A conversation's triage so far: the problem, answers given and the question last asked."""

    problem_id: str
    answers: dict[str, object] = field(default_factory=dict)
    asked: str | None = None
    retries: int = 0

    def to_slot(self) -> dict:
        return {
            "problem": self.problem_id,
            "answers": dict(self.answers),
            "asked": self.asked,
            "retries": self.retries,
        }

    @classmethod
    def from_slot(cls, value: Mapping | None) -> TriageState | None:
        if not value or not value.get("problem"):
            return None
        return cls(
            problem_id=value["problem"],
            answers=dict(value.get("answers") or {}),
            asked=value.get("asked"),
            retries=int(value.get("retries") or 0),
        )


def normalise_text(text: str) -> str:
    r"""Lower case, accents off, punctuation between words off, whitespace collapsed.

    This is what the word patterns are matched on. Commas and full stops inside numbers
    and abbreviations stay ("0,5 bar", "c.v."); between words they go, so a pattern like
    "binnen (\w+ )via" also matches "binnen! Via".
    """
    decomposed = unicodedata.normalize("NFKD", text.lower())
    without_accents = "".join(char for char in decomposed if not unicodedata.combining(char))
    spaced = SENTENCE_PUNCTUATION.sub(" ", without_accents)
    return " ".join(WORD_SEPARATOR.sub(" ", spaced).split())


def _matches(pattern: str, text: str) -> re.Match | None:
    """A pattern matched at word boundaries (so `lek` does not match `elektra`)."""
    return re.search(rf"(?<![\w]){pattern}(?![\w])", text)


def clause_starts(text: str) -> tuple[int, ...]:
    """Where, in `normalise_text(text)`, each clause of the original text begins.

    Normalising drops commas and full stops, but a negation in one clause says nothing
    about the next ("knop doet niks, enige wc").
    """
    starts: list[int] = []
    offset = 0
    for clause in CLAUSE_SPLIT.split(text):
        normalised = normalise_text(clause)
        if normalised:
            starts.append(offset)
            offset += len(normalised) + 1
    return tuple(starts)


def _spans(patterns: list[str], text: str) -> list[tuple[int, int]]:
    """Where the patterns match in the text."""
    return [m.span() for pattern in patterns for m in re.finditer(rf"(?<![\w]){pattern}(?![\w])", text)]


def _affirmed(
    pattern: str, text: str, clauses: tuple[int, ...] = (), covered: list[tuple[int, int]] = ()
) -> bool | None:
    r"""True if the pattern matches without a negation, False if only negated, None if not at all.

    A match is negated by "niet", "geen", "niets", "nergens", ... in the four words before
    it (in the same clause), or inside it when the pattern itself does not say that word
    ("komt nergens omhoog" for the pattern "komt (\w+ ){0,3}omhoog"). A yes-word inside
    a span in `covered` (a no-word's match) does not count.
    """
    own_words = set(re.findall(r"[a-z]+", pattern))
    # A pattern that says a negation itself ("nergens", "geen verwarming") is not undone by another.
    check_before = not own_words & NEGATIONS
    negated = False
    for match in re.finditer(rf"(?<![\w]){pattern}(?![\w])", text):
        if any(start <= match.start() and match.end() <= end for start, end in covered):
            continue
        inside = match.group(0).split()
        clause_start = max((start for start in clauses if start <= match.start()), default=0)
        if (check_before and _negation_before(text[clause_start : match.start()])) or any(
            word in NEGATIONS and word not in own_words for word in inside
        ):
            negated = True
        else:
            return True
    return False if negated else None


def _negation_before(text: str) -> bool:
    """Whether a negation ends the text, within a few words and within the same clause."""
    for word in reversed(text.split()[-NEGATION_WINDOW:]):
        if word in NEGATIONS:
            return True
        if word in CLAUSE_STARTS:
            return False
    return False


def _any(patterns: tuple[str, ...] | list[str], text: str) -> bool:
    return any(_matches(pattern, text) for pattern in patterns)


def recognise(
    problems: list[Problem],
    text: str,
    *,
    category: str | None = None,
    entities: Mapping[str, list[str]] | None = None,
) -> Problem | None:
    """The problem a message is about: highest priority among those recognised, then most evidence.

    Without any recognised problem, a category's fallback script (if any) is used.
    """
    ranked = _ranked(problems, normalise_text(text), entities or {})
    if ranked:
        return ranked[0]
    if category:
        return next((p for p in problems if p.fallback and p.category == category), None)
    return None


def _ranked(problems: list[Problem], normalised: str, entities: Mapping[str, list[str]]) -> list[Problem]:
    """The recognised problems, by priority and then by evidence, best first."""
    scored = [(problem.priority, _evidence(problem, normalised, entities), problem) for problem in problems]
    return [problem for _, evidence, problem in sorted(scored, key=lambda s: s[:2], reverse=True) if evidence]


def _evidence(problem: Problem, normalised: str, entities: Mapping[str, list[str]]) -> int:
    """How many of a problem's recognition signals a message shows; 0 when a `not_words` matches."""
    if _any(problem.recognise.not_words, normalised):
        return 0
    count = sum(1 for pattern in problem.recognise.words if _matches(pattern, normalised))
    for name, values in problem.recognise.entities.items():
        count += sum(1 for value in entities.get(name, []) if value in values)
    return count


def answers_in_text(problem: Problem, text: str, *, skip: Mapping[str, object] = ()) -> dict[str, object]:
    """The answers a tenant already gave in their own words, for questions not answered yet.

    Only a question's own words count here: a bare "ja" in a description answers nothing.
    """
    normalised = normalise_text(text)
    clauses = clause_starts(text)
    found: dict[str, object] = {}
    for question in problem.questions:
        if question.id in skip:
            continue
        answer = _specific_answer(question, normalised, clauses)
        if answer is not None:
            found[question.id] = answer
    return found


def _specific_answer(question: Question, normalised: str, clauses: tuple[int, ...] = ()) -> object | None:
    """An answer recognised by the question's own words or patterns, else None."""
    if question.type is AnswerType.YES_NO:
        # A negated no-word ("er is niemand gewond") says nothing either way.
        said_no = any(_affirmed(pattern, normalised, clauses) for pattern in question.no_words)
        # "geen kinderen, ouderen of zieken": a yes-word inside a no-word's match is part of the no.
        covered = _spans(question.no_words, normalised)
        readings = [_affirmed(pattern, normalised, clauses, covered) for pattern in question.yes_words]
        said_yes = True in readings
        if said_yes and said_no:
            return None  # words for both: ask rather than guess
        if said_yes:
            return True
        # "er komt niets door het plafond": a yes-word under a negation is a no.
        return False if said_no or False in readings else None
    if question.type is AnswerType.CHOICE:
        # The choice with the most evidence: "alle radiatoren in het hele huis" names one
        # radiator in passing, but the whole home twice. Negated words do not count.
        scores = [
            sum(1 for word in choice.words if _affirmed(word, normalised, clauses))
            for choice in question.choices
        ]
        best = max(scores, default=0)
        return question.choices[scores.index(best)].value if best else None
    for pattern in question.patterns:
        match = _matches(pattern, normalised)
        if match:
            value = match.group(1) if match.groups() else match.group(0)
            return _number(value) if question.type is AnswerType.NUMBER else value
    return None


def _number(raw: str | None) -> float | None:
    if raw is None:
        return None
    try:
        return float(raw.replace(",", "."))
    except ValueError:
        return None


def read_reply(question: Question, text: str) -> object | None:
    """The answer to the question just asked, from the tenant's reply; None if it is not one.

    Accepts the question's own words, a generic yes/no, a button's number or title,
    a plain number, and "weet ik niet" (stored as `unknown`).
    """
    normalised = normalise_text(text).strip(" .!")
    if _any(UNKNOWN_WORDS, normalised) or (not normalised and "?" in text):
        return UNKNOWN
    specific = _specific_answer(question, normalised, clause_starts(text))
    if specific is not None:
        return specific
    if question.type is AnswerType.YES_NO:
        # A generic yes or no counts at the start of a reply ("nee hoor, ..."), not deep
        # inside a story, where "goed" or "niet" are about something else.
        opening = " ".join(normalised.replace(",", " ").split()[:GENERIC_ANSWER_WORDS])
        if _any(NO_WORDS, opening):
            return False
        if _any(YES_WORDS, opening):
            return True
        return None
    if question.type is AnswerType.CHOICE:
        return _choice_from_reply(question, normalised)
    if question.type is AnswerType.NUMBER:
        match = re.search(r"-?\d+(?:[.,]\d+)?", normalised)
        return _number(match.group(0)) if match else None
    if _any(NO_WORDS, normalised):
        return UNKNOWN
    return text.strip()[:200] or None


def _choice_from_reply(question: Question, normalised: str) -> str | None:
    """A choice by its number in the list ("2") or its title."""
    if normalised.isdigit() and 1 <= int(normalised) <= len(question.choices):
        return question.choices[int(normalised) - 1].value
    for choice in question.choices:
        if normalise_text(choice.title) in normalised or choice.value.replace("_", " ") in normalised:
            return choice.value
    return None


def decide(problem: Problem, answers: Mapping[str, object], context: Context) -> Decision:
    """The first outcome whose conditions hold, as soon as the outcomes before it are ruled out.

    While an earlier outcome still depends on an unanswered question, that question is asked
    next: scripts list their outcomes from most to least severe, so severity is settled first.
    """
    known = {**context.as_answers(), **answers}
    waiting: list[Outcome] = []
    for outcome in problem.outcomes:
        holds = _holds(outcome, known)
        if holds is True and all(_same_action(earlier, outcome) for earlier in waiting):
            return Decision(problem=problem, open_questions=(), outcome=outcome)
        if holds is not False:
            waiting.append(outcome)
    return Decision(problem=problem, open_questions=_open_questions(problem, waiting[0], known))


def _same_action(first: Outcome, second: Outcome) -> bool:
    """Whether two outcomes send the same trade as fast: then telling them apart can wait."""
    return (first.urgency, first.trade, first.handoff) == (second.urgency, second.trade, second.handoff)


def _holds(outcome: Outcome, known: Mapping[str, object]) -> bool | None:
    """True when every condition holds, False when one fails, None when one is still unanswered."""
    undetermined = False
    for key, expected in outcome.when.items():
        if key not in known:
            undetermined = True
            continue
        if not _condition_holds(expected, known[key]):
            return False
    return None if undetermined else True


def _condition_holds(expected: object, answer: object) -> bool:
    if isinstance(expected, NumberCondition):
        if not isinstance(answer, int | float) or isinstance(answer, bool):
            return False
        return (expected.below is None or answer < expected.below) and (
            expected.at_least is None or answer >= expected.at_least
        )
    if expected == "given":
        return answer not in (None, UNKNOWN)
    options = expected if isinstance(expected, list) else [expected]
    return any(option == answer and type(option) is type(answer) for option in options)


def _open_questions(problem: Problem, outcome: Outcome, known: Mapping[str, object]) -> tuple[str, ...]:
    """The questions this outcome still waits for, in the script's order."""
    waiting = {key for key in outcome.when if key not in known}
    return tuple(q.id for q in problem.questions if q.id in waiting)


def start(
    problems: list[Problem],
    text: str,
    context: Context,
    *,
    category: str | None = None,
    entities: Mapping[str, list[str]] | None = None,
) -> tuple[TriageState, Decision] | None:
    """Begin triage on a first message: recognise the problem and take what it already answers."""
    problem = recognise(problems, text, category=category, entities=entities)
    if problem is None:
        return None
    answers = answers_in_text(problem, text)
    decision = decide(problem, answers, context)
    more_urgent = _more_urgent_problem(problems, text, entities or {}, context, decision)
    if more_urgent is not None:
        problem, decision = more_urgent.problem, more_urgent
        answers = answers_in_text(problem, text)
    state = TriageState(problem_id=problem.id, answers=answers)
    return replace(state, asked=decision.open_questions[0] if decision.open_questions else None), decision


def _more_urgent_problem(
    problems: list[Problem], text: str, entities: Mapping[str, list[str]], context: Context, chosen: Decision
) -> Decision | None:
    """Another problem in the same message that the message itself already decides as more urgent.

    "De kraan druppelt en er zit een wespennest bij de voordeur": the tap wins on
    priority but can at most be planned; the wasps' nest is urgent, so it goes first.
    Only a problem that is planned anyway (normal, self-help) gives way: between urgent
    problems the scripts' priorities decide.
    """
    ceiling = _potential(chosen, context)
    if ceiling > SEVERITY[TriageUrgency.NORMAL]:
        return None
    best: Decision | None = None
    for other in _ranked(problems, normalise_text(text), entities)[1:]:
        decision = decide(other, answers_in_text(other, text), context)
        if decision.decided and SEVERITY[decision.urgency] > ceiling:
            if best is None or SEVERITY[decision.urgency] > SEVERITY[best.urgency]:
                best = decision
    return best


def _potential(decision: Decision, context: Context) -> int:
    """The most severe urgency a problem can still end in, given what is known."""
    if decision.decided:
        return SEVERITY[decision.urgency]
    return SEVERITY[TriageUrgency.EMERGENCY]


def answer(problem: Problem, state: TriageState, text: str, context: Context) -> tuple[TriageState, Decision]:
    """Take the tenant's reply to the question asked (and anything else it answers); decide again.

    A reply that answers nothing is asked once more; the second time it counts as `unknown`,
    so the conversation never loops on one question.
    """
    answers = dict(state.answers)
    answers.update(answers_in_text(problem, text, skip=answers))
    retries = 0
    if state.asked and state.asked not in answers:
        question = next(q for q in problem.questions if q.id == state.asked)
        reply = read_reply(question, text)
        if reply is None and state.retries < MAX_REPLY_RETRIES:
            retries = state.retries + 1
        else:
            answers[state.asked] = reply if reply is not None else UNKNOWN
    decision = decide(problem, answers, context)
    asked = decision.open_questions[0] if decision.open_questions else None
    return TriageState(problem_id=problem.id, answers=answers, asked=asked, retries=retries), decision


_PLAIN_YES_NO = Question(id="yes_no", text="Ja of nee?", type=AnswerType.YES_NO)


def read_yes_no(text: str) -> object | None:
    """A plain yes (True), no (False) or doubt (`unknown`) reply, else None."""
    return read_reply(_PLAIN_YES_NO, text)
