"""Triage as the dialogue and the command line use it: data files in, a plain report out."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.datafiles import DataFileError
from bot.faq import FaqAnswers, load_faq_answers
from bot.handoff.canned import CannedAnswers, load_canned_answers
from bot.office_hours import OfficeHours, load_office_hours
from bot.routing import Routing, load_routing
from bot.selfhelp import Catalogue, load_catalogue
from bot.triage import engine
from bot.triage.engine import Context, Decision, TriageState
from bot.triage.schema import Problem
from bot.triage.scripts import Scripts, load_scripts

logger = logging.getLogger(__name__)
PROJECT_DIR = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_DIR / "data"
# Categories whose messages are triaged by every script (None: no model, as in tests);
# messages of other categories only by their own category's scripts and the safety scripts.
REPAIR_LIKE = frozenset({"repair", None})
# A reply to a triage question with one of these intents, which reads as no answer, is a
# change of topic: the tenant asks something else or reports nuisance or arrears instead.
TOPIC_CHANGE_INTENTS = frozenset({"report_nuisance", "payment_arrears", "ticket_status", "faq"})
# How sure NLU must be before a reply is taken as a new topic rather than a poor answer.
TOPIC_CHANGE_MIN_CONFIDENCE = 0.8


@dataclass(frozen=True)
class Knowledge:
    """Every operator data file the running stack reads, loaded and cross-checked."""

    scripts: Scripts
    catalogue: Catalogue
    office_hours: OfficeHours
    routing: Routing
    canned: CannedAnswers
    faq: FaqAnswers

    def context(self, moment: datetime) -> Context:
        """The facts about a moment that scripts can use."""
        local = self.office_hours.local(moment)
        return engine.context_at(local, office_hours=self.office_hours.is_open(local))


def load_knowledge(data_dir: Path = DATA_DIR) -> Knowledge:
    """Load every operator data file (triage scripts to FAQ answers); every problem is reported.

    Raises:
        DataFileError: naming file and line of each problem in any of the files.
    """
    problems: list[str] = []
    catalogue = office_hours = scripts = routing = canned = faq = None
    try:
        catalogue = load_catalogue(data_dir / "selfhelp.yml")
    except DataFileError as error:
        problems.extend(error.problems)
    try:
        office_hours = load_office_hours(data_dir / "office_hours.yml")
    except DataFileError as error:
        problems.extend(error.problems)
    try:
        routing = load_routing(data_dir / "routing.yml")
    except DataFileError as error:
        problems.extend(error.problems)
    try:
        canned = load_canned_answers(data_dir / "canned_answers.yml")
    except DataFileError as error:
        problems.extend(error.problems)
    try:
        faq = load_faq_answers(data_dir / "faq_answers.yml")
    except DataFileError as error:
        problems.extend(error.problems)
    try:
        item_ids = [item.id for item in catalogue.items] if catalogue else None
        scripts = load_scripts(data_dir / "triage", self_help_ids=item_ids)
    except DataFileError as error:
        problems.extend(error.problems)
    if problems:
        raise DataFileError(problems)
    return Knowledge(
        scripts=scripts,
        catalogue=catalogue,
        office_hours=office_hours,
        routing=routing,
        canned=canned,
        faq=faq,
    )


def candidate_problems(knowledge: Knowledge, category: str | None) -> list[Problem]:
    """The scripts a message of this category may match: safety scripts always do."""
    problems = list(knowledge.scripts.problems)
    if category in REPAIR_LIKE:
        return problems
    return [p for p in problems if p.safety_advice or p.category == category]


def start_triage(
    knowledge: Knowledge,
    text: str,
    *,
    at: datetime,
    category: str | None,
    entities: Mapping[str, list[str]] | None = None,
) -> tuple[TriageState, Decision] | None:
    """Begin triage for a message, or None when no script applies."""
    fallback_category = category if category in {"repair", "nuisance", "payment_arrears"} else None
    return engine.start(
        candidate_problems(knowledge, category),
        text,
        knowledge.context(at),
        category=fallback_category,
        entities=entities,
    )


def continue_triage(
    knowledge: Knowledge, state: TriageState, text: str, *, at: datetime
) -> tuple[TriageState, Decision]:
    """Take the tenant's reply to the question asked."""
    problem = knowledge.scripts.get(state.problem_id)
    return engine.answer(problem, state, text, knowledge.context(at))


def reads_as_answer(knowledge: Knowledge, state: TriageState, text: str) -> bool:
    """Whether the reply answers the question asked, or any other question of the script."""
    problem = knowledge.scripts.get(state.problem_id)
    question = next((q for q in problem.questions if q.id == state.asked), None)
    if question is not None and engine.read_reply(question, text) is not None:
        return True
    return bool(engine.answers_in_text(problem, text, skip=state.answers))


def is_topic_change(
    knowledge: Knowledge, state: TriageState, text: str, *, intent: str | None, confidence: float
) -> bool:
    """Whether a reply to a triage question is about something else (a question, nuisance, arrears).

    Only when NLU is sure of another topic and the reply answers nothing: "ja, bij de
    buren ook" stays an answer, whatever NLU makes of it.
    """
    if intent not in TOPIC_CHANGE_INTENTS or confidence < TOPIC_CHANGE_MIN_CONFIDENCE:
        return False
    return not reads_as_answer(knowledge, state, text)


def report(category: str | None, decision: Decision | None) -> dict:
    """The JSON-able triage report of `python -m bot triage`."""
    if decision is None:
        return {
            "category": category,
            "problem": None,
            "urgency": None,
            "trade": None,
            "questions": [],
            "safety_advice": None,
            "self_help": None,
        }
    outcome = decision.outcome
    return {
        "category": decision.problem.category,
        "problem": decision.problem.id,
        "urgency": outcome.urgency.value if outcome else None,
        "trade": outcome.trade.value if outcome and outcome.trade else None,
        "questions": list(decision.open_questions),
        "safety_advice": decision.problem.safety_advice,
        "self_help": outcome.self_help if outcome else None,
        "handoff": outcome.handoff if outcome else None,
        "advice": outcome.advice if outcome else None,
    }


class KnowledgeCache:
    """The operator data as last loaded; reloaded when a file changes, so edits apply live.

    A change that does not validate is logged and the last valid version stays in use.
    """

    def __init__(self, data_dir: Path = DATA_DIR) -> None:
        self.data_dir = data_dir
        self._stamp: tuple | None = None
        self._knowledge: Knowledge | None = None

    def _current_stamp(self) -> tuple:
        names = ("selfhelp.yml", "office_hours.yml", "routing.yml", "canned_answers.yml", "faq_answers.yml")
        paths = [self.data_dir / name for name in names]
        paths += sorted((self.data_dir / "triage").glob("*.yml"))
        return tuple((str(p), p.stat().st_mtime_ns) for p in paths if p.exists())

    def get(self) -> Knowledge:
        """The current knowledge; raises DataFileError only if no valid version was ever loaded."""
        stamp = self._current_stamp()
        if stamp != self._stamp or self._knowledge is None:
            try:
                self._knowledge = load_knowledge(self.data_dir)
            except DataFileError as error:
                if self._knowledge is None:
                    raise
                logger.error("operator data files are invalid, keeping the last valid version:\n%s", error)
            self._stamp = stamp
        return self._knowledge
