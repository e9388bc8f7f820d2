"""The schema of the triage scripts in `data/triage/*.yml` (see docs/triage.md)."""

from __future__ import annotations

import enum
import re
from typing import Literal, Union

from pydantic import BaseModel, Extra, Field, root_validator, validator

from bot.trades import Trade


class TriageUrgency(str, enum.Enum):
    """How fast something must happen; `self_help` means the tenant can solve it with instructions."""

    EMERGENCY = "emergency"
    URGENT = "urgent"
    NORMAL = "normal"
    SELF_HELP = "self_help"


class AnswerType(str, enum.Enum):
    """How a question's answer is given and read."""

    YES_NO = "yes_no"
    CHOICE = "choice"
    NUMBER = "number"
    TEXT = "text"


# Facts about the moment of the message that outcomes can use like answers.
CONTEXT_FACTS = frozenset({"heating_season", "office_hours", "night"})
# What a tenant's "weet ik niet" is stored as; conditions may list it.
UNKNOWN = "unknown"
CATEGORIES = ("repair", "nuisance", "payment_arrears", "general")
ENTITY_NAMES = ("problem", "object", "room")


class _Strict(BaseModel):
    class Config:
        extra = Extra.forbid


def _compile_all(patterns: list[str]) -> list[str]:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as error:
            raise ValueError(f"not a valid regular expression {pattern!r}: {error}") from error
    return patterns


class Choice(_Strict):
    """One button of a choice question."""

    value: str = Field(regex=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=1, max_length=20)
    words: list[str] = []

    _words_compile = validator("words", allow_reuse=True)(_compile_all)


class Question(_Strict):
    """A follow-up question and how to read its answer from the tenant's own words."""

    id: str = Field(regex=r"^[a-z][a-z0-9_]*$")
    text: str = Field(min_length=5, max_length=300)
    type: AnswerType
    # yes_no: words (regular expressions) that mean yes or no in this question's context.
    yes_words: list[str] = []
    no_words: list[str] = []
    # choice: the buttons.
    choices: list[Choice] = []
    # number and text: regular expressions whose first group (or whole match) is the answer.
    patterns: list[str] = []

    _compile = validator("yes_words", "no_words", "patterns", allow_reuse=True)(_compile_all)

    @root_validator(skip_on_failure=True)
    def _fields_fit_type(cls, values: dict) -> dict:
        kind = values["type"]
        if kind is AnswerType.CHOICE and len(values["choices"]) < 2:
            raise ValueError("a choice question needs at least two choices")
        if kind is not AnswerType.CHOICE and values["choices"]:
            raise ValueError("only a choice question has choices")
        if kind is not AnswerType.YES_NO and (values["yes_words"] or values["no_words"]):
            raise ValueError("only a yes_no question has yes_words and no_words")
        if kind in (AnswerType.YES_NO, AnswerType.CHOICE) and values["patterns"]:
            raise ValueError("patterns are for number and text questions")
        values_seen = [choice.value for choice in values["choices"]]
        if len(values_seen) != len(set(values_seen)):
            raise ValueError("choice values must be unique")
        return values


class NumberCondition(_Strict):
    """A condition on a number answer: below and/or at_least."""

    below: float | None = None
    at_least: float | None = None


# pydantic tries these in order: a yes/no, a choice value, a number condition, a list of them.
ConditionValue = Union[bool, str, float, NumberCondition, list[bool | str]]  # noqa: UP007


class Outcome(_Strict):
    """What the answers mean: the first outcome whose conditions all hold decides."""

    when: dict[str, ConditionValue] = {}
    urgency: TriageUrgency
    trade: Trade | None = None
    self_help: str | None = None
    # Extra Dutch advice sent with the outcome (e.g. "zet de hoofdkraan dicht").
    advice: str | None = Field(default=None, max_length=400)
    # Hand the conversation to a person, with this reason (e.g. `distress`, `threat`).
    handoff: str | None = Field(default=None, regex=r"^[a-z][a-z_]*$")
    # For the tenant's own account under Dutch rules (kleine herstellingen).
    tenant_responsibility: bool = False

    @root_validator(skip_on_failure=True)
    def _self_help_needs_item(cls, values: dict) -> dict:
        if values["urgency"] is TriageUrgency.SELF_HELP and not values["self_help"]:
            raise ValueError("a self_help outcome needs a self_help item")
        return values


