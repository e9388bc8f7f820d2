"""Canned answers agents can start a reply from (`data/canned_answers.yml`, edited by operators)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Extra, Field, validator

from bot.datafiles import load_model

PROJECT_DIR = Path(__file__).resolve().parents[2]
DEFAULT_CANNED_ANSWERS = PROJECT_DIR / "data" / "canned_answers.yml"


class CannedAnswer(BaseModel):
    """A ready answer: a short title for the picker, the Dutch text the tenant reads."""

    id: str = Field(regex=r"^[a-z][a-z0-9_]*$", max_length=40)
    title: str = Field(min_length=2, max_length=60)
    text: str = Field(min_length=2, max_length=1500)

    class Config:
        extra = Extra.forbid


class CannedAnswers(BaseModel):
    """The whole file: the answers in the order the picker shows them."""

    answers: list[CannedAnswer] = Field(min_items=1)

    class Config:
        extra = Extra.forbid

    @validator("answers")
    def _unique_ids(cls, answers: list[CannedAnswer]) -> list[CannedAnswer]:
        seen: set[str] = set()
        for answer in answers:
            if answer.id in seen:
                raise ValueError(f"the id {answer.id!r} is used twice")
            seen.add(answer.id)
        return answers


def load_canned_answers(path: Path = DEFAULT_CANNED_ANSWERS) -> CannedAnswers:
    """Load and check the canned answers.

    Raises:
        DataFileError: naming file and line of every problem.
    """
    return load_model(CannedAnswers, path)
