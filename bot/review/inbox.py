"""The review inbox: tenants' real messages the model may have read wrong, for an operator to label.

A message needs a look when the model was unsure (`low_confidence`), did not understand it at
all (`fallback`), or was corrected later: the tenant said "nee" to what the bot understood
(`corrected`), an agent who took the conversation over flagged it as misunderstood (`agent`),
or the conversation went to a person because the bot did not understand it twice
(`handed_over`). Messages come from Rasa's tracker store; what an operator decided is
kept in `review_decisions`, so a message is reviewed once. Button presses and wordless
messages (a photo) are not messages to learn from and are left out.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from bot.handoff.models import Handoff
from bot.handoff.reasons import NOT_UNDERSTOOD
from bot.nlu.classify import intent_from_parse
from bot.review.models import ReviewDecision, ReviewFlag
from bot.tracker_store import EVENTS

LOW_CONFIDENCE = 0.7
# How many of the newest message events are looked through (a window keeps the inbox fast).
SCAN_WINDOW = 50_000
CORRECTION_RESPONSE = "utter_ask_correction"
REASON_LABELS = {
    "fallback": "niet begrepen",
    "low_confidence": "twijfel",
    "corrected": "huurder zei 'nee'",
    "handed_over": "naar een collega",
    "agent": "collega: verkeerd begrepen",
}


@dataclass(frozen=True)
class Candidate:
    """A message for the inbox: what the model thought, how sure it was, and why it needs a look."""

    event_id: int
    conversation_id: str
    text: str
    intent: str | None
    confidence: float
    at: datetime
    reasons: tuple[str, ...] = field(default_factory=tuple)

    @property
    def reason_labels(self) -> str:
        return ", ".join(REASON_LABELS[reason] for reason in self.reasons)


def _classified(data: dict) -> tuple[str | None, float]:
    """The classifiers' intent (with its FAQ topic) and confidence, from a user event."""
    return intent_from_parse(data.get("parse_data") or {})


def _is_learnable(text: str) -> bool:
    return bool(text.strip()) and not text.startswith("/")


def _events(tracker_engine: Engine) -> list[tuple[int, str, dict]]:
    """The newest user and bot events, oldest first; none when Rasa has not created its store."""
    newest = select(func.max(EVENTS.c.id))
    try:
        with tracker_engine.connect() as connection:
            last = connection.execute(newest).scalar() or 0
            rows = connection.execute(
                select(EVENTS.c.id, EVENTS.c.sender_id, EVENTS.c.data)
                .where(EVENTS.c.id > last - SCAN_WINDOW, EVENTS.c.type_name.in_(("user", "bot")))
                .order_by(EVENTS.c.id)
            ).all()
    except (OperationalError, ProgrammingError):
        return []
    return [(row.id, row.sender_id, json.loads(row.data or "{}")) for row in rows]


def _reasons_by_event(events: list[tuple[int, str, dict]], handed_over: set[str]) -> dict[int, set[str]]:
    reasons: dict[int, set[str]] = defaultdict(set)
    users: dict[str, list[tuple[int, dict]]] = defaultdict(list)
    for event_id, sender, data in events:
        if data.get("event") == "user":
            users[sender].append((event_id, data))
            intent, confidence = _classified(data)
            if intent == "nlu_fallback":
                reasons[event_id].add("fallback")
            elif confidence < LOW_CONFIDENCE:
                reasons[event_id].add("low_confidence")
            if sender in handed_over and intent == "nlu_fallback":
                reasons[event_id].add("handed_over")
        elif (data.get("metadata") or {}).get("utter_action") == CORRECTION_RESPONSE and len(
            users[sender]
        ) >= 2:
            reasons[users[sender][-2][0]].add("corrected")  # the message before the tenant's "nee"
    return reasons


def candidates(session: Session, tracker_engine: Engine, *, limit: int = 100) -> list[Candidate]:
    """Messages that need a look and were not reviewed yet, the newest first."""
    events = _events(tracker_engine)
    handed_over = set(
        session.scalars(select(Handoff.conversation_id).where(Handoff.reason == NOT_UNDERSTOOD).distinct())
    )
    reasons = _reasons_by_event(events, handed_over)
    window = [event_id for event_id, _, data in events if data.get("event") == "user"]
    for event_id in session.scalars(select(ReviewFlag.event_id).where(ReviewFlag.event_id.in_(window))):
        reasons[event_id].add("agent")
    decided = set(
        session.scalars(select(ReviewDecision.event_id).where(ReviewDecision.event_id.in_(reasons)))
    )
    found = []
    for event_id, sender, data in reversed(events):
        text = data.get("text") or ""
        if event_id not in reasons or event_id in decided or not _is_learnable(text):
            continue
        intent, confidence = _classified(data)
        at = datetime.fromtimestamp(float(data.get("timestamp") or 0), tz=timezone.utc)
        found.append(
            Candidate(
                event_id, sender, text, intent, round(confidence, 3), at, tuple(sorted(reasons[event_id]))
            )
        )
        if len(found) >= limit:
            break
    return found


def candidate(session: Session, tracker_engine: Engine, event_id: int) -> Candidate | None:
    """One message of the inbox by its event id, if it is there."""
    return next(
        (item for item in candidates(session, tracker_engine, limit=10_000) if item.event_id == event_id),
        None,
    )


def flag_misread(
    session: Session, tracker_engine: Engine, *, conversation_id: str, event_id: int, by: str
) -> bool:
    """An agent marks a tenant's message of this conversation as misunderstood; False if it was already.

    Raises:
        ValueError: when the event is not a tenant's message in this conversation.
    """
    query = select(EVENTS.c.sender_id, EVENTS.c.type_name).where(EVENTS.c.id == event_id)
    with tracker_engine.connect() as connection:
        row = connection.execute(query).first()
    if row is None or row.sender_id != conversation_id or row.type_name != "user":
        raise ValueError("not a message of the tenant in this conversation")
    if session.scalars(select(ReviewFlag).where(ReviewFlag.event_id == event_id)).first():
        return False
    session.add(ReviewFlag(event_id=event_id, conversation_id=conversation_id, flagged_by=by))
    session.flush()
    return True
