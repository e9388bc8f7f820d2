"""An operator's decision on a message of the review inbox: label it, call it out of scope, or ignore it.

A labelled message becomes a training example in the right `data/nlu/` file, with personal
data replaced first (`bot.review.scrub`): tenants' names from our records, phone numbers,
postcodes, house numbers, e-mail addresses, IBANs. The decision is recorded either way, so
the message leaves the inbox. Nothing is written twice, and nothing of a held-out set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db import utcnow
from bot.review.inbox import Candidate
from bot.review.models import IGNORED, LABELLED, OUT_OF_SCOPE, ReviewDecision
from bot.review.nlu_files import ExampleRefused, TrainingFiles
from bot.review.scrub import scrub
from bot.tenants import Tenant

OUT_OF_SCOPE_INTENT = "out_of_scope"
MIN_NAME = 3
# Parts of Dutch surnames that are ordinary words ("van den Berg"): never replaced on their own.
NAME_PARTICLES = frozenset(
    {"van", "von", "den", "der", "des", "het", "ter", "ten", "tot", "uit", "aan", "bij"}
)


@dataclass(frozen=True)
class Saved:
    """What a decision wrote: the example as saved, the file, and which personal data was replaced."""

    decision: str
    example: str | None = None
    file: Path | None = None
    replaced: tuple[str, ...] = ()


def training_files(project_dir: Path, nlu_dir: Path | None = None) -> TrainingFiles:
    """The NLU training files (`nlu_dir`, default the project's), the held-out sets, the entities."""
    import yaml

    entities: set[str] = set()
    for path in sorted((project_dir / "domain").glob("*.yml")):
        entities.update((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("entities") or [])
    heldout = tuple(sorted((project_dir / "tests" / "nlu").glob("heldout*.yml")))
    return TrainingFiles(nlu_dir or project_dir / "data" / "nlu", heldout, frozenset(entities))


def tenant_names(session: Session, text: str) -> set[str]:
    """The tenants' first and last names that occur in `text`, for the scrubber to replace.

    Only the words of the message are looked up, so this stays fast with 100,000 tenants.
    """
    words = {word.lower() for word in re.findall(r"\w+", text) if len(word) >= MIN_NAME}
    if not words:
        return set()
    query = select(Tenant.first_name, Tenant.last_name).where(
        func.lower(Tenant.first_name).in_(words) | func.lower(Tenant.last_name).in_(words)
    )
    names: set[str] = set()
    for first, last in session.execute(query):
        names.update(word for name in (first, last) for word in (name or "").split() if len(word) >= MIN_NAME)
    return {name for name in names if name.lower() in words and name.lower() not in NAME_PARTICLES}


def preview(session: Session, text: str) -> str:
    """The message as it would be saved: personal data already replaced, for the operator to edit."""
    return scrub(text, names=tenant_names(session, text)).text


def decide(
    session: Session,
    files: TrainingFiles,
    item: Candidate,
    *,
    decision: str,
    by: str,
    intent: str | None = None,
    text: str | None = None,
    now: datetime | None = None,
) -> Saved:
    """Record the decision; a label or "out of scope" also writes the scrubbed example.

    `text` is the operator's edited version of the message (entity markup allowed); it is
    scrubbed again before it is saved.

    Raises:
        ExampleRefused: an unknown decision or intent, a known example, an already reviewed
            message, or bad entity markup; nothing is written then.
    """
    if session.scalars(select(ReviewDecision).where(ReviewDecision.event_id == item.event_id)).first():
        raise ExampleRefused("Dit bericht is al beoordeeld.")
    if decision not in (LABELLED, OUT_OF_SCOPE, IGNORED):
        raise ExampleRefused(f"Onbekende beslissing: {decision}")
    label = {LABELLED: intent, OUT_OF_SCOPE: OUT_OF_SCOPE_INTENT}.get(decision)
    example, replaced = None, ()
    if decision != IGNORED:
        if not label:
            raise ExampleRefused("Kies een intent.")
        words = text if text is not None else item.text
        scrubbed = scrub(words, names=tenant_names(session, f"{words} {item.text}"))
        example, replaced = files.check(label, scrubbed.text), scrubbed.replaced
    row = ReviewDecision(
        event_id=item.event_id,
        conversation_id=item.conversation_id,
        decision=decision,
        predicted_intent=item.intent,
        intent=label,
        example=example,
        decided_by=by,
        decided_at=now or utcnow(),
    )
    session.add(row)
    session.flush()  # the decision is recorded before the file is touched
    if example is None:
        return Saved(decision)
    written = files.add(label, example)
    row.file = written.name
    return Saved(decision, example, written, replaced)
