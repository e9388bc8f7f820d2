"""Read-only access to Rasa's SQL tracker store, where every event of every conversation is kept.

Rasa 3.6 keeps one row per event in the table `events` (rasa.core.tracker_store.SQLEvent):
`sender_id` (indexed), `type_name`, `timestamp`, `intent_name`, `action_name` and the event
as JSON in `data`. The console's transcripts and the review inbox read it; only Rasa writes.
"""

from __future__ import annotations

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, create_engine
from sqlalchemy.engine import Engine

EVENTS = Table(
    "events",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("type_name", String(255)),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("data", Text),
)


def read_only_engine(url: str) -> Engine:
    """An engine on the tracker store; a SQLite file is opened read-only, never created by us."""
    if url.startswith("sqlite:///"):
        url = f"sqlite:///file:{url.removeprefix('sqlite:///')}?mode=ro&uri=true"
    return create_engine(url, pool_pre_ping=True)
