"""`python -m bot triage`: JSON lines of messages in, one triage report per line out."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from bot.triage.service import Knowledge, report, start_triage

# Parses a message into (classification with `.category`, entities by name).
Parser = Callable[[str], tuple[Any, dict[str, list[str]]]]


def read_request(line: str, *, now: datetime) -> tuple[str, datetime, dict[str, Any]]:
    """The text, the local moment and the fields to echo (`id`) of one JSON line.

    Raises:
        ValueError: for a line that is not a JSON object with a string `text`, or a bad `at`.
    """
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON: {error.msg}") from error
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        raise ValueError("expected a JSON object with a string field 'text'")
    at = now
    if record.get("at") is not None:
        try:
            at = datetime.fromisoformat(str(record["at"]))
        except ValueError as error:
            raise ValueError(f"'at' is not an ISO date and time: {record['at']!r}") from error
    extra = {"id": record["id"]} if "id" in record else {}
    return record["text"], at, extra


def triage_lines(
    knowledge: Knowledge, parse: Parser, lines: Iterable[str], *, now: datetime | None = None
) -> Iterator[dict[str, Any]]:
    """One report per non-empty input line, in order; a bad line gets an `error` object."""
    now = now or datetime.now(knowledge.office_hours.zone)
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            text, at, extra = read_request(line, now=now)
        except ValueError as error:
            yield {"line": number, "error": str(error)}
            continue
        classification, entities = parse(text)
        started = start_triage(knowledge, text, at=at, category=classification.category, entities=entities)
        yield {**extra, "text": text, **report(classification.category, started[1] if started else None)}
