"""Classify tenants' messages with the trained model: the service behind `python -m bot classify`."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bot.categories import category_for_intent
from bot.handoff.cues import CUE_INTENT

# Longer messages are cut before parsing: the intent is clear long before this, and
# featurising a megabyte of text would stall a replay of a whole day of messages.
MAX_PARSE_CHARS = 2000

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Classification:
    """The model's reading of one message."""

    text: str
    intent: str | None
    category: str
    confidence: float
    # Anger, distress or a death that sends the message straight to a person (bot/nlu/cues.py).
    handoff_cue: str | None = None


def intent_from_parse(parse: dict[str, Any]) -> tuple[str | None, float]:
    """The classified intent (with its FAQ topic, e.g. `faq/pets`) and its confidence.

    When a handoff cue replaced the intent, this is the classifiers' intent from before.
    """
    intent = parse.get("classified_intent") or parse.get("intent") or {}
    name = intent.get("name")
    confidence = float(intent.get("confidence") or 0.0)
    selector = (parse.get("response_selector") or {}).get(name or "", {})
    response_key = (selector.get("response") or {}).get("intent_response_key")
    return (response_key or name), confidence


def _handoff_cue(parse: dict[str, Any]) -> str | None:
    """The cue's kind when it sends the message straight to a person (see bot/nlu/cues.py)."""
    if (parse.get("intent") or {}).get("name") != CUE_INTENT:
        return None
    return (parse.get("handoff_cue") or {}).get("kind")


def entities_from_parse(parse: dict[str, Any]) -> dict[str, list[str]]:
    """The parsed entities as name -> values (after synonym mapping), in message order."""
    entities: dict[str, list[str]] = {}
    for entity in parse.get("entities") or []:
        name, value = entity.get("entity"), entity.get("value")
        if isinstance(name, str) and isinstance(value, str) and value not in entities.get(name, []):
            entities.setdefault(name, []).append(value)
    return entities


class Classifier:
    """Loads a trained Rasa model once and classifies many messages with it."""

    def __init__(self, model_path: Path) -> None:
        from rasa.core.agent import Agent

        from bot.faq import ignore_missing_response_warning

        # The FAQ topics have no domain responses by design (data/faq_answers.yml holds the
        # answers); without this, Rasa warns about it for every FAQ message classified.
        ignore_missing_response_warning()
        self.model_path = model_path
        self._agent = Agent.load(str(model_path))
        self._loop = asyncio.new_event_loop()

    def classify(self, text: str) -> Classification:
        """Classify one message; empty text is `other` without asking the model."""
        return self.parse(text)[0]

    def parse(self, text: str) -> tuple[Classification, dict[str, list[str]]]:
        """Classify one message and return its entities (name -> canonical values) too."""
        if not text.strip():
            return Classification(text=text, intent=None, category="other", confidence=0.0), {}
        parse = self._loop.run_until_complete(self._agent.parse_message(text[:MAX_PARSE_CHARS]))
        intent, confidence = intent_from_parse(parse)
        classification = Classification(
            text=text,
            intent=intent,
            category=category_for_intent(intent).value,
            confidence=round(confidence, 4),
            handoff_cue=_handoff_cue(parse),
        )
        return classification, entities_from_parse(parse)

    def close(self) -> None:
        self._loop.close()


def read_message(line: str) -> tuple[str, dict[str, Any]]:
    """The text of one input line and the extra fields to echo back (JSON lines keep `id`).

    A line is JSON when it is a JSON object; anything else, including text that merely
    starts with a brace, is the message itself.
    """
    line = line.rstrip("\r\n")
    stripped = line.strip()
    if stripped.startswith("{"):
        try:
            record = json.loads(stripped)
        except json.JSONDecodeError:
            return line, {}
        if isinstance(record, dict):
            text = record.get("text")
            if not isinstance(text, str):
                raise ValueError("JSON line has no string field 'text'")
            extra = {"id": record["id"]} if "id" in record else {}
            return text, extra
    return line, {}


def classify_lines(classifier: Classifier, lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """One output object per input line, in order; a bad line gets an `error` object."""
    for number, line in enumerate(lines, start=1):
        try:
            text, extra = read_message(line)
        except ValueError as error:
            yield {"line": number, "error": str(error)}
            continue
        yield {**extra, **asdict(classifier.classify(text))}