class Recognition(_Strict):
    """How a problem is recognised: NLU entity values and words in the message."""

    entities: dict[Literal["problem", "object", "room"], list[str]] = {}
    words: list[str] = []
    # Words that rule the problem out, whatever else matched (e.g. "warm water" for heating).
    not_words: list[str] = []

    _words_compile = validator("words", "not_words", allow_reuse=True)(_compile_all)


class Problem(_Strict):
    """One problem type's script."""

    id: str = Field(regex=r"^[a-z][a-z0-9_]*$")
    # Short Dutch name used in summaries ("lekkage", "gaslucht").
    name: str = Field(min_length=2, max_length=60)
    category: Literal["repair", "nuisance", "payment_arrears", "general"] = "repair"
    # When several problems are recognised in one message, the highest priority wins.
    priority: int = Field(default=50, ge=0, le=100)
    # Used when the message is in this category but no other script recognised it.
    fallback: bool = False
    # Problems in a shared area of a complex (lift, stairwell lighting) can be duplicates.
    shared_area: bool = False
    recognise: Recognition = Recognition()
    # Dutch safety advice sent in the very first reply (fire, gas, carbon monoxide, acute danger).
    safety_advice: str | None = Field(default=None, max_length=500)
    questions: list[Question] = []
    outcomes: list[Outcome] = Field(min_items=1)

    @root_validator(skip_on_failure=True)
    def _consistent(cls, values: dict) -> dict:
        questions = {question.id: question for question in values["questions"]}
        if len(questions) != len(values["questions"]):
            raise ValueError("question ids must be unique within a problem")
        if values["safety_advice"] and len(questions) > 1:
            raise ValueError("a problem with safety advice may ask at most one question before acting")
        if values["outcomes"][-1].when:
            raise ValueError("the last outcome must have no conditions, so every path ends in a decision")
        for index, outcome in enumerate(values["outcomes"]):
            for key, expected in outcome.when.items():
                _check_condition(f"outcomes.{index}", key, expected, questions)
        if not values["fallback"] and not (values["recognise"].words or values["recognise"].entities):
            raise ValueError("a problem needs words or entities to be recognised (or fallback: true)")
        return values


def _check_condition(where: str, key: str, expected: object, questions: dict[str, Question]) -> None:
    """A condition must name a question (or context fact) and a value that question can have."""
    if key in CONTEXT_FACTS:
        if not isinstance(expected, bool):
            raise ValueError(f"{where}: context fact {key} is true or false")
        return
    question = questions.get(key)
    if question is None:
        known = ", ".join(sorted(questions) + sorted(CONTEXT_FACTS))
        raise ValueError(f"{where}: condition on unknown question {key!r} (known: {known})")
    values = expected if isinstance(expected, list) else [expected]
    for value in values:
        if value == UNKNOWN:
            continue
        if question.type is AnswerType.YES_NO and not isinstance(value, bool):
            raise ValueError(f"{where}: {key} is a yes_no question: use true, false or unknown")
        if question.type is AnswerType.CHOICE and value not in {c.value for c in question.choices}:
            raise ValueError(f"{where}: {key} has no choice {value!r}")
        if question.type is AnswerType.NUMBER and not isinstance(value, NumberCondition):
            raise ValueError(f"{where}: {key} is a number: use below and/or at_least")
        if question.type is AnswerType.TEXT and value != "given":
            raise ValueError(f"{where}: {key} is free text: the only condition is 'given'")


class TriageFile(_Strict):
    """One `data/triage/*.yml` file."""

    version: Literal[1] = 1
    problems: list[Problem] = Field(min_items=1)
