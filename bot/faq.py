"""The FAQ answers (`data/faq_answers.yml`): operator data the action server reads live.

Rasa's ResponseSelector only picks the topic (`faq/pets`); the answer text lives here, so
an operator can change it without retraining. A new topic still needs NLU examples
(`- intent: faq/<topic>` in `data/nlu/`) and a retrain; `nlu_problems` checks both ways.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Extra, Field, validator

from bot.datafiles import DataFileError, parse_model, problem_at, read_yaml

PROJECT_DIR = Path(__file__).resolve().parents[1]
DEFAULT_FAQ_ANSWERS = PROJECT_DIR / "data" / "faq_answers.yml"
RETRIEVAL_INTENT = "faq"
TOPIC = re.compile(r"^[a-z][a-z0-9_]*$")
# WhatsApp (Twilio) takes at most 1,600 characters per message; stay well under it.
MAX_ANSWER_CHARS = 1500
# Rasa's ResponseSelector warns at every FAQ prediction that the topic has no response in
# the domain. Here that is by design: the answers are operator data, not domain responses.
MISSING_RESPONSE_WARNING = r"Unable to fetch responses for faq/"
# `- intent: faq/pets` in an NLU file (a retrieval intent and its topic), quoted or not.
NLU_RETRIEVAL_INTENT = re.compile(
    r"^\s*-\s*intent:\s*[\"']?(?P<intent>[\w-]+)/(?P<topic>[^\s\"'#]+)[\"']?\s*(#.*)?$"
)


class FaqAnswer(BaseModel):
    """One topic: a short Dutch label for the console, the Dutch answer the tenant reads."""

    label: str = Field(min_length=2, max_length=40)
    text: str = Field(max_length=MAX_ANSWER_CHARS)

    class Config:
        extra = Extra.forbid

    @validator("label", "text")
    def _not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be empty")
        return value


class FaqAnswers(BaseModel):
    """The whole file: the answers by topic (`pets` for the retrieval intent `faq/pets`)."""

    answers: dict[str, FaqAnswer]

    class Config:
        extra = Extra.forbid

    @validator("answers")
    def _at_least_one(cls, answers: dict[str, FaqAnswer]) -> dict[str, FaqAnswer]:
        if not answers:
            raise ValueError("at least one answer is needed")
        return answers

    def answer(self, topic: str) -> str | None:
        """The answer text of a topic (`pets`), or None when there is none."""
        found = self.answers.get(topic)
        return found.text if found else None

    def label(self, topic: str) -> str | None:
        """The console's label of a topic, or None when there is none."""
        found = self.answers.get(topic)
        return found.label if found else None


def _topic_key_problems(document: Any, path: Path) -> list[str]:
    """Topic keys that are not snake_case, at the key's own line (pydantic would name no key)."""
    answers = document.get("answers") if isinstance(document, Mapping) else None
    if not isinstance(answers, Mapping):
        return []
    return [
        problem_at(path, document, ["answers", key], "a topic is snake_case, like `rent_increase`")
        for key in answers
        if not (isinstance(key, str) and TOPIC.fullmatch(key))
    ]


def _load(path: Path) -> tuple[Any, FaqAnswers]:
    document = read_yaml(path)
    problems = _topic_key_problems(document, path)
    try:
        answers = parse_model(FaqAnswers, document, path)
    except DataFileError as error:
        raise DataFileError([*problems, *error.problems]) from error
    if problems:
        raise DataFileError(problems)
    return document, answers


def load_faq_answers(path: Path = DEFAULT_FAQ_ANSWERS) -> FaqAnswers:
    """Load and check the FAQ answers.

    Raises:
        DataFileError: naming file and line of every problem.
    """
    return _load(path)[1]


def nlu_retrieval_intents(nlu_dir: Path) -> Iterator[tuple[str, str, Path, int]]:
    """Each `- intent: <intent>/<topic>` line of the NLU data: intent, topic, file and line."""
    for path in sorted(nlu_dir.rglob("*.yml")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = NLU_RETRIEVAL_INTENT.match(line)
            if match:
                yield match["intent"], match["topic"], path, number


def nlu_topics(nlu_dir: Path) -> dict[str, tuple[Path, int]]:
    """Each FAQ topic in the NLU data (`- intent: faq/<topic>`) with the file and line it first appears at."""
    topics: dict[str, tuple[Path, int]] = {}
    for intent, topic, path, number in nlu_retrieval_intents(nlu_dir):
        if intent == RETRIEVAL_INTENT:
            topics.setdefault(topic, (path, number))
    return topics


def nlu_problems(path: Path, nlu_dir: Path) -> list[str]:
    """Topics with NLU examples but no answer, and answers without NLU examples, as `file:line: ...`.

    Raises:
        DataFileError: when the answers file itself is invalid.
    """
    if not nlu_dir.is_dir():
        return [f"{nlu_dir}: the NLU data directory does not exist"]
    document, answers = _load(path)
    topics = nlu_topics(nlu_dir)
    problems = [
        f"{nlu_path}:{line}: {RETRIEVAL_INTENT}/{topic}: no answer for this topic in {path}"
        for topic, (nlu_path, line) in topics.items()
        if topic not in answers.answers
    ]
    problems += [
        problem_at(
            path,
            document,
            ["answers", topic],
            f"no NLU examples (`- intent: {RETRIEVAL_INTENT}/{topic}`) in {nlu_dir}, so it is never chosen",
        )
        for topic in answers.answers
        if topic not in topics
    ]
    return problems


def selected_topic(message: Mapping[str, Any]) -> str | None:
    """The topic the ResponseSelector chose for a parsed message (`pets` for `faq/pets`), if any."""
    selector = (message.get("response_selector") or {}).get(RETRIEVAL_INTENT) or {}
    key = (selector.get("response") or {}).get("intent_response_key") or ""
    intent, _, topic = key.partition("/")
    return topic if intent == RETRIEVAL_INTENT and topic else None


def ignore_missing_response_warning() -> None:
    """Silence exactly Rasa's warning that a FAQ topic has no response in the domain.

    Call it before Rasa loads or serves a model.
    """
    from rasa.utils.common import EXPECTED_WARNINGS

    warnings.filterwarnings("ignore", message=MISSING_RESPONSE_WARNING, category=UserWarning)
    # Rasa's CLI, when it starts, puts a "once" filter for every UserWarning in front of
    # the one above, and after it ignores only its own list of expected warnings (unless
    # the log level is DEBUG): so ours goes on that list too.
    expected = (UserWarning, MISSING_RESPONSE_WARNING)
    if expected not in EXPECTED_WARNINGS:
        EXPECTED_WARNINGS.append(expected)
